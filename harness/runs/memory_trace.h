#pragma once
/// Recording a module's own allocations and frees in the guest for a whole run, through a
/// tracefs instance of its own (instances/bh-memory, so the race trace's buffer is left
/// alone): the slab tracepoints and the harness's kprobe events (analysis/memory/
/// memory_probes.h), each filtered in the kernel to calls from the module's code.
///
/// start(), after boot and before bcache registers any device: reads the module's section
/// addresses (/sys/module/NAME/sections/), the layouts and the CPUs (one round trip),
/// defines the kprobes, trying each function's names until one exists (one), reads their
/// layouts (one), then makes the instance and filters, enables and starts it (one).
/// mark() writes "bh phase NAME" into the instance's trace_marker (one). stop() turns it
/// off and moves its pages, loss counters and kprobe_profile to the host (two).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/memory/memory_capture.h"
#include "base/expected.h"
#include "harness/vm/guest_agent.h"

namespace bh {

/// The tracefs instance the memory trace records into.
inline constexpr const char* kMemoryTraceInstance = "/sys/kernel/tracing/instances/bh-memory";

/// Ring-buffer size per guest CPU for the memory trace: stock bcache's own allocations and
/// frees over a run are a few thousand events of under 64 bytes, but a module that
/// allocates per I/O (the calibration patch: two events per bypass write, 56,000 in a 10 s
/// perf phase under TCG) fills 2 MiB; loss is checked, never assumed.
inline constexpr std::size_t kMemoryTraceBufferKibPerCpu = 8192;

class MemoryTracer {
 public:
  /// Traces `module`, whose code `image` describes (read from the same .ko the guest loads).
  MemoryTracer(GuestAgent& agent, std::string module, analysis::ModuleImage image) : agent_(agent) {
    capture_.module = std::move(module);
    capture_.image = std::move(image);
  }

  /// Starts recording. Fails naming the file that could not be read or written.
  Expected<void> start(std::size_t buffer_kib_per_cpu = kMemoryTraceBufferKibPerCpu);

  /// Marks the start of phase `name` in the trace.
  Expected<void> mark(const std::string& name);

  /// Stops recording and returns everything recorded since start().
  Expected<analysis::MemoryCapture> stop();

 private:
  Expected<void> read_layouts();
  Expected<void> define_probes();
  Expected<void> enable(std::size_t buffer_kib_per_cpu);

  GuestAgent& agent_;
  analysis::LoadedModuleCode code_;
  analysis::MemoryCapture capture_;
  std::vector<std::string> events_;  ///< "kmem/kmalloc", "bhmem/pages", ... recorded
  unsigned cpus_ = 0;
};

}  // namespace bh
