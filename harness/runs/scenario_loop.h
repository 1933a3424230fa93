#pragma once
/// `run`'s logic: the scenarios asked for, each repeated with consecutive seeds in a fresh
/// guest per run, summary.json saved after every run, then summary.txt and the reports.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/reports/run_reports.h"
#include "harness/results/run_summary.h"
#include "harness/runs/guest_options.h"
#include "harness/runs/power_cut_plan.h"
#include "harness/runs/run_events.h"
#include "harness/runs/run_once.h"
#include "harness/scenario/scenario.h"
#include "harness/vm/guest_preparation.h"

namespace bh {

/// What `run` was asked to do.
struct RunOptions {
  GuestOptions guest;
  std::vector<std::string> scenarios;  ///< names or paths; empty: every shipped scenario
  int repeat = 1;
  std::optional<std::uint64_t> seed;  ///< empty: chosen at random and printed
  PowerCutOptions power_cuts;         ///< cuts after each run's race (none by default; perf scenarios make none)
  std::optional<std::uint32_t> perf_warmup_s;   ///< overrides every perf scenario's warmup_s
  std::optional<std::uint32_t> perf_runtime_s;  ///< overrides every perf scenario's runtime_s
  std::vector<std::string> command_line;        ///< argv, for summary.json's provenance
  std::optional<int> perf_repeat;               ///< runs per perf scenario (default: repeat)
};

/// The scenarios `options` names (every shipped one when none), with its --set and perf
/// overrides applied. Throws HarnessError (usage) naming a bad scenario or setting, or a host
/// device (devices=host) that is not safe to wipe.
std::vector<Scenario> resolve_scenarios(const RunOptions& options);

/// The --seed given, else a random one below 1,000,000 (printed by the caller).
std::uint64_t choose_seed(const RunOptions& options);

/// "run-N-seed-S" for the run at 0-based `index`.
std::string run_dir_name(int index, std::uint64_t seed);

/// The real RunOnce: a fresh guest, a perf run or a race run (with options' power cuts)
/// by the scenario's kind, its phases shown on `events`; a run whose guest lost a
/// measurement is made once more (retrying_lost_measurements).
RunOnce guest_run_once(const RunOptions& options, const RunEvents& events);

/// Runs one seed's run (`run`, into run_dir) and adds its result to `runs`. On Ctrl-C the
/// run is added as an ERROR "interrupted", `save_partial` saves the summary with every run so
/// far, and Interrupted is rethrown saying where the partial results (out_dir) and the
/// interrupted run's files, disk images included, are kept.
void run_interruptible(std::vector<RunResult>& runs, std::uint64_t seed, const std::filesystem::path& run_dir,
                       const std::filesystem::path& out_dir, const std::function<RunResult()>& run,
                       const std::function<void()>& save_partial);

/// Runs `scenario` `repeat` times on `guest` with seeds summary.seed, summary.seed + 1, ...
/// in out_dir/SCENARIO/run-N-seed-S, reporting each verdict on `events` and saving
/// summary.json (the runs so far included) after each run; `position` says which scenario
/// of how many it is.
ScenarioResult run_repeats(const Scenario& scenario, int repeat, const PreparedGuest& guest, RunSummary& summary,
                           const std::filesystem::path& out_dir, const RunEvents& events, ProgressPosition position,
                           const RunOnce& run_once);

/// What a whole `run` produced.
struct RunOutcome {
  RunSummary summary;
  std::filesystem::path out_dir;
  std::string summary_text;  ///< the human summary, also in summary.txt
  Expected<ReportFiles> reports = fail("not written");
  int exit_code = 3;  ///< 0 all PASS/SKIP, 1 a FAIL, 3 an ERROR and no FAIL (or a PASS without reports)
};

/// Resolves a kernel spec and builds (or reuses) its guest image.
using GuestPreparer = std::function<Expected<PreparedGuest>(const std::string& kernel_spec)>;

/// The real GuestPreparer: prepare_guest with the host's processes and the harness's cache.
GuestPreparer host_guest_preparer();

/// The whole `run`: checks the options (HarnessError, usage, before anything boots),
/// prepares the kernel and image with `prepare` (HarnessError, error, with summary.json
/// kept), runs every scenario's repeats with `run_once`, writes summary.txt and the reports.
RunOutcome run_scenarios(const RunOptions& options, const RunEvents& events, const RunOnce& run_once,
                         const GuestPreparer& prepare = host_guest_preparer());

/// Writes the reports of a finished run directory (report.html, report.md, junit.xml and the
/// refreshed summary.json).
Expected<ReportFiles> write_run_reports(const std::filesystem::path& out_dir);

}  // namespace bh
