#pragma once
/// A module's own memory over a run, from its memory capture: summary.json's
/// "bcache_memory" and the curve report.html plots.
///
/// The run's phases are the trace's phase marks ("bh phase NAME"); the last mark ("end")
/// closes the last phase. What the module holds at the first phase's start (registered and
/// idle) is the baseline. Times are seconds from that start.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/memory/memory_capture.h"
#include "base/expected.h"

namespace bh::analysis {

/// What the method sees and what it cannot, as reported beside the figures.
inline constexpr const char* kModuleMemoryMethod =
    "slab tracepoints (kmalloc, kmem_cache_alloc, kfree, kmem_cache_free) and kprobes on __get_free_pages, "
    "free_pages, kvmalloc, vmalloc, vzalloc, vfree, kvfree and krealloc, filtered in the kernel to calls from "
    "the module's own code; frees matched to allocations by pointer. Not seen: allocations made for the module "
    "by other code (mempools and bio sets, workqueues, kobjects, the gendisk, percpu counters) and bio pages "
    "from alloc_page() that the block layer frees.";

/// The summary and the curve.
struct ModuleMemory {
  /// {"method", "module", "baseline_bytes", "peak_bytes", "peak_t_s",
  /// "peak_minus_baseline_bytes", "held_at_end_bytes", "phases": [{"name", "start_s",
  /// "end_s", "held_at_start_bytes", "peak_bytes", "peak_t_s", "peak_minus_baseline_bytes",
  /// "held_at_end_bytes"}], "by_call_site": [{"call_site", "address", "baseline_bytes",
  /// "peak_bytes", "held_at_end_bytes", "allocations", "frees"}] (largest peak first),
  /// "trace": {"records", "events", "outside_module", "lost_events", "loss_detail",
  /// "unpaired_entries", "unpaired_returns", "double_frees", "untracked_frees",
  /// "reused_live_addresses", "reused_live_bytes", "failed_allocations", "unprobed"}}
  nlohmann::json summary;
  /// (seconds from the baseline, bytes held) at every change, from the baseline to the end.
  std::vector<std::pair<double, std::uint64_t>> held_over_time;
};

/// The cross-check with allocation profiling: `memory_kib` (run_metrics.h) reports bcache's
/// /proc/allocinfo total when the kernel has CONFIG_MEM_ALLOC_PROFILING, sampled as
/// `phase` started; the trace's figure for that instant is that phase's
/// held_at_start_bytes. {"allocinfo_bytes", "traced_bytes", "difference_bytes", "agree"
/// (within allocinfo's 1 KiB resolution), "note"}; {"available": false, "why"} when the
/// kernel has no allocinfo or the summary lacks the phase.
nlohmann::json allocinfo_check(const nlohmann::json& bcache_memory, const nlohmann::json& memory_kib,
                               std::string_view phase);

/// How module_memory()'s error ends when the trace lost what it needed (events, kprobe hits,
/// entries or returns to pair): the guest's tracing lost them, not bcache, and a fresh run
/// may lose none.
inline constexpr std::string_view kTraceLossError = "its figures would under-count";

/// True when `error` (module_memory()'s, with any prefix) says the trace lost what it needed.
inline bool is_trace_loss(std::string_view error) { return error.ends_with(kTraceLossError); }

/// Decodes and summarizes `capture`. Errors name what does not parse, a trace without phase
/// marks, or one that lost events or has probe entries and returns that do not pair up (the
/// figures would under-count: never reported; is_trace_loss() tells those apart).
Expected<ModuleMemory> module_memory(const MemoryCapture& capture);

}  // namespace bh::analysis
