#pragma once
/// Recording bcache's tracepoints in the guest while a race runs, through tracefs
/// (/sys/kernel/tracing, mounted by the guest's init) and the guest agent.
///
/// arm(), before bcache registers any device, sizes the ring buffer per CPU, selects the
/// cross-CPU "mono" clock, turns overwriting off (a full buffer drops new events and counts
/// them, never silently replaces old ones) and task-name recording off, and enables the
/// events of kBcacheTraceEvents with tracing off: two agent round trips. Enabling an event
/// live-patches the code that fires it, so it happens while no bcache code runs. start()
/// clears the buffer and turns tracing on: one round trip. stop() turns tracing off (the
/// events stay enabled, so no code is patched while bcache runs) and moves the raw pages,
/// the loss counters and the event layouts to the host: one LZ4 block per CPU, not one
/// message per event; two round trips.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "analysis/trace/trace_capture.h"
#include "base/expected.h"
#include "harness/vm/guest_agent.h"

namespace bh {

/// Where the guest mounts tracefs.
inline constexpr const char* kGuestTracefs = "/sys/kernel/tracing";

/// Ring-buffer size per guest CPU: a 16 MiB race region under TCG writes 3-6 MiB of bcache
/// events in all, at most about 3 MiB on one CPU (measured, docs/race-evidence.md); loss is
/// checked, never assumed. Every KiB is allocated when tracing starts, so no more.
inline constexpr std::size_t kTraceBufferKibPerCpu = 24576;

/// The most CPUs a guest's tracefs is searched for.
inline constexpr unsigned kMaxTracedCpus = 64;

class RaceTrace {
 public:
  explicit RaceTrace(GuestAgent& agent) : agent_(agent) {}

  /// Prepares recording without starting it. Fails naming the tracefs file that could not
  /// be read or written (a kernel without bcache's tracepoints fails here, naming the first
  /// missing format).
  Expected<void> arm(std::size_t buffer_kib_per_cpu = kTraceBufferKibPerCpu);

  /// Starts recording into an empty buffer; arm() first.
  Expected<void> start();

  /// Stops recording and returns everything recorded since start().
  Expected<analysis::TraceCapture> stop();

 private:
  /// arm()'s tracefs writes, in order, as one agent request.
  std::vector<std::pair<std::string, std::string>> arm_writes(std::size_t buffer_kib_per_cpu) const;

  GuestAgent& agent_;
  analysis::TraceCapture layouts_;
  unsigned cpus_ = 0;  ///< guest CPUs with a per_cpu directory
};

}  // namespace bh
