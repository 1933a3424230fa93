#pragma once
/// The results of `bcache-harness run`: statuses (KernelCI KCIDB vocabulary), exit code,
/// summary.json and the human summary. Computed once; each view renders the same data.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bh {

/// KCIDB statuses: PASS (no stale data), FAIL (the kernel is faulty: stale data or an oops),
/// ERROR (the harness could not run it), SKIP (not applicable to this kernel).
enum class Status { kPass, kFail, kError, kSkip };

std::string status_name(Status status);

/// One run of one scenario with one seed.
struct RunResult {
  std::uint64_t seed = 0;
  Status status = Status::kError;
  std::string reason;                      ///< why FAIL/ERROR/SKIP, for people
  nlohmann::json verification = nlohmann::json::object();  ///< blocks_checked, stale_blocks, ...
  std::map<std::string, double> timing_s;  ///< boot, provision, fill, race, verify, ...
  std::vector<std::string> console_findings;
  nlohmann::json extra = nlohmann::json::object();  ///< fio counts, readback, run dir...
  /// One object per power cut (see power_cut_run.h); empty without --power-cuts.
  std::vector<nlohmann::json> power_cuts;
};

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
