#include "harness/reports/comparison_report.h"

#include <cstdio>

#include "harness/reports/junit.h"
#include "harness/reports/report_html.h"
#include "harness/reports/report_markdown.h"
#include "harness/reports/report_plots.h"

namespace bh::analysis {
using Json = nlohmann::json;

namespace {

/// A table as text cells; the first row is the header.
using Rows = std::vector<std::vector<std::string>>;

std::string number(const Json& value, const char* format = "%.1f") {
  if (!value.is_number()) return "–";
  char text[48];
  std::snprintf(text, sizeof text, format, value.get<double>());
  return text;
}

Rows stale_rows(const Json& scenario) {
  Rows rows = {
      {"kernel", "status", "runs", "stale blocks (run time)", "power cuts", "stale after cuts", "kernel findings"}};
  for (const char* side : {"baseline", "candidate"}) {
    const Json& s = scenario[side];
    rows.push_back({side, s.value("status", "ERROR"), number(s.value("runs", Json()), "%.0f"),
                    number(s.value("stale_blocks", Json()), "%.0f"), number(s.value("power_cuts", Json()), "%.0f"),
                    number(s.value("stale_blocks_after_power_cut", Json()), "%.0f"),
                    number(s.value("kernel_findings", Json()), "%.0f")});
  }
  return rows;
}

Rows metric_rows(const Json& scenario) {
  Rows rows = {{"metric", "baseline median", "candidate median", "ratio [95% CI]", "Mann-Whitney p", "threshold",
                "runs (b/c)", "verdict"}};
  for (const auto& metric : scenario["metrics"]) {
    rows.push_back(
        {metric.value("name", ""), number(metric.value("baseline_median", Json())),
         number(metric.value("candidate_median", Json())), ratio_text(metric),
         number(metric.value("p_value", Json()), "%.3g"), number(metric["threshold"].get<double>() * 100, "%.0f%%"),
         std::to_string(metric.value("baseline_runs", 0)) + "/" + std::to_string(metric.value("candidate_runs", 0)),
         verdict_mark(metric.value("verdict", ""))});
  }
  return rows;
}

Rows memory_rows(const Json& scenario) {
  Rows rows = {{"bcache's own memory (bytes)", "baseline median [min, max]", "candidate median [min, max]",
                "difference", "range of differences", "difference per TiB"}};
  const auto side = [](const Json& s) {
    if (s.value("runs", 0) == 0) return std::string("–");
    return number(s["median"], "%.0f") + " [" + number(s["min"], "%.0f") + ", " + number(s["max"], "%.0f") + "]";
  };
  for (const auto& entry : scenario["bcache_memory"]) {
    const Json range = entry.value("difference_range_bytes", Json());
    rows.push_back({entry.value("name", ""), side(entry["baseline"]), side(entry["candidate"]),
                    number(entry.value("difference_bytes", Json()), "%+.0f"),
                    range.is_array() ? "[" + number(range[0], "%+.0f") + ", " + number(range[1], "%+.0f") + "]" : "–",
                    number(entry.value("difference_bytes_per_tib", Json()), "%+.1f")});
  }
  return rows;
}

std::string markdown_table(const Rows& rows) {
  std::string text;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    text += "|";
    for (const auto& cell : rows[r]) text += " " + markdown_cell(cell) + " |";
    text += "\n";
    if (r == 0) {
      text += "|";
      for (std::size_t c = 0; c < rows[r].size(); ++c) text += "---|";
      text += "\n";
    }
  }
  return text;
}

/// "baseline: `SPEC` (RELEASE)", with the spec in backticks only for Markdown.
std::string kernel_line(const Json& comparison, const char* side, bool markdown = true) {
  const Json& k = comparison[side];
  const char* quote = markdown ? "`" : "";
  return std::string(side) + ": " + quote + k.value("spec", "") + quote + " (" + k.value("release", "") + ")";
}

std::string geometric_text(const Json& comparison) {
  const Json& g = comparison["geometric_mean"];
  return "Geometric mean of the candidate/baseline ratios (oriented so that above 1 is worse): " +
         number(g.value("worse_if_above_one", Json()), "%.3f") + " over " + std::to_string(g.value("used", 0)) +
         " metrics (" + std::to_string(g.value("skipped", 0)) + " without a ratio left out).";
}

std::string status_class(const std::string& status) {
  if (status == "PASS") return "pass";
  if (status == "FAIL" || status == "REGRESSION") return "fail";
  return "error";
}

std::string html_table(const Rows& rows) {
  std::string html = "<table>\n<thead><tr>";
  for (const auto& cell : rows.front()) html += "<th>" + html_escape(cell) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 1; r < rows.size(); ++r) {
    html += "<tr>";
    for (const auto& cell : rows[r]) html += "<td>" + html_escape(cell) + "</td>";
    html += "</tr>\n";
  }
  return html + "</tbody>\n</table>\n";
}

constexpr const char* kMarksLegend =
    "Marks: ▲ significantly worse, ▼ significantly better (the 95% bootstrap interval of the ratio of medians "
    "excludes 1, the change exceeds the threshold, and the Mann-Whitney p-value stays below 0.05 after Holm's "
    "adjustment over the scenario's metrics), = no significant change, n<3 fewer than 3 runs on a side.";

constexpr const char* kStyle = R"(
body { font: 14px/1.4 sans-serif; margin: 1.5em auto; max-width: 1200px; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; }
th { background: #f3f3f3; }
.verdict { font-weight: bold; padding: 0 .4em; }
.pass { background: #d4f4d4; color: #11661d; } .fail { background: #fbd5d5; color: #a01010; }
.error { background: #fde3c4; color: #9a4a00; }
figure.plot { margin: 1em 0; max-width: 900px; } figure.plot svg { display: block; width: 100%; height: auto; }
figcaption { color: #444; font-size: .9em; text-align: center; }
)";

void add_cdf_lines(PlotSpec& spec, const std::vector<RunSeries>& runs, const std::string& scenario,
                   const std::string& direction, const char* side) {
  for (const auto& run : runs) {
    if (run.scenario != scenario || !run.latency_cdf.contains(direction)) continue;
    LineSeries line{std::string(side) + " run " + std::to_string(run.run_index + 1), {}};
    for (const auto& point : run.latency_cdf.at(direction)) {
      line.points.push_back({static_cast<double>(point.latency_ns) / 1000.0, point.fraction});
    }
    spec.lines.push_back(std::move(line));
  }
}

}  // namespace

std::string verdict_mark(const std::string& verdict) {
  if (verdict == "regression") return "▲ worse";
  if (verdict == "improvement") return "▼ better";
  if (verdict == "no_change") return "=";
  if (verdict == "too_few_runs") return "n<3";
  return "?";
}

std::string ratio_text(const Json& metric) {
  const Json ratio = metric.value("ratio", Json());
  if (!ratio.is_number()) return "–";
  const Json high = metric.value("ci_high", Json());
  return number(ratio, "%.3f") + " [" + number(metric.value("ci_low", Json()), "%.3f") + ", " +
         (high.is_number() ? number(high, "%.3f") : std::string("∞")) + "]";
}

std::string render_comparison_markdown(const Json& comparison) {
  std::string text = "# bcache-harness compare: " + comparison.value("status", "ERROR") + "\n\n";
  if (comparison.contains("reason")) text += comparison["reason"].get<std::string>() + "\n\n";
  text += "- " + kernel_line(comparison, "baseline") + "\n- " + kernel_line(comparison, "candidate") + "\n\n";
  for (const auto& scenario : comparison["scenarios"]) {
    text += "## " + scenario.value("name", "") + " (" + scenario.value("kind", "") + ")\n\n";
    text += markdown_table(stale_rows(scenario)) + "\n";
    if (!scenario["metrics"].empty()) text += markdown_table(metric_rows(scenario)) + "\n";
    if (scenario.contains("bcache_memory")) text += markdown_table(memory_rows(scenario)) + "\n";
  }
  text += geometric_text(comparison) + " " + kMarksLegend + "\n";
  return text;
}

std::vector<PlotSpec> comparison_plots(const Json& comparison, const std::vector<RunSeries>& baseline,
                                       const std::vector<RunSeries>& candidate) {
  std::vector<PlotSpec> plots;
  for (const auto& scenario : comparison["scenarios"]) {
    const std::string name = scenario.value("name", "");
    for (const std::string direction : {"read", "write"}) {
      PlotSpec spec{"cdf-" + plot_id_part(name) + "-" + direction,
                    name + ": completion latency CDF (" + direction + "), baseline and candidate",
                    "latency (µs)",
                    "fraction of I/Os",
                    XScale::kLog,
                    PlotKind::kLines,
                    {},
                    {}};
      add_cdf_lines(spec, baseline, name, direction, "baseline");
      add_cdf_lines(spec, candidate, name, direction, "candidate");
      if (!spec.lines.empty()) plots.push_back(std::move(spec));
    }
  }
  return plots;
}

Expected<std::string> render_comparison_html(const Json& comparison, const std::vector<PlotSpec>& plots,
                                             PlotRenderer& renderer) {
  const std::string status = comparison.value("status", "ERROR");
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>bcache-harness compare: " +
      html_escape(status) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  html += "<h1>bcache-harness compare: <span class=\"verdict " + status_class(status) + "\">" + html_escape(status) +
          "</span></h1>\n";
  if (comparison.contains("reason")) html += "<p>" + html_escape(comparison["reason"].get<std::string>()) + "</p>\n";
  html += "<ul><li>" + html_escape(kernel_line(comparison, "baseline", false)) + "</li><li>" +
          html_escape(kernel_line(comparison, "candidate", false)) + "</li></ul>\n";
  for (const auto& scenario : comparison["scenarios"]) {
    html +=
        "<h2>" + html_escape(scenario.value("name", "")) + " (" + html_escape(scenario.value("kind", "")) + ")</h2>\n";
    html += html_table(stale_rows(scenario));
    if (!scenario["metrics"].empty()) html += html_table(metric_rows(scenario));
    if (scenario.contains("bcache_memory")) html += html_table(memory_rows(scenario));
  }
  html += "<p>" + html_escape(geometric_text(comparison) + " " + kMarksLegend) + "</p>\n";
  for (const auto& spec : plots) {
    auto svg = renderer.svg(spec);
    if (!svg) return svg.error();
    html += "<figure class=\"plot\" id=\"plot-" + spec.id + "\">\n" + inline_svg(svg.value(), spec.id) +
            "\n<figcaption>" + html_escape(spec.title) + "</figcaption>\n</figure>\n";
  }
  return html + "</body>\n</html>\n";
}

std::string render_comparison_junit(const Json& comparison) {
  std::string cases;
  int failures = 0, errors = 0, tests = 0;
  for (const auto& scenario : comparison["scenarios"]) {
    ++tests;
    const std::string name = scenario.value("name", "");
    cases += "  <testcase classname=\"bcache-harness.compare\" name=\"" + xml_escape(name) + "\">\n";
    const std::string candidate = scenario["candidate"].value("status", "ERROR");
    const std::string baseline = scenario["baseline"].value("status", "ERROR");
    std::string regressed;
    for (const auto& metric : scenario["metrics"]) {
      if (metric.value("verdict", "") == "regression")
        regressed += (regressed.empty() ? "" : ", ") + metric.value("name", "");
    }
    if (candidate == "ERROR" || baseline == "ERROR") {
      ++errors;
      cases += "    <error message=\"a run of " + std::string(candidate == "ERROR" ? "the candidate" : "the baseline") +
               " is an ERROR\"/>\n";
    } else if (candidate == "FAIL") {
      ++failures;
      cases += "    <failure message=\"the candidate FAILed: " +
               xml_escape(std::to_string(scenario["candidate"].value("stale_blocks", 0)) + " stale blocks, " +
                          std::to_string(scenario["candidate"].value("stale_blocks_after_power_cut", 0)) +
                          " after power cuts") +
               "\"/>\n";
    } else if (!regressed.empty()) {
      ++failures;
      cases += "    <failure message=\"regression: " + xml_escape(regressed) + "\"/>\n";
    }
    cases += "  </testcase>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n <testsuite name=\"bcache-harness.compare\" "
         "tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
         "\">\n" + cases + " </testsuite>\n</testsuites>\n";
}

}  // namespace bh::analysis
