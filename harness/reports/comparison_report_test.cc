#include "harness/reports/comparison_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bh::analysis {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

Json comparison() {
  return Json::parse(R"({
    "schema": 1, "status": "REGRESSION", "reason": "significantly worse: perf-randrw: latency_us.read.p99",
    "baseline": {"spec": "debian:stock", "release": "6.1.0-56-amd64", "status": "PASS"},
    "candidate": {"spec": "module:/m/bcache.ko@debian:stock", "release": "6.1.0-56-amd64", "status": "PASS"},
    "scenarios": [
      {"name": "race-seq-bypass", "kind": "race",
       "baseline": {"status": "FAIL", "runs": 3, "stale_blocks": 612, "stale_blocks_after_power_cut": 0, "power_cuts": 0, "kernel_findings": 0},
       "candidate": {"status": "FAIL", "runs": 3, "stale_blocks": 4, "stale_blocks_after_power_cut": 0, "power_cuts": 0, "kernel_findings": 0},
       "metrics": []},
      {"name": "perf-randrw", "kind": "perf",
       "baseline": {"status": "PASS", "runs": 3, "stale_blocks": 0, "stale_blocks_after_power_cut": 0, "power_cuts": 0, "kernel_findings": 0},
       "candidate": {"status": "PASS", "runs": 3, "stale_blocks": 0, "stale_blocks_after_power_cut": 0, "power_cuts": 0, "kernel_findings": 0},
       "metrics": [
         {"name": "latency_us.read.p99", "threshold": 0.05, "baseline_runs": 3, "candidate_runs": 3,
          "baseline_median": 1000, "candidate_median": 2000, "ratio": 2.0, "ci_low": 1.9, "ci_high": null,
          "p_value": 0.1, "verdict": "regression"},
         {"name": "iops.read", "threshold": 0.05, "baseline_runs": 1, "candidate_runs": 1,
          "baseline_median": 500, "candidate_median": 510, "verdict": "too_few_runs"}]}],
    "geometric_mean": {"worse_if_above_one": 2.0, "used": 1, "skipped": 0}})");
}

TEST(ComparisonMarkdown, ShowsBothKernelsStaleBlocksAndMarkedMetrics) {
  const auto text = render_comparison_markdown(comparison());
  EXPECT_THAT(text, HasSubstr("# bcache-harness compare: REGRESSION"));
  EXPECT_THAT(text, HasSubstr("candidate: `module:/m/bcache.ko@debian:stock`"));
  EXPECT_THAT(text, HasSubstr("| baseline | FAIL | 3 | 612 |"));
  EXPECT_THAT(text, HasSubstr("| candidate | FAIL | 3 | 4 |"));
  EXPECT_THAT(text,
              HasSubstr("| latency_us.read.p99 | 1000.0 | 2000.0 | 2.000 [1.900, ∞] | 0.1 | 5% | 3/3 | ▲ worse |"));
  EXPECT_THAT(text, HasSubstr("| iops.read | 500.0 | 510.0 | – | – | 5% | 1/1 | n<3 |"));
  EXPECT_THAT(text, HasSubstr("2.000 over 1 metrics"));
}

TEST(ComparisonJunit, OneCasePerScenarioFailingOnStaleCandidatesAndRegressions) {
  const auto xml = render_comparison_junit(comparison());
  EXPECT_THAT(xml, HasSubstr("tests=\"2\" failures=\"2\" errors=\"0\""));
  EXPECT_THAT(xml, HasSubstr("the candidate FAILed: 4 stale blocks, 0 after power cuts"));
  EXPECT_THAT(xml, HasSubstr("regression: latency_us.read.p99"));
}

/// Draws every plot as a tiny SVG and remembers what it was asked to draw.
class RecordingRenderer : public PlotRenderer {
 public:
  Expected<std::string> svg(const PlotSpec& spec) override {
    specs.push_back(spec);
    return std::string("<svg><path d=\"M0 0\"/></svg>");
  }
  std::vector<PlotSpec> specs;
};

TEST(ComparisonPlots, OverlayEveryRunOfBothSidesPerScenarioAndDirection) {
  RunSeries base{"perf-randrw", 0, 1, {{"read", {{1000, 0.5}, {2000, 1.0}}}}, {}, {}};
  RunSeries cand{"perf-randrw", 0, 1, {{"read", {{3000, 1.0}}}}, {}, {}};
  const auto plots = comparison_plots(comparison(), {base}, {cand});
  ASSERT_EQ(plots.size(), 1u) << "only read has data";
  EXPECT_EQ(plots[0].id, "cdf-perf-randrw-read");
  ASSERT_EQ(plots[0].lines.size(), 2u);
  EXPECT_EQ(plots[0].lines[0].name, "baseline run 1");
  EXPECT_EQ(plots[0].lines[1].name, "candidate run 1");
  EXPECT_DOUBLE_EQ(plots[0].lines[0].points[0].x, 1.0) << "ns to µs";
  RecordingRenderer renderer;
  auto html = render_comparison_html(comparison(), plots, renderer);
  ASSERT_TRUE(html) << html.error().message;
  EXPECT_THAT(html.value(), HasSubstr("<figure class=\"plot\" id=\"plot-cdf-perf-randrw-read\">"));
  EXPECT_THAT(html.value(), HasSubstr("<span class=\"verdict fail\">REGRESSION</span>"));
  EXPECT_THAT(html.value(), HasSubstr("▲ worse"));
  EXPECT_THAT(html.value(), Not(HasSubstr("http")));
  EXPECT_EQ(renderer.specs.size(), 1u);
}

TEST(ComparisonHtml, EscapesText) {
  auto input = comparison();
  input["reason"] = "<script>";
  RecordingRenderer renderer;
  auto html = render_comparison_html(input, {}, renderer);
  ASSERT_TRUE(html);
  EXPECT_THAT(html.value(), HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(html.value(), Not(HasSubstr("<script>")));
}

}  // namespace
}  // namespace bh::analysis
