#pragma once
/// A memory trace (memory_probes.h) decoded into one time line of a module's allocations
/// and frees, with the phase marks the harness wrote into it.
///
/// Slab tracepoints become allocations (call_site, ptr, bytes_alloc) and frees directly.
/// A kprobe entry waits for its return on the same task (the latest entry of that function
/// with the same caller): together they make an allocation of the entry's size (a page
/// order becomes PAGE_SIZE << order) at the pointer the return gave. A krealloc whose return
/// differs from the pointer it was given freed that pointer (its new block is a kmalloc
/// event of its own). Every call site is checked against the module's code, so what the
/// kernel's filter let through beyond it is dropped, never counted.

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/memory/allocation_ledger.h"
#include "analysis/memory/module_code.h"
#include "analysis/trace/trace_capture.h"
#include "base/expected.h"

namespace bh::analysis {

/// A line the harness wrote to trace_marker, and when.
struct TraceMark {
  std::uint64_t t_ns = 0;
  std::string text;
};

/// What a decoded memory trace holds.
struct MemoryTrace {
  std::vector<MemoryEvent> events;   ///< by time (ties keep CPU order)
  std::vector<TraceMark> marks;      ///< by time
  std::uint64_t records = 0;         ///< every record of a known event, kept or not
  std::uint64_t outside_module = 0;  ///< records whose caller lay outside the module's code
  std::uint64_t lost_events = 0;     ///< ring-buffer loss plus kprobe misses
  std::string loss_detail;
  /// Returns with no entry of theirs, and entries whose return never came (a probe missed,
  /// or the trace stopped inside the call): each an allocation the ledger cannot see.
  std::uint64_t unpaired_returns = 0;
  std::uint64_t unpaired_entries = 0;
};

/// Kprobe misses by event, from tracefs kprobe_profile ("  bhmem/pages   12   0" per line:
/// event, hits, misses); only events of kMemoryProbeGroup count. An error names a line
/// that does not parse.
Expected<std::uint64_t> probe_misses(std::string_view kprobe_profile, std::string* detail = nullptr);

/// Decodes `capture` (formats of the kmem tracepoints, the bhmem probes and ftrace/print as
/// recorded; capture.kprobe_profile for misses), keeping the events whose caller `code`
/// contains. Errors name the event whose format lacks a field or whose record does not
/// parse.
Expected<MemoryTrace> decode_memory_trace(const TraceCapture& capture, const LoadedModuleCode& code);

}  // namespace bh::analysis
