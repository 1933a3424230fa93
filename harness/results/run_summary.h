#pragma once
/// The results of `bcache-harness run`: scenarios of runs (run_result.h), the overall status
/// (KernelCI KCIDB vocabulary), exit code, summary.json and the human summary. Computed once; each view renders the
/// same data.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/results/provenance.h"
#include "harness/results/run_result.h"

namespace bh {

/// Every run of one scenario.
struct ScenarioResult {
  std::string name;
  std::vector<RunResult> runs;
  std::string kind = "race";  ///< "race", "control" or "perf" (scenario_kind_name)

  /// FAIL if any run failed, else ERROR if any errored, else SKIP if all skipped, else PASS.
  Status status() const;
};

/// A whole `run` invocation.
struct RunSummary {
  std::string accel;
  std::uint64_t seed = 0;
  std::string kernel_spec;
  std::string kernel_release;
  std::vector<ScenarioResult> scenarios;
  /// "provenance" in summary.json (its accel is the summary's); absent when not collected.
  std::optional<Provenance> provenance;

  /// As ScenarioResult::status over every scenario.
  Status status() const;
};

/// Status of a runs list, by the rule in ScenarioResult::status.
Status combine(const std::vector<Status>& statuses);

/// 0 all PASS/SKIP, 1 any FAIL, 3 any ERROR and no FAIL.
int exit_code_for(Status overall);

/// summary.json, schema 1 (field names are a contract: extend, never rename).
nlohmann::json to_json(const RunSummary& summary);

/// One line per scenario: status, then stale blocks and blocks checked (race and control
/// scenarios) or IOPS, p99 latency and memory growth (perf scenarios), time, and where the
/// results are.
std::string render_human_summary(const RunSummary& summary, const std::string& out_dir);

}  // namespace bh
