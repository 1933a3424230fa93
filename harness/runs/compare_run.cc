#include "harness/runs/compare_run.h"

#include "analysis/comparison.h"
#include "harness/exit/harness_error.h"
#include "harness/reports/comparison_report.h"
#include "harness/reports/run_reports.h"
#include "harness/results/run_directory.h"
#include "harness/runs/provenance_probe.h"
#include "util/files.h"
#include "util/process_runner.h"

namespace bh {
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

analysis::ComparisonOptions comparison_options(const CompareOptions& options) {
  analysis::ComparisonOptions comparison;
  if (options.threshold_percent < 0 || options.threshold_percent > 1000) {
    throw HarnessError(ExitCode::kUsage, "--threshold must be a percentage between 0 and 1000");
  }
  comparison.default_threshold.relative = options.threshold_percent / 100.0;
  for (const auto& assignment : options.thresholds) {
    value_or_throw(analysis::add_threshold(comparison, assignment), ExitCode::kUsage);
  }
  return comparison;
}

CompareSide prepare_side(const std::string& name, const std::string& spec, const fs::path& out_dir, std::uint64_t seed,
                         const Provenance& provenance, const RunEvents& events) {
  events.say("preparing the " + name + " kernel " + spec + " and its guest image");
  SystemProcessRunner runner;
  auto guest = prepare_guest(spec, runner, cache_root());
  if (!guest) {
    throw HarnessError(ExitCode::kError, name + " kernel " + spec + ": " + guest.error().message +
                                             "\n(partial results in " + out_dir.string() + ")");
  }
  CompareSide side{name, out_dir / name, std::move(guest).value(), {}};
  side.summary.seed = seed;
  side.summary.kernel_spec = spec;
  side.summary.kernel_release = side.guest.kernel.release;
  side.summary.provenance = provenance;
  fs::create_directories(side.dir);
  return side;
}

/// The side's summary.json as its reports refreshed it (metrics recomputed from the raw
/// files) and its plot series; the unrefreshed summary, without series, when the reports
/// could not be written.
Json finish_side(CompareSide& side, std::vector<analysis::RunSeries>& series) {
  save_result_json(side.dir, "summary.json", to_json(side.summary));
  auto reports = write_run_reports(side.dir);
  if (!reports) return to_json(side.summary);
  series = std::move(reports.value().series);
  return std::move(reports.value().refreshed_summary);
}

void write_comparison_views(const fs::path& out_dir, const Json& comparison,
                            const std::vector<analysis::RunSeries>& base,
                            const std::vector<analysis::RunSeries>& cand) {
  save_result_json(out_dir, "compare.json", comparison);
  save_result_file(out_dir / "compare.md", analysis::render_comparison_markdown(comparison));
  save_result_file(out_dir / "junit.xml", analysis::render_comparison_junit(comparison));
  SystemProcessRunner runner;
  analysis::GnuplotRenderer renderer(runner);
  auto html =
      analysis::render_comparison_html(comparison, analysis::comparison_plots(comparison, base, cand), renderer);
  if (!html) throw HarnessError(ExitCode::kError, "compare.html: " + html.error().message);
  save_result_file(out_dir / "compare.html", html.value());
}

}  // namespace

void run_interleaved(const Scenario& scenario, int repeat, std::vector<CompareSide>& sides, const RunEvents& events,
                     ProgressPosition position, const RunOnce& run_once) {
  std::vector<ScenarioResult> results(sides.size(),
                                      ScenarioResult{scenario.full_name(), {}, scenario_kind_name(scenario.kind)});
  for (int r = 0; r < repeat; ++r) {
    for (std::size_t s = 0; s < sides.size(); ++s) {
      auto& side = sides[s];
      const std::uint64_t seed = side.summary.seed + static_cast<std::uint64_t>(r);
      const ProgressPosition at{position.scenario,
                                position.scenarios,
                                scenario.full_name() + " " + side.name,
                                r + 1,
                                repeat,
                                "seed " + std::to_string(seed)};
      std::string used_accel;
      const auto run_dir = side.dir / scenario.full_name() / run_dir_name(r, seed);
      const auto save_partial = [&] {
        auto partial = side.summary;
        partial.scenarios.push_back(results[s]);
        save_result_json(side.dir, "summary.json", to_json(partial));
      };
      run_interruptible(
          results[s].runs, seed, run_dir, side.dir,
          [&] { return run_once(scenario, side.guest, seed, run_dir, at, used_accel); }, save_partial);
      if (!used_accel.empty()) side.summary.accel = used_accel;
      events.say(format_position(at) + ": " + run_line(results[s].runs.back()));
      save_partial();
    }
  }
  for (std::size_t s = 0; s < sides.size(); ++s) sides[s].summary.scenarios.push_back(std::move(results[s]));
}

std::string comparison_summary_text(const Json& comparison, const fs::path& out_dir) {
  std::string text;
  for (const auto& scenario : comparison["scenarios"]) {
    text += scenario.value("name", "") + ": stale blocks baseline " +
            std::to_string(scenario["baseline"].value("stale_blocks", 0)) + " / candidate " +
            std::to_string(scenario["candidate"].value("stale_blocks", 0));
    if (scenario["candidate"].value("power_cuts", 0) > 0) {
      text += ", after cuts " + std::to_string(scenario["baseline"].value("stale_blocks_after_power_cut", 0)) + " / " +
              std::to_string(scenario["candidate"].value("stale_blocks_after_power_cut", 0));
    }
    for (const auto& metric : scenario["metrics"]) {
      const std::string name = metric.value("name", "");
      if (name != "latency_us.read.p99" && name != "iops.read" && name != "latency_us.write.p99") continue;
      text +=
          "; " + name + " " + analysis::ratio_text(metric) + " " + analysis::verdict_mark(metric.value("verdict", ""));
    }
    text += "\n";
  }
  text += "compare " + comparison.value("status", "ERROR") +
          (comparison.contains("reason") ? " (" + comparison["reason"].get<std::string>() + ")" : "") +
          "; full results: " + (out_dir / "compare.html").string() + "\n";
  return text;
}

CompareOutcome run_comparison(const CompareOptions& options, const RunEvents& events, const RunOnce& run_once) {
  if (options.run.repeat < 1) throw HarnessError(ExitCode::kUsage, "--repeat must be at least 1");
  for (const auto& spec : {options.baseline_spec, options.candidate_spec}) check_kernel_spec(spec);
  const auto comparison_settings = comparison_options(options);
  const auto scenarios = resolve_scenarios(options.run);
  CompareOutcome outcome;
  outcome.out_dir = create_out_dir(options.run.guest, "compare");
  const std::uint64_t seed = choose_seed(options.run);
  events.say("seed " + std::to_string(seed) + " (repeat this comparison with --seed " + std::to_string(seed) + ")");
  std::vector<CompareSide> sides;
  SystemProcessRunner runner;
  const auto provenance = collect_provenance(runner, options.run.command_line, std::chrono::system_clock::now());
  sides.push_back(prepare_side("baseline", options.baseline_spec, outcome.out_dir, seed, provenance, events));
  sides.push_back(prepare_side("candidate", options.candidate_spec, outcome.out_dir, seed, provenance, events));
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    run_interleaved(scenarios[i], options.run.repeat, sides, events, {i + 1, scenarios.size(), "", 0, 0, ""}, run_once);
  }
  events.finish();
  std::vector<analysis::RunSeries> base_series, cand_series;
  const Json base = finish_side(sides[0], base_series);
  const Json cand = finish_side(sides[1], cand_series);
  outcome.comparison = value_or_throw(analysis::compare_summaries(base, cand, comparison_settings));
  write_comparison_views(outcome.out_dir, outcome.comparison, base_series, cand_series);
  outcome.summary_text = comparison_summary_text(outcome.comparison, outcome.out_dir);
  save_result_file(outcome.out_dir / "summary.txt", outcome.summary_text);
  outcome.exit_code = analysis::compare_exit_code(outcome.comparison.value("status", "ERROR"));
  return outcome;
}

CompareOutcome compare_directories(const CompareOptions& options, const fs::path& baseline_dir,
                                   const fs::path& candidate_dir) {
  const auto comparison_settings = comparison_options(options);
  std::vector<RunDirectoryData> sides;
  for (const auto& dir : {baseline_dir, candidate_dir}) {
    auto data = read_run_directory(dir);
    if (!data) throw HarnessError(ExitCode::kUsage, "compare: " + data.error().message);
    sides.push_back(std::move(data).value());
  }
  CompareOutcome outcome;
  outcome.out_dir = create_out_dir(options.run.guest, "compare");
  outcome.comparison =
      value_or_throw(analysis::compare_summaries(sides[0].summary, sides[1].summary, comparison_settings));
  outcome.comparison["baseline"]["dir"] = fs::absolute(baseline_dir).string();
  outcome.comparison["candidate"]["dir"] = fs::absolute(candidate_dir).string();
  write_comparison_views(outcome.out_dir, outcome.comparison, sides[0].series, sides[1].series);
  outcome.summary_text = comparison_summary_text(outcome.comparison, outcome.out_dir);
  save_result_file(outcome.out_dir / "summary.txt", outcome.summary_text);
  outcome.exit_code = analysis::compare_exit_code(outcome.comparison.value("status", "ERROR"));
  return outcome;
}

}  // namespace bh
