#include "harness/nightly/trend_report.h"

#include <algorithm>
#include <map>
#include <set>

#include "analysis/compare_stats.h"
#include "harness/nightly/night_verdict.h"
#include "harness/reports/markup_escape.h"
#include "harness/reports/report_html.h"
#include "harness/results/run_directory.h"
#include "util/files.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using analysis::html_escape;

/// (kernel, scenario), the unit of a trend line.
using Cell = std::pair<std::string, std::string>;

std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

/// The metric's values over the runs of one cell in one night.
std::optional<double> night_median(const std::vector<const RunRecord*>& runs, const TrendMetric& metric) {
  std::vector<double> values;
  const Json::json_pointer pointer(metric.pointer);
  for (const auto* run : runs) {
    if (run->status == "ERROR") continue;  // an ERROR measured nothing worth a trend
    if (run->run.contains(pointer) && run->run[pointer].is_number()) values.push_back(run->run[pointer].get<double>());
  }
  auto middle = analysis::median(values);
  if (!middle) return std::nullopt;  // no values
  return middle.value();
}

/// cell -> night -> its runs.
std::map<Cell, std::map<std::string, std::vector<const RunRecord*>>> by_cell(const std::vector<RunRecord>& runs) {
  std::map<Cell, std::map<std::string, std::vector<const RunRecord*>>> cells;
  for (const auto& run : runs) cells[{run.kernel_name, run.scenario}][run.night].push_back(&run);
  return cells;
}

std::string cell_status(const std::vector<const RunRecord*>& runs) {
  std::vector<std::string> statuses;
  for (const auto* run : runs) statuses.push_back(run->status);
  return combined_status(statuses);
}

std::string judgement_html(const Json& judgement) {
  std::string html = "<section id=\"judgement\">\n<h2>Night " + html_escape(judgement.value("night", "")) + ": " +
                     html_escape(judgement.value("status", "")) + "</h2>\n<ul>\n";
  for (const auto& failure : judgement["new_failures"]) {
    html += "<li class=\"new-fail\"><strong>NEW FAIL</strong> " + html_escape(failure.value("kernel", "")) + " " +
            html_escape(failure.value("scenario", "")) + " (passed on " +
            html_escape(failure.value("previous_night", "")) + "): " + html_escape(failure.value("reason", "")) +
            "</li>\n";
  }
  for (const auto& regression : judgement["regressions"]) {
    html += "<li class=\"regression\"><strong>REGRESSION</strong> " + html_escape(regression.value("kernel", "")) +
            " " + html_escape(regression.value("scenario", "")) + " " + html_escape(regression.value("metric", "")) +
            " against " + html_escape(regression.value("previous_night", "")) + "</li>\n";
  }
  for (const auto& error : judgement["errors"]) {
    html += "<li class=\"error\">ERROR " + html_escape(error.value("kernel", "")) + " " +
            html_escape(error.value("scenario", "")) + ": " + html_escape(error.value("reason", "")) + "</li>\n";
  }
  if (judgement["new_failures"].empty() && judgement["regressions"].empty() && judgement["errors"].empty()) {
    html += "<li>nothing new against the previous night</li>\n";
  }
  return html + "</ul>\n</section>\n";
}

std::string status_table_html(const std::vector<RunRecord>& runs) {
  const auto nights = trend_nights(runs);
  std::string html = "<section id=\"statuses\">\n<h2>Statuses</h2>\n<table>\n<tr><th>kernel</th><th>scenario</th>";
  for (std::size_t i = 0; i < nights.size(); ++i) {
    html += "<th>" + std::to_string(i + 1) + ": " + html_escape(nights[i]) + "</th>";
  }
  html += "</tr>\n";
  for (const auto& [cell, per_night] : by_cell(runs)) {
    html += "<tr><td>" + html_escape(cell.first) + "</td><td>" + html_escape(cell.second) + "</td>";
    for (const auto& night : nights) {
      const auto it = per_night.find(night);
      const std::string status = it == per_night.end() ? "" : cell_status(it->second);
      html += "<td class=\"" + slug(status) + "\">" + html_escape(status) + "</td>";
    }
    html += "</tr>\n";
  }
  return html + "</table>\n</section>\n";
}

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 1.5em; max-width: 70em; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: .2em .5em; text-align: left; }
td.FAIL, li.new-fail { color: #b00; font-weight: bold; }
td.ERROR, li.error { color: #a60; }
td.PASS { color: #070; }
figure.plot { margin: 1em 0; }
figure.plot svg { width: 100%; height: auto; max-width: 800px; }
)";

}  // namespace

const std::vector<TrendMetric>& trend_metrics() {
  static const std::vector<TrendMetric> metrics = {
      {"stale-blocks", "stale blocks", "/stale_blocks"},
      {"read-p50", "read p50 latency (µs)", "/latency_us/read/p50"},
      {"read-p99", "read p99 latency (µs)", "/latency_us/read/p99"},
      {"write-p50", "write p50 latency (µs)", "/latency_us/write/p50"},
      {"write-p99", "write p99 latency (µs)", "/latency_us/write/p99"},
      {"read-iops", "read IOPS", "/iops/read"},
      {"write-iops", "write IOPS", "/iops/write"},
      {"bcache-memory-peak", "bcache's traced peak above baseline (bytes)", "/bcache_memory/peak_minus_baseline_bytes"},
      {"slab-peak", "Slab peak above baseline (KiB)", "/memory_kib/meminfo/Slab/peak_minus_baseline_kib"},
  };
  return metrics;
}

std::vector<std::string> trend_nights(const std::vector<RunRecord>& runs) {
  std::set<std::string> nights;
  for (const auto& run : runs) nights.insert(run.night);
  return {nights.begin(), nights.end()};
}

std::vector<analysis::PlotSpec> trend_plots(const std::vector<RunRecord>& runs) {
  const auto nights = trend_nights(runs);
  std::map<std::string, std::map<std::string, std::vector<analysis::XY>>> lines;  // plot id -> kernel -> points
  std::map<std::string, std::pair<std::string, std::string>> titles;              // plot id -> title, y label
  for (const auto& [cell, per_night] : by_cell(runs)) {
    for (const auto& metric : trend_metrics()) {
      const auto id = slug(cell.second) + "-" + metric.id;
      for (std::size_t i = 0; i < nights.size(); ++i) {
        const auto it = per_night.find(nights[i]);
        if (it == per_night.end()) continue;
        if (auto value = night_median(it->second, metric)) {
          lines[id][cell.first].push_back({static_cast<double>(i + 1), *value});
          titles[id] = {cell.second + ": " + metric.label, metric.label};
        }
      }
    }
  }
  std::vector<analysis::PlotSpec> plots;
  for (const auto& [id, kernels] : lines) {
    analysis::PlotSpec spec;
    spec.id = "trend-" + id;
    spec.title = titles[id].first + " by night";
    spec.x_label = "night (see the status table)";
    spec.y_label = titles[id].second;
    spec.mark_points = true;
    for (const auto& [kernel, points] : kernels) spec.lines.push_back({kernel, points});
    plots.push_back(std::move(spec));
  }
  return plots;
}

Json trend_json(const std::vector<RunRecord>& runs, const Json& judgement) {
  Json cells = Json::array();
  for (const auto& [cell, per_night] : by_cell(runs)) {
    Json nights = Json::object();
    for (const auto& [night, list] : per_night) {
      Json entry = {{"status", cell_status(list)}, {"runs", list.size()}};
      for (const auto& metric : trend_metrics()) {
        if (auto value = night_median(list, metric)) entry[metric.id] = *value;
      }
      nights[night] = entry;
    }
    cells.push_back({{"kernel", cell.first}, {"scenario", cell.second}, {"nights", nights}});
  }
  return {{"schema", 1}, {"nights", trend_nights(runs)}, {"cells", cells}, {"judgement", judgement}};
}

Expected<std::string> render_trend_html(const std::vector<RunRecord>& runs, const Json& judgement,
                                        analysis::PlotRenderer& renderer) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>bcache-harness "
      "history: " +
      html_escape(judgement.value("status", "")) + "</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n<h1>bcache-harness history</h1>\n";
  html += judgement_html(judgement) + status_table_html(runs);
  html += "<section id=\"plots\">\n<h2>Trends</h2>\n";
  for (const auto& spec : trend_plots(runs)) {
    auto svg = renderer.svg(spec);
    if (!svg) return fail("trend.html: " + svg.error().message);
    const std::string id = "plot-" + spec.id;
    html += "<figure class=\"plot\" id=\"" + html_escape(id) + "\">\n" + analysis::inline_svg(svg.value(), id + "-") +
            "\n<figcaption>" + html_escape(spec.title) + "</figcaption>\n</figure>\n";
  }
  return html + "</section>\n</body>\n</html>\n";
}

Expected<TrendOutcome> write_trend_report(const fs::path& db_file, const fs::path& out_dir,
                                          analysis::PlotRenderer& renderer) {
  auto db = HistoryDb::open(db_file, HistoryDb::Mode::kOpenExisting);
  if (!db) return db.error();
  auto runs = db.value().runs();
  if (!runs) return fail(db_file.string() + ": " + runs.error().message);
  const auto nights = trend_nights(runs.value());
  if (nights.empty()) return fail(db_file.string() + ": the history holds no runs yet");
  TrendOutcome outcome{out_dir / "trend.html", out_dir / "trend.json", judge_night(runs.value(), nights.back()), "", 3};
  outcome.text = judgement_text(outcome.judgement);
  outcome.exit_code = night_exit_code(outcome.judgement);
  auto html = render_trend_html(runs.value(), outcome.judgement, renderer);
  if (!html) return html.error();
  std::error_code error;
  fs::create_directories(out_dir, error);
  if (error) return fail(out_dir.string() + ": " + error.message());
  if (auto written = write_file_atomically(outcome.html, html.value()); !written) {
    return fail(outcome.html.string() + ": " + written.error().message);
  }
  if (auto written = write_json(out_dir, "trend.json", trend_json(runs.value(), outcome.judgement)); !written) {
    return written.error();
  }
  return outcome;
}

}  // namespace bh
