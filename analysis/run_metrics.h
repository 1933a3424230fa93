#pragma once
/// The metrics of one run, computed from the raw files its run directory keeps, so that
/// `run` and `bcache-harness report DIR` produce the same numbers from the same files.
///
/// Files of a measured phase PHASE ("race" for race and control scenarios, "measure" for
/// perf scenarios), all in the run directory:
///   PHASE.fio.json        fio's JSON output (required)
///   PHASE_clat.N.log      fio's per-I/O completion-latency logs, one per job (optional)
///   PHASE.memory.json     {"interval_ms", "baseline": sample, "samples": [sample, ...]}, the
///                         guest agent's memory samples (optional)
///   bcache-counters.json  {PHASE_NAME: {"before", "after", "delta", "settle_s"}} for every
///                         phase of the run (optional)
///   memory.trace/         the module's own allocations over the whole run
///                         (memory/memory_capture.h; optional)

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/fio_json.h"
#include "analysis/run_series.h"
#include "base/expected.h"

namespace bh::analysis {

/// The run directory's folder that holds the module's memory trace.
inline constexpr const char* kModuleMemoryTraceDir = "memory.trace";

/// How many slab caches besides bcache's own the memory summary lists.
inline constexpr std::size_t kReportedSlabCaches = 8;

/// Per direction ("read", "write") of `report`, for the directions that did I/O:
/// "latency_us" {"samples", "mean", "p50", "p90", "p99", "p99.9", "p99.99", "max"},
/// "iops" and "bandwidth_kib_s". IOPS and bandwidth add up over jobs; the mean is weighted
/// by samples. Percentiles are fio's own (its histogram) when one job did the direction's
/// I/O; when several did, they cannot be combined from fio's JSON and come from
/// `latency_logs` (nearest rank over every logged I/O) or are left out.
nlohmann::json fio_metrics(const FioReport& report, const std::vector<LatencyLog>& latency_logs);

/// The "memory_kib" object of `memory_file` (see the file comment): the phase summary of
/// memory_summary.h with the slab list cut by top_slab_caches, plus "interval_ms",
/// "samples", "bcache_module_kib" (the module's core size; null when the guest did not
/// report it) and "allocinfo" (bcache's allocations by /proc/allocinfo: baseline, peak and
/// peak minus baseline; null, with "allocinfo_unavailable" saying why, when the kernel
/// has no allocation profiling).
Expected<nlohmann::json> memory_metrics(const nlohmann::json& memory_file, const std::string& phase);

/// The summary.json fields of a run measured in `phase`: "measured_phase", "latency_us",
/// "iops", "bandwidth_kib_s", and "memory_kib" and "bcache_counters" when their files
/// exist; "bcache_memory" (memory/module_memory.h) from memory.trace/, or
/// "bcache_memory_error" saying why it gave none. Errors name the file that is missing or
/// malformed.
Expected<nlohmann::json> run_metrics(const std::filesystem::path& run_dir, const std::string& phase);

/// The plot series of the run's `phase`: latency CDFs and time series from its latency logs
/// (none without logs) and memory over time from its memory samples. scenario, run_index
/// and seed are left for the caller.
Expected<RunSeries> run_series(const std::filesystem::path& run_dir, const std::string& phase);

/// A run's metrics and its plot series, from one reading of its files.
struct RunAnalysis {
  nlohmann::json metrics;  ///< as run_metrics
  RunSeries series;        ///< as run_series
};

/// run_metrics and run_series together, each raw file read and parsed once.
Expected<RunAnalysis> analyse_run(const std::filesystem::path& run_dir, const std::string& phase);

/// Every PHASE_clat.N.log in `run_dir`, parsed, in file-name order.
Expected<std::vector<LatencyLog>> phase_latency_logs(const std::filesystem::path& run_dir, const std::string& phase);

}  // namespace bh::analysis
