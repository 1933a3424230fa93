#pragma once
/// `bcache-harness run`: race scenarios, controls and perf scenarios, repeated with seeds,
/// with a verdict, summary.json and the reports (report.html, report.md, junit.xml).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/core/guest_preparation.h"
#include "harness/core/power_cut_run.h"
#include "harness/core/run_summary.h"
#include "harness/core/scenario.h"

namespace bh::cli {

/// What `run` was asked to do.
struct RunOptions {
  GuestOptions guest;
  std::vector<std::string> scenarios;  ///< names or paths; empty: every shipped scenario
  int repeat = 1;
  std::optional<std::uint64_t> seed;   ///< empty: chosen at random and printed
  PowerCutOptions power_cuts;          ///< cuts after each run's race (none by default; perf scenarios make none)
  std::optional<std::uint32_t> perf_warmup_s;   ///< overrides every perf scenario's warmup_s
  std::optional<std::uint32_t> perf_runtime_s;  ///< overrides every perf scenario's runtime_s
};

/// The scenarios `options` names (every shipped one when none), with its --set and perf
/// overrides applied. Throws HarnessError (usage) naming a bad scenario or setting.
std::vector<Scenario> resolve_scenarios(const RunOptions& options);

/// Runs `scenario` once with `seed` in a fresh guest, its files in `run_dir` (created):
/// a perf run or a race run (with options' power cuts) by the scenario's kind. Phases show
/// on `progress` at `position`; `used_accel` receives the accelerator of the boot.
RunResult run_scenario_once(const Scenario& scenario, const PreparedGuest& guest, const RunOptions& options,
                            std::uint64_t seed, const std::filesystem::path& run_dir, const Progress& progress,
                            ProgressPosition position, std::string& used_accel);

/// The --seed given, else a random one below 1,000,000 (printed by the caller).
std::uint64_t choose_seed(const RunOptions& options);

/// "run-N-seed-S" for the run at 0-based `index`.
std::string run_dir_name(int index, std::uint64_t seed);

/// Runs every scenario `repeat` times; returns 0 (all PASS/SKIP), 1 (a FAIL) or 3 (an ERROR
/// and no FAIL). Bad scenarios or options throw HarnessError with exit code 2.
int run_command(const RunOptions& options);

}  // namespace bh::cli
