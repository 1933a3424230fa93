#pragma once
/// A candidate kernel against a baseline kernel, from the summary.json of each side's runs
/// (the same scenarios and seeds): stale blocks side by side, and per metric the medians, the
/// candidate/baseline ratio with a bootstrap 95% interval, the Mann-Whitney p-value and a
/// verdict (compare_stats.h). The result is compare.json; every compare view renders it.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/compare_stats.h"
#include "base/expected.h"

namespace bh::analysis {

/// A metric compared per scenario: its name (the dotted path of the run field it reads,
/// e.g. "latency_us.read.p99"), its JSON pointer, and which way is better.
struct ComparedMetric {
  std::string name;
  std::string pointer;  ///< into a run object of summary.json
  Direction direction;
};

/// The metrics compare reports: p50/p99/p99.9 completion latency and IOPS per direction,
/// and the peak-minus-baseline of Slab, SUnreclaim and VmallocUsed.
const std::vector<ComparedMetric>& compared_metrics();

/// The bcache_memory figures compare reports as differences in bytes (candidate − baseline):
/// traced to the byte and nearly deterministic, so a ratio with a bootstrap of medians would
/// be the wrong tool.
inline constexpr const char* kMemoryDifferenceKeys[] = {"baseline_bytes", "peak_bytes", "peak_minus_baseline_bytes",
                                                        "held_at_end_bytes"};

/// Fewer runs than this on either side give no significance verdict for a metric ("too few
/// runs"): with one or two values there is no spread to weigh a change against.
inline constexpr std::size_t kMinRunsForVerdict = 3;

/// A regression or improvement must also have a Mann-Whitney p-value below this after
/// Holm's adjustment over the scenario's metrics ("p_adjusted"). So with N runs per side
/// nothing can be flagged until the smallest exact p, 2 / C(2N, N), times the number of
/// metrics falls below it: N >= 6 for a scenario's 11 metrics.
inline constexpr double kAlpha = 0.05;

/// What compare was asked: thresholds per metric name (default: `default_threshold`).
struct ComparisonOptions {
  Threshold default_threshold;
  std::map<std::string, double> thresholds;  ///< metric name -> relative threshold (0.1 = 10%)
  BootstrapOptions bootstrap;
};

/// Parses "METRIC=PERCENT" (e.g. "latency_us.read.p99=10") into options.thresholds; the
/// error names the text and, for an unknown metric, lists the known ones.
Expected<void> add_threshold(ComparisonOptions& options, std::string_view assignment);

/// compare.json: {"schema": 1, "status": PASS|FAIL|REGRESSION|ERROR, "reason", "baseline"
/// and "candidate" ({"spec", "release", "status"}), "scenarios": [{"name", "kind",
/// "baseline" and "candidate" ({"status", "runs", "stale_blocks", "stale_blocks_after_power_cut",
/// "power_cuts", "kernel_findings"}), "metrics": [{"name", "direction", "threshold",
/// "baseline_runs", "candidate_runs", ...to_json(MetricComparison), "p_adjusted", "verdict",
/// "note"?}], "bcache_memory"?: [{"name" (of kMemoryDifferenceKeys), "baseline" and
/// "candidate" ({"runs", "median", "min", "max"}), "difference_bytes" (median − median),
/// "difference_range_bytes" [lowest, highest], "difference_bytes_per_tib" (when the runs
/// report backing_bytes)}]}],
/// "geometric_mean": {"worse_if_above_one", "used", "skipped"}}.
///
/// A metric's verdict is compare_metric's (interval and threshold), kept as a regression or
/// improvement only when its Holm-adjusted p is below kAlpha, "too_few_runs" with fewer than
/// kMinRunsForVerdict runs on a side.
///
/// Status: ERROR when a run of either side is an ERROR or a scenario is missing from a
/// side (nothing can be compared); else FAIL when the candidate served a stale block (at
/// run time or after a cut) or its kernel complained; else REGRESSION when a metric is
/// significantly worse beyond its threshold; else PASS. Errors only for summaries that
/// are not summaries (no "scenarios" array).
Expected<nlohmann::json> compare_summaries(const nlohmann::json& baseline, const nlohmann::json& candidate,
                                           const ComparisonOptions& options);

/// 0 PASS, 1 FAIL or REGRESSION, 3 ERROR (as `run`).
int compare_exit_code(std::string_view status);

}  // namespace bh::analysis
