#pragma once
/// `bcache-harness run`: race scenarios, controls and perf scenarios, repeated with seeds,
/// with a verdict, summary.json and the reports (report.html, report.md, junit.xml).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/core/power_cut_run.h"

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

/// Runs every scenario `repeat` times; returns 0 (all PASS/SKIP), 1 (a FAIL) or 3 (an ERROR
/// and no FAIL). Bad scenarios or options throw HarnessError with exit code 2.
int run_command(const RunOptions& options);

}  // namespace bh::cli
