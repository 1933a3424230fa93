#pragma once
/// Recording bcache's tracepoints in the guest while a race runs, through tracefs
/// (/sys/kernel/tracing, mounted by the guest's init) and the guest agent.
///
/// start() clears the ring buffer, sizes it per CPU, selects the cross-CPU "mono" clock,
/// turns overwriting off (a full buffer drops new events and counts them, never silently
/// replaces old ones), enables exactly the events of kBcacheTraceEvents and turns tracing
/// on. stop() turns it off and moves the raw pages, the loss counters and the event layouts
/// to the host: one base64 blob per CPU, not one message per event.

#include <cstddef>

#include "analysis/trace/trace_capture.h"
#include "base/expected.h"
#include "harness/vm/guest_agent.h"

namespace bh {

/// Where the guest mounts tracefs.
inline constexpr const char* kGuestTracefs = "/sys/kernel/tracing";

/// Ring-buffer size per guest CPU: a 16 MiB race region under TCG writes 3-6 MiB of bcache
/// events in all (measured, README "Race evidence"); loss is checked, never assumed.
inline constexpr std::size_t kTraceBufferKibPerCpu = 16384;

/// The most CPUs a guest's tracefs is searched for.
inline constexpr unsigned kMaxTracedCpus = 64;

class RaceTrace {
 public:
  explicit RaceTrace(GuestAgent& agent) : agent_(agent) {}

  /// Starts recording. Fails naming the tracefs file that could not be read or written
  /// (a kernel without bcache's tracepoints fails here, naming the first missing format).
  Expected<void> start(std::size_t buffer_kib_per_cpu = kTraceBufferKibPerCpu);

  /// Stops recording and returns everything recorded since start().
  Expected<analysis::TraceCapture> stop();

 private:
  Expected<void> write(const std::string& file, const std::string& value);

  GuestAgent& agent_;
  analysis::TraceCapture layouts_;
};

}  // namespace bh
