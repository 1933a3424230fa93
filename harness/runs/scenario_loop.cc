#include "harness/runs/scenario_loop.h"

#include <random>

#include "harness/bcache/run_disks.h"
#include "harness/exit/harness_error.h"
#include "harness/results/run_directory.h"
#include "harness/runs/perf_run.h"
#include "harness/runs/provenance_probe.h"
#include "harness/runs/race_run.h"
#include "harness/runs/run_retry.h"
#include "harness/vm/doctor.h"
#include "util/files.h"
#include "util/interrupt.h"
#include "util/process_runner.h"

namespace bh {
namespace fs = std::filesystem;

std::vector<Scenario> resolve_scenarios(const RunOptions& options) {
  const auto jobs_dir = default_jobs_dir();
  std::vector<std::string> names;
  for (const auto& name : options.scenarios.empty() ? shipped_scenarios(jobs_dir) : options.scenarios) {
    if (!name.starts_with(kGroupPrefix)) {
      names.push_back(name);
      continue;
    }
    const auto group = value_or_throw(scenario_group(std::string_view(name).substr(1), jobs_dir), ExitCode::kUsage);
    names.insert(names.end(), group.begin(), group.end());
  }
  if (names.empty()) throw HarnessError(ExitCode::kUsage, "no scenarios found in " + jobs_dir.string());
  std::vector<Scenario> scenarios;
  for (const auto& name : names) {
    auto scenario = value_or_throw(resolve_scenario(name, jobs_dir), ExitCode::kUsage);
    for (const auto& assignment : options.guest.settings) {
      value_or_throw(apply_setting_assignment(scenario.settings, assignment), ExitCode::kUsage);
    }
    value_or_throw(validate(scenario.settings), ExitCode::kUsage);
    value_or_throw(check_host_devices(scenario.settings), ExitCode::kUsage);  // before anything is written
    if (options.perf_warmup_s) scenario.perf.warmup_s = *options.perf_warmup_s;
    if (options.perf_runtime_s) scenario.perf.runtime_s = *options.perf_runtime_s;
    if (options.power_cuts.any() && scenario.kind != ScenarioKind::kPerf &&
        !uses_virtio_disks(scenario.settings.devices)) {
      throw HarnessError(ExitCode::kUsage,
                         "scenario " + scenario.full_name() +
                             ": power cuts need virtio devices (a loop device's file lives in guest RAM "
                             "and does not survive the cut); drop --devices loop");
    }
    scenarios.push_back(std::move(scenario));
  }
  return scenarios;
}

std::uint64_t choose_seed(const RunOptions& options) {
  if (options.seed) return *options.seed;
  std::random_device random;
  return random() % 1000000;
}

std::string run_dir_name(int index, std::uint64_t seed) {
  return "run-" + std::to_string(index + 1) + "-seed-" + std::to_string(seed);
}

namespace {

/// guest_run_once without its second attempt.
RunOnce guest_run_once_without_retry(const RunOptions& options, const RunEvents& events) {
  return [&options, &events](const Scenario& scenario, const PreparedGuest& guest, std::uint64_t seed,
                             const fs::path& run_dir, ProgressPosition position, std::string& used_accel) {
    fs::create_directories(run_dir);
    HostAccelEnvironment accel(kvm_verdict_file(cache_root()));
    const bool perf = scenario.kind == ScenarioKind::kPerf;
    RunContext context{scenario,
                       guest,
                       run_dir,
                       seed,
                       boot_options(options.guest),
                       accel,
                       [&events, position](const std::string& phase) mutable {
                         position.phase = phase;
                         events.update(position);
                       },
                       perf ? PowerCutOptions{} : options.power_cuts};
    return perf ? run_perf_once(context, used_accel) : run_race_once(context, used_accel);
  };
}

}  // namespace

RunOnce guest_run_once(const RunOptions& options, const RunEvents& events) {
  return retrying_lost_measurements(guest_run_once_without_retry(options, events),
                                    [&events](const ProgressPosition& position, const std::string& text) {
                                      events.say(format_position(position) + ": " + text);
                                    });
}

void run_interruptible(std::vector<RunResult>& runs, std::uint64_t seed, const fs::path& run_dir,
                       const fs::path& out_dir, const std::function<RunResult()>& run,
                       const std::function<void()>& save_partial) {
  try {
    runs.push_back(run());
  } catch (const Interrupted&) {
    RunResult interrupted;
    interrupted.seed = seed;
    interrupted.status = Status::kError;
    interrupted.reason = "interrupted (Ctrl-C or SIGTERM)";
    interrupted.errors = {interrupted.reason};
    interrupted.facts.run_dir = run_dir.string();
    runs.push_back(std::move(interrupted));
    std::string saved = "partial results in " + out_dir.string();
    try {
      save_partial();
    } catch (const HarnessError& error) {
      saved = std::string("the partial results could not be saved: ") + error.what();
    }
    throw Interrupted("interrupted; " + saved + "; the interrupted run's files, disk images included, are in " +
                      run_dir.string());
  }
}

ScenarioResult run_repeats(const Scenario& scenario, int repeat, const PreparedGuest& guest, RunSummary& summary,
                           const fs::path& out_dir, const RunEvents& events, ProgressPosition position,
                           const RunOnce& run_once) {
  ScenarioResult result{scenario.full_name(), {}, scenario_kind_name(scenario.kind)};
  for (int i = 0; i < repeat; ++i) {
    const std::uint64_t seed = summary.seed + static_cast<std::uint64_t>(i);
    position.run = i + 1;
    position.runs = repeat;
    position.phase = "seed " + std::to_string(seed);
    std::string used_accel;
    const auto run_dir = out_dir / scenario.full_name() / run_dir_name(i, seed);
    const auto save_partial = [&] {
      auto partial = summary;
      partial.scenarios.push_back(result);
      save_result_json(out_dir, "summary.json", to_json(partial));
    };
    run_interruptible(
        result.runs, seed, run_dir, out_dir,
        [&] { return run_once(scenario, guest, seed, run_dir, position, used_accel); }, save_partial);
    if (!used_accel.empty()) summary.accel = used_accel;
    events.say(format_position(position) + ": " + run_line(result.runs.back()));
    save_partial();
  }
  return result;
}

Expected<ReportFiles> write_run_reports(const fs::path& out_dir) {
  SystemProcessRunner runner;
  analysis::GnuplotRenderer renderer(runner);
  return write_reports(out_dir, renderer);
}

GuestPreparer host_guest_preparer() {
  return [](const std::string& kernel_spec) {
    SystemProcessRunner runner;
    return prepare_guest(kernel_spec, runner, cache_root());
  };
}

RunOutcome run_scenarios(const RunOptions& options, const RunEvents& events, const RunOnce& run_once,
                         const GuestPreparer& prepare) {
  if (options.repeat < 1 || options.perf_repeat.value_or(1) < 1) {
    throw HarnessError(ExitCode::kUsage, "--repeat must be at least 1");
  }
  check_kernel_spec(options.guest.kernel_spec);
  const auto scenarios = resolve_scenarios(options);
  RunOutcome outcome;
  outcome.out_dir = create_out_dir(options.guest, "run");
  auto& summary = outcome.summary;
  summary.seed = choose_seed(options);
  summary.kernel_spec = options.guest.kernel_spec;
  SystemProcessRunner runner;
  summary.provenance = collect_provenance(runner, options.command_line, std::chrono::system_clock::now());
  events.say("seed " + std::to_string(summary.seed) + " (repeat this run with --seed " + std::to_string(summary.seed) +
             ")");
  events.say("preparing kernel " + options.guest.kernel_spec + " and guest image");
  auto guest = prepare(options.guest.kernel_spec);
  if (!guest) {
    save_result_json(outcome.out_dir, "summary.json", to_json(summary));
    throw HarnessError(ExitCode::kError,
                       guest.error().message + "\n(partial results in " + outcome.out_dir.string() + ")");
  }
  summary.kernel_release = guest.value().kernel.release;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const int repeat =
        scenarios[i].kind == ScenarioKind::kPerf && options.perf_repeat ? *options.perf_repeat : options.repeat;
    const ProgressPosition position{i + 1, scenarios.size(), scenarios[i].full_name(), 0, repeat, ""};
    summary.scenarios.push_back(
        run_repeats(scenarios[i], repeat, guest.value(), summary, outcome.out_dir, events, position, run_once));
    save_result_json(outcome.out_dir, "summary.json", to_json(summary));
  }
  events.finish();
  outcome.summary_text = render_human_summary(summary, outcome.out_dir.string());
  save_result_file(outcome.out_dir / "summary.txt", outcome.summary_text);
  try {
    outcome.reports = write_run_reports(outcome.out_dir);
  } catch (const Interrupted&) {
    throw Interrupted("interrupted while drawing the reports; the results are complete in " + outcome.out_dir.string() +
                      " (`bcache-harness report " + outcome.out_dir.string() + "` draws them)");
  }
  // Missing reports never hide a FAIL, but a PASS without its reports is a harness error.
  const bool reported = outcome.reports.has_value();
  outcome.exit_code = exit_code_for(!reported && summary.status() != Status::kFail ? Status::kError : summary.status());
  return outcome;
}

}  // namespace bh
