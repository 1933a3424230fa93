#pragma once
/// `compare`'s logic: the same scenarios and seeds on a baseline and a candidate kernel,
/// interleaved (baseline, candidate, baseline, ...) so that drift of the machine hits both
/// alike; then stale blocks side by side and statistics per metric, with a verdict.
///
/// DIR/baseline and DIR/candidate are ordinary run directories (summary.json, reports,
/// `bcache-harness report` works on each); DIR holds compare.json, compare.md, compare.html
/// and junit.xml.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/runs/scenario_loop.h"

namespace bh {

/// What `compare` was asked to do. `run.guest.kernel_spec` is unused; the two specs are.
struct CompareOptions {
  RunOptions run;  ///< scenarios, repeat, seed, power cuts, perf overrides, guest flags
  std::string baseline_spec;
  std::string candidate_spec;
  double threshold_percent = 5;         ///< default significance threshold
  std::vector<std::string> thresholds;  ///< METRIC=PERCENT overrides
};

/// One kernel of the comparison and the runs made on it.
struct CompareSide {
  std::string name;  ///< "baseline" or "candidate"
  std::filesystem::path dir;
  PreparedGuest guest;
  RunSummary summary;
};

/// Runs scenario `position.scenario` (1-based, of `position.scenarios`) `repeat` times on
/// every side, interleaved: run 1 on each side in order, then run 2, ...; each side's
/// summary.json is saved after each of its runs.
void run_interleaved(const Scenario& scenario, int repeat, std::vector<CompareSide>& sides, const RunEvents& events,
                     ProgressPosition position, const RunOnce& run_once);

/// One line per scenario (stale blocks on both sides, the headline metrics), then the
/// verdict and where compare.html is.
std::string comparison_summary_text(const nlohmann::json& comparison, const std::filesystem::path& out_dir);

/// What a whole `compare` produced.
struct CompareOutcome {
  nlohmann::json comparison;  ///< compare.json
  std::filesystem::path out_dir;
  std::string summary_text;  ///< also in summary.txt
  int exit_code = 3;         ///< 0 PASS, 1 FAIL or REGRESSION, 3 ERROR
};

/// `compare BASELINE_DIR CANDIDATE_DIR`: compares two existing run directories offline
/// (their summary.json, metrics recomputed from their raw files in memory; neither is
/// modified) with `options`' thresholds, writing the comparison's views into
/// options.run.guest.out_dir (default runs/compare-<time>). Throws HarnessError (usage)
/// naming a directory that is not a run directory.
CompareOutcome compare_directories(const CompareOptions& options, const std::filesystem::path& baseline_dir,
                                   const std::filesystem::path& candidate_dir);

/// The whole `compare`: checks the options (HarnessError, usage, before anything boots),
/// prepares both kernels, runs every scenario interleaved with `run_once`, writes both
/// sides' reports and the comparison's views.
CompareOutcome run_comparison(const CompareOptions& options, const RunEvents& events, const RunOnce& run_once);

}  // namespace bh
