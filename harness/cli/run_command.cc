#include "harness/cli/run_command.h"

#include <cstdio>
#include <iostream>
#include <random>

#include "harness/base/files.h"
#include "harness/base/process_runner.h"
#include "harness/cli/report_command.h"
#include "harness/core/doctor.h"
#include "harness/core/perf_run.h"
#include "harness/core/race_run.h"
#include "harness/core/run_directory.h"
#include "harness/core/scenario.h"
#include "harness/kernel/kernel_spec.h"

namespace bh::cli {
namespace fs = std::filesystem;

std::vector<Scenario> resolve_scenarios(const RunOptions& options) {
  const auto jobs_dir = default_jobs_dir();
  auto names = options.scenarios.empty() ? shipped_scenarios(jobs_dir) : options.scenarios;
  if (names.empty()) throw HarnessError(ExitCode::kUsage, "no scenarios found in " + jobs_dir.string());
  std::vector<Scenario> scenarios;
  for (const auto& name : names) {
    auto scenario = value_or_throw(resolve_scenario(name, jobs_dir), ExitCode::kUsage);
    for (const auto& assignment : options.guest.settings) {
      value_or_throw(apply_setting_assignment(scenario.settings, assignment), ExitCode::kUsage);
    }
    value_or_throw(validate(scenario.settings), ExitCode::kUsage);
    if (options.perf_warmup_s) scenario.perf.warmup_s = *options.perf_warmup_s;
    if (options.perf_runtime_s) scenario.perf.runtime_s = *options.perf_runtime_s;
    if (options.power_cuts.any() && scenario.kind != ScenarioKind::kPerf &&
        scenario.settings.devices != DeviceKind::kVirtio) {
      throw HarnessError(ExitCode::kUsage, "scenario " + scenario.full_name() +
                                               ": power cuts need virtio devices (a loop device's file lives in guest RAM "
                                               "and does not survive the cut); drop --devices loop");
    }
    scenarios.push_back(std::move(scenario));
  }
  return scenarios;
}

RunResult run_scenario_once(const Scenario& scenario, const PreparedGuest& guest, const RunOptions& options,
                            std::uint64_t seed, const fs::path& run_dir, const Progress& progress,
                            ProgressPosition position, std::string& used_accel) {
  fs::create_directories(run_dir);
  HostAccelEnvironment accel(kvm_verdict_file(cache_root()));
  const bool perf = scenario.kind == ScenarioKind::kPerf;
  RaceRunContext context{scenario, guest, run_dir, seed, boot_options(options.guest), accel,
                         [&](const std::string& phase) {
                           position.phase = phase;
                           progress.update(position);
                         },
                         perf ? PowerCutOptions{} : options.power_cuts};
  return perf ? run_perf_once(context, used_accel) : run_race_once(context, used_accel);
}

std::string run_dir_name(int index, std::uint64_t seed) {
  return "run-" + std::to_string(index + 1) + "-seed-" + std::to_string(seed);
}

std::uint64_t choose_seed(const RunOptions& options) {
  if (options.seed) return *options.seed;
  std::random_device random;
  return random() % 1000000;
}

namespace {

/// Runs one scenario's repeats, saving the summary after each run.
ScenarioResult run_scenario(const Scenario& scenario, const PreparedGuest& guest, const RunOptions& options,
                            RunSummary& summary, const fs::path& out_dir, const Progress& progress,
                            ProgressPosition position) {
  ScenarioResult result{scenario.full_name(), {}, scenario_kind_name(scenario.kind)};
  for (int i = 0; i < options.repeat; ++i) {
    const std::uint64_t seed = summary.seed + static_cast<std::uint64_t>(i);
    position.run = i + 1;
    position.phase = "seed " + std::to_string(seed);
    const std::string where = format_position(position);
    std::string used_accel;
    result.runs.push_back(run_scenario_once(scenario, guest, options, seed,
                                            out_dir / scenario.full_name() / run_dir_name(i, seed), progress, position,
                                            used_accel));
    if (!used_accel.empty()) summary.accel = used_accel;
    const auto& run = result.runs.back();
    progress.say(where + ": " + status_name(run.status) + (run.reason.empty() ? "" : " (" + run.reason + ")"));
    auto partial = summary;
    partial.scenarios.push_back(result);
    (void)write_json(out_dir, "summary.json", to_json(partial));
  }
  return result;
}

}  // namespace

int run_command(const RunOptions& options) {
  if (options.repeat < 1) throw HarnessError(ExitCode::kUsage, "--repeat must be at least 1");
  value_or_throw(parse_kernel_spec(options.guest.kernel_spec), ExitCode::kUsage);
  const auto scenarios = resolve_scenarios(options);
  const auto out_dir = value_or_throw(
      create_run_directory(options.guest.out_dir.empty() ? default_run_directory("run") : options.guest.out_dir),
      ExitCode::kUsage);
  const Progress progress;
  RunSummary summary;
  summary.seed = choose_seed(options);
  summary.kernel_spec = options.guest.kernel_spec;
  progress.say("seed " + std::to_string(summary.seed) + " (repeat this run with --seed " + std::to_string(summary.seed) + ")");
  progress.say("preparing kernel " + options.guest.kernel_spec + " and guest image");
  SystemProcessRunner runner;
  auto guest = prepare_guest(options.guest.kernel_spec, runner, cache_root());
  if (!guest) {
    (void)write_json(out_dir, "summary.json", to_json(summary));
    throw HarnessError(ExitCode::kError, guest.error().message + "\n(partial results in " + out_dir.string() + ")");
  }
  summary.kernel_release = guest.value().kernel.release;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const ProgressPosition position{i + 1, scenarios.size(), scenarios[i].full_name(), 0, options.repeat, ""};
    summary.scenarios.push_back(run_scenario(scenarios[i], guest.value(), options, summary, out_dir, progress, position));
    (void)write_json(out_dir, "summary.json", to_json(summary));
  }
  progress.finish();
  const auto text = render_human_summary(summary, out_dir.string());
  (void)write_file_atomically(out_dir / "summary.txt", text);
  std::cout << text;
  const bool reported = write_run_reports(out_dir).has_value();
  // Missing reports never hide a FAIL, but a PASS without its reports is a harness error.
  if (!reported && summary.status() != Status::kFail) return exit_code_for(Status::kError);
  return exit_code_for(summary.status());
}

}  // namespace bh::cli
