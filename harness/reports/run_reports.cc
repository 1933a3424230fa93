#include "harness/reports/run_reports.h"

#include "analysis/run_metrics.h"
#include "harness/reports/junit.h"
#include "harness/reports/report_html.h"
#include "harness/reports/report_markdown.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;
using Json = nlohmann::json;

fs::path locate_run_dir(const fs::path& out_dir, const std::string& scenario, const Json& run) {
  const fs::path recorded = run.value("run_dir", "");
  std::error_code error;
  if (!recorded.empty() && fs::is_directory(recorded, error)) return recorded;
  return out_dir / scenario / recorded.filename();
}

std::string measured_phase_of(const std::string& scenario_kind, const Json& run) {
  if (run.contains("measured_phase") && run["measured_phase"].is_string()) return run["measured_phase"];
  return scenario_kind == "perf" ? "measure" : "race";
}

namespace {

/// Recomputes one run's metrics; returns its series when its files are there.
std::optional<analysis::RunSeries> refresh_run(const fs::path& out_dir, const std::string& scenario,
                                               const std::string& kind, Json& run, std::vector<std::string>& warnings) {
  const auto dir = locate_run_dir(out_dir, scenario, run);
  const auto phase = measured_phase_of(kind, run);
  if (!fs::exists(dir / (phase + ".fio.json"))) return std::nullopt;  // the phase never ran
  auto analysed = analysis::analyse_run(dir, phase);
  if (!analysed) {
    warnings.push_back(analysed.error().message);
    return std::nullopt;
  }
  for (const auto& [key, value] : analysed.value().metrics.items()) run[key] = value;
  run.erase("metrics_error");
  auto& series = analysed.value().series;
  series.seed = run.value("seed", std::uint64_t{0});
  return std::move(series);
}

Expected<analysis::BlockMap> read_block_map(const fs::path& path) {
  auto text = read_file(path);
  if (!text) return fail(path.string() + ": " + text.error().message);
  return analysis::parse_block_map(text.value(), path.string());
}

Expected<void> write_report(const fs::path& path, const std::string& content) {
  auto written = write_file_atomically(path, content);
  if (!written) return fail(path.string() + ": " + written.error().message);
  return outcome::success();
}

}  // namespace

Expected<Json> read_summary(const fs::path& path) {
  auto text = read_file(path);
  if (!text) return fail(path.string() + ": " + text.error().message + " (is this a run directory?)");
  try {
    Json summary = Json::parse(text.value());
    if (!summary.is_object() || !summary.contains("scenarios") || !summary["scenarios"].is_array()) {
      return fail(path.string() + ": not a bcache-harness summary (no \"scenarios\" array)");
    }
    return summary;
  } catch (const Json::exception& error) {
    return fail(path.string() + ": not JSON: " + error.what());
  }
}

Expected<RunDirectoryData> read_run_directory(const fs::path& out_dir) {
  auto summary = read_summary(out_dir / "summary.json");
  if (!summary) return summary.error();
  RunDirectoryData data{std::move(summary).value(), {}, {}};
  data.series = refresh_runs(out_dir, data.summary, data.warnings);
  return data;
}

std::vector<analysis::RunSeries> refresh_runs(const fs::path& out_dir, Json& summary,
                                              std::vector<std::string>& warnings) {
  std::vector<analysis::RunSeries> all;
  for (auto& scenario : summary["scenarios"]) {
    const std::string name = scenario.value("name", "");
    const std::string kind = scenario.value("kind", "race");
    if (!scenario.contains("runs") || !scenario["runs"].is_array()) continue;
    for (std::size_t i = 0; i < scenario["runs"].size(); ++i) {
      auto series = refresh_run(out_dir, name, kind, scenario["runs"][i], warnings);
      if (!series) continue;
      series->scenario = name;
      series->run_index = i;
      all.push_back(std::move(*series));
    }
  }
  return all;
}

std::vector<analysis::BlockMap> read_block_maps(const fs::path& out_dir, const Json& summary,
                                                std::vector<std::string>& warnings) {
  std::vector<analysis::BlockMap> maps;
  analysis::for_each_run(summary, [&](const analysis::SummaryRun& ref) {
    if (!analysis::json_at(ref.run, "run_dir").is_string()) return;  // it never had a directory
    const auto path = locate_run_dir(out_dir, ref.scenario, ref.run) / "block-map.json";
    std::error_code error;
    if (!fs::is_regular_file(path, error)) return;  // an old run directory, or a perf run
    auto map = read_block_map(path);
    if (!map) {
      warnings.push_back(map.error().message);
      return;
    }
    map.value().scenario = ref.scenario;
    map.value().run_index = ref.index;
    maps.push_back(std::move(map).value());
  });
  return maps;
}

Expected<ReportFiles> write_reports(const fs::path& out_dir, analysis::PlotRenderer& renderer) {
  ReportFiles files{
      out_dir / "summary.json", out_dir / "report.html", out_dir / "report.md", out_dir / "junit.xml", {}};
  auto summary = read_summary(files.summary);
  if (!summary) return summary.error();
  analysis::ReportInput input{std::move(summary).value(), {}};
  input.directory = out_dir;
  input.runs = refresh_runs(out_dir, input.summary, files.warnings);
  input.block_maps = read_block_maps(out_dir, input.summary, files.warnings);
  files.refreshed_summary = input.summary;
  files.series = input.runs;
  auto html = analysis::render_html(input, renderer);
  if (!html) return fail(files.html.string() + ": " + html.error().message);
  for (const auto& [path, content] :
       {std::pair{files.summary, input.summary.dump(2) + "\n"},
        std::pair{files.markdown, analysis::render_markdown(input)},
        std::pair{files.junit, analysis::render_junit(input.summary)}, std::pair{files.html, html.value()}}) {
    if (auto written = write_report(path, content); !written) return written.error();
  }
  return files;
}

}  // namespace bh
