#pragma once
/// One run of a perf scenario with one seed, in a fresh guest: provision bcache, fill the
/// region, run the scenario's perf job once to warm up and once for its measured runtime,
/// power off. The measured phase records fio's JSON, per-I/O completion-latency logs and
/// memory samples every 250 ms against an idle baseline; every phase records bcache's
/// counters before and after it: counted by tracefs triggers as requests happen and read as
/// soon as they stop moving (trace_counters.h), or, on a guest kernel that cannot arm
/// those, stats_total read once bcache's accounting timer has folded in the phase's I/O
/// (bcache_counters.h).
///
/// A perf run checks no data. It PASSes when the workload provably ran (every job did I/O,
/// the measured phase ran for its runtime), FAILs on a kernel oops, and is an ERROR when
/// the harness cannot prove the workload happened.

#include <string>

#include "analysis/fio_json.h"
#include "harness/results/run_summary.h"
#include "harness/runs/run_context.h"

namespace bh {

/// Set (non-empty) in the environment, perf runs read bcache's counters from stats_total
/// (waiting for bcache's fold after each phase) instead of tracefs triggers: to measure
/// what the triggers cost, and to exercise the path kernels without hist triggers take.
inline constexpr const char* kStatsTotalCountersVariable = "BH_STATS_TOTAL_COUNTERS";

/// The environment a perf phase adds to job_environment: BH_RUNTIME and BH_LAT_LOG.
std::map<std::string, std::string> perf_phase_environment(const std::string& phase, std::uint32_t seconds);

/// "" when the measured phase's fio report proves the workload: every job completed I/O
/// and ran at least 90% of `runtime_s`; otherwise why not.
std::string perf_workload_problem(const analysis::FioReport& report, std::uint32_t runtime_s);

/// Makes a perf run with a memory trace that gave no figure (`memory_error`, as
/// bcache_memory_error says it) an ERROR, saying so among its errors. When that is its only
/// error and the trace lost events (analysis::is_trace_loss), the run may be made again
/// (RunResult::lost_a_measurement): the loss was the guest's tracing, not the kernel under test.
void add_memory_error(RunResult& result, const std::string& memory_error);

/// Runs the perf scenario once; the result is PASS, FAIL, ERROR or SKIP with its reason,
/// timings, and (when the measured phase ran) its metrics. `used_accel` receives the
/// accelerator of the boot (empty if none).
RunResult run_perf_once(const RunContext& context, std::string& used_accel);

}  // namespace bh
