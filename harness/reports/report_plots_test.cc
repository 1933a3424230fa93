#include "harness/reports/report_plots.h"

#include <gtest/gtest.h>

#include "util/files.h"

namespace bh::analysis {

void PrintTo(const BarSeries& set, std::ostream* out) {
  *out << set.name << ":";
  for (const auto& bar : set.bars) *out << " (" << bar.label << ", " << bar.value << ")";
}

namespace {

using Json = nlohmann::json;

Json fixture_summary() {
  const auto path = std::string(BH_SOURCE_DIR) + "/tests/fixtures/report/summary.json";
  return Json::parse(read_file(path).value());
}

RunSeries perf_series() {
  RunSeries run;
  run.scenario = "perf-randread";
  run.seed = 21;
  run.latency_cdf["read"] = {{50'000, 0.5}, {2'000'000, 1.0}};
  run.latency_over_time_us["read"] = {{0, 80}, {1, 95}};
  run.memory_over_time_kib["SUnreclaim"] = {{0, 20000}, {0.25, 21000}};
  run.memory_over_time_kib["Slab"] = {{0, 40000}, {0.25, 46000}};
  run.memory_over_time_kib["kmalloc-64"] = {{0, 10}};
  run.memory_over_time_kib["Percpu"] = {};
  return run;
}

std::vector<std::string> ids(const std::vector<PlotSpec>& plots) {
  std::vector<std::string> out;
  for (const auto& plot : plots) out.push_back(plot.id);
  return out;
}

const PlotSpec& plot_named(const std::vector<PlotSpec>& plots, const std::string& id) {
  for (const auto& plot : plots) {
    if (plot.id == id) return plot;
  }
  throw std::runtime_error("no plot " + id);
}

TEST(PlotIdPart, LowerCasesAndReplacesWhatAnIdCannotHold) {
  EXPECT_EQ(plot_id_part("SUnreclaim"), "sunreclaim");
  EXPECT_EQ(plot_id_part("kmalloc 64/x\"<"), "kmalloc-64-x--");
}

TEST(ReportPlots, NothingToDrawGivesNoPlots) {
  EXPECT_TRUE(report_plots({}).empty());
  EXPECT_TRUE(report_plots({Json{{"scenarios", Json::array()}}, {}, {}}).empty());
}

TEST(ReportPlots, OnlyPlotsWithDataInDisplayOrder) {
  const auto plots = report_plots({fixture_summary(), {perf_series()}, {}});
  EXPECT_EQ(ids(plots), (std::vector<std::string>{"latency-cdf-read", "latency-time-read", "memory-slab",
                                                  "memory-sunreclaim", "memory-kmalloc-64", "stale-blocks"}));
}

TEST(ReportPlots, CdfIsInMicrosecondsOnALogAxisOneLinePerRun) {
  auto other = perf_series();
  other.run_index = 1;
  other.seed = 22;
  const auto plots = report_plots({Json::object(), {perf_series(), other}, {}});
  const auto& cdf = plot_named(plots, "latency-cdf-read");
  EXPECT_EQ(cdf.x_scale, XScale::kLog);
  EXPECT_EQ(cdf.kind, PlotKind::kLines);
  ASSERT_EQ(cdf.lines.size(), 2u);
  EXPECT_EQ(cdf.lines[0].name, "perf-randread run 1 (seed 21)");
  EXPECT_EQ(cdf.lines[1].name, "perf-randread run 2 (seed 22)");
  EXPECT_EQ(cdf.lines[0].points, (std::vector<XY>{{50, 0.5}, {2000, 1.0}}));
  EXPECT_EQ(cdf.x_label, "latency (µs)");
}

TEST(ReportPlots, OverTimePlotsAreLinearAndKeepThePoints) {
  const auto plots = report_plots({Json::object(), {perf_series()}, {}});
  const auto& latency = plot_named(plots, "latency-time-read");
  EXPECT_EQ(latency.x_scale, XScale::kLinear);
  EXPECT_EQ(latency.lines.at(0).points, (std::vector<XY>{{0, 80}, {1, 95}}));
  const auto& slab = plot_named(plots, "memory-slab");
  EXPECT_EQ(slab.lines.at(0).points, (std::vector<XY>{{0, 40000}, {0.25, 46000}}));
  EXPECT_EQ(slab.y_label, "Slab (KiB)");
}

TEST(ReportPlots, StaleBlocksSumRunsAndPowerCutsPerScenario) {
  auto summary = fixture_summary();
  summary["scenarios"][0]["runs"][1]["stale_blocks"] = 5;
  const auto plots = report_plots({summary, {}, {}});
  const auto& stale = plot_named(plots, "stale-blocks");
  EXPECT_EQ(stale.kind, PlotKind::kBars);
  ASSERT_EQ(stale.bars.size(), 2u);
  // perf-randread reports no stale_blocks: no bar rather than a bar of 0.
  EXPECT_EQ(stale.bars[0], (BarSeries{"stale blocks", {{"race-writearound-4k", 7}}}));
  EXPECT_EQ(stale.bars[1], (BarSeries{"after power cuts", {{"race-writearound-4k", 3}}}));
}

TEST(ReportPlots, NoPowerCutBarsWhenNoRunMadeCuts) {
  auto summary = fixture_summary();
  summary["scenarios"][0]["runs"][0].erase("power_cuts");
  const auto plots = report_plots({summary, {}, {}});
  const auto& stale = plot_named(plots, "stale-blocks");
  ASSERT_EQ(stale.bars.size(), 1u);
  EXPECT_EQ(stale.bars[0].name, "stale blocks");
}

TEST(ReportPlots, ZeroStaleBlocksAreStillABar) {
  auto summary = fixture_summary();
  summary["scenarios"][0]["runs"][0]["stale_blocks"] = 0;
  const auto plots = report_plots({summary, {}, {}});
  const auto& stale = plot_named(plots, "stale-blocks");
  EXPECT_EQ(stale.bars[0].bars, (std::vector<Bar>{{"race-writearound-4k", 0}}));
}

}  // namespace
}  // namespace bh::analysis
