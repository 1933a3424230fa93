#pragma once
/// `bcache-harness compare`: the same scenarios and seeds on a baseline and a candidate
/// kernel, interleaved (baseline, candidate, baseline, ...) so that drift of the machine hits
/// both alike; then stale blocks side by side and statistics per metric, with a verdict.
///
/// DIR/baseline and DIR/candidate are ordinary run directories (summary.json, reports,
/// `bcache-harness report` works on each); DIR holds compare.json, compare.md, compare.html
/// and junit.xml.

#include <string>
#include <vector>

#include "harness/cli/run_command.h"

namespace bh::cli {

/// What `compare` was asked to do. `run.guest.kernel_spec` is unused; the two specs are.
struct CompareOptions {
  RunOptions run;  ///< scenarios, repeat, seed, power cuts, perf overrides, guest flags
  std::string baseline_spec;
  std::string candidate_spec;
  double threshold_percent = 5;         ///< default significance threshold
  std::vector<std::string> thresholds;  ///< METRIC=PERCENT overrides
};

/// Runs the comparison; returns 0 PASS, 1 FAIL or REGRESSION, 3 ERROR. Bad options throw
/// HarnessError with exit code 2 before anything boots.
int compare_command(const CompareOptions& options);

}  // namespace bh::cli
