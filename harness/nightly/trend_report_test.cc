#include "harness/nightly/trend_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "harness/nightly/night_verdict.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

class FakeRenderer : public analysis::PlotRenderer {
 public:
  Expected<std::string> svg(const analysis::PlotSpec& spec) override {
    specs.push_back(spec);
    return std::string("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"a\"><path d=\"M0 0\"/></svg>");
  }
  std::vector<analysis::PlotSpec> specs;
};

RunRecord record(const std::string& night, const std::string& kernel, const std::string& scenario, int index,
                 const std::string& status, Json run) {
  run["status"] = status;
  return {night, kernel, "debian:stock", "6.1", scenario, "race", index, std::uint64_t(index), status, run, {}};
}

std::vector<RunRecord> history() {
  return {record("2026-12-04", "stock", "race-seq-bypass", 1, "FAIL", {{"stale_blocks", 300}}),
          record("2026-12-04", "stock", "race-seq-bypass", 2, "FAIL", {{"stale_blocks", 500}}),
          record("2026-12-04", "fix", "race-seq-bypass", 1, "PASS", {{"stale_blocks", 0}}),
          record("2026-12-05", "stock", "race-seq-bypass", 1, "FAIL", {{"stale_blocks", 200}}),
          record("2026-12-05", "fix", "race-seq-bypass", 1, "FAIL", {{"stale_blocks", 7}}),
          record("2026-12-05", "fix", "perf-randread", 1, "PASS", {{"latency_us", {{"read", {{"p99", 80.5}}}}}}),
          record("2026-12-05", "fix", "perf-randread", 2, "ERROR", {{"latency_us", {{"read", {{"p99", 1e9}}}}}})};
}

TEST(TrendReport, OneLinePerKernelOfNightlyMedians) {
  const auto plots = trend_plots(history());
  const auto stale =
      std::find_if(plots.begin(), plots.end(), [](auto& p) { return p.id == "trend-race-seq-bypass-stale-blocks"; });
  ASSERT_NE(stale, plots.end());
  ASSERT_EQ(stale->lines.size(), 2u);
  EXPECT_EQ(stale->lines[0].name, "fix");
  EXPECT_EQ(stale->lines[1].name, "stock");
  ASSERT_EQ(stale->lines[1].points.size(), 2u);
  EXPECT_EQ(stale->lines[1].points[0].x, 1);
  EXPECT_EQ(stale->lines[1].points[0].y, 400) << "the median of 300 and 500";
  EXPECT_EQ(stale->lines[1].points[1].y, 200);
  EXPECT_TRUE(stale->mark_points);
  const auto p99 =
      std::find_if(plots.begin(), plots.end(), [](auto& p) { return p.id == "trend-perf-randread-read-p99"; });
  ASSERT_NE(p99, plots.end());
  ASSERT_EQ(p99->lines[0].points.size(), 1u);
  EXPECT_EQ(p99->lines[0].points[0].y, 80.5) << "an ERROR run's numbers are left out";
}

TEST(TrendReport, HtmlPutsTheNewFailFirstThenStatusesThenPlots) {
  FakeRenderer renderer;
  const auto runs = history();
  const auto judgement = judge_night(runs, "2026-12-05");
  auto html = render_trend_html(runs, judgement, renderer);
  ASSERT_TRUE(html) << html.error().message;
  const auto& text = html.value();
  const auto new_fail = text.find("NEW FAIL</strong> fix race-seq-bypass");
  const auto table = text.find("<section id=\"statuses\">");
  const auto plot = text.find("<figure class=\"plot\" id=\"plot-trend-");
  ASSERT_NE(new_fail, std::string::npos) << text;
  ASSERT_NE(table, std::string::npos);
  ASSERT_NE(plot, std::string::npos);
  EXPECT_LT(new_fail, table);
  EXPECT_LT(table, plot);
  EXPECT_EQ(text.find("http"), std::string::npos) << "no external references";
  EXPECT_EQ(renderer.specs.size(), trend_plots(runs).size());
}

TEST(TrendReport, JsonHoldsEveryCellAndNight) {
  const auto json = trend_json(history(), Json::object());
  EXPECT_EQ(json["nights"], (Json{"2026-12-04", "2026-12-05"}));
  ASSERT_EQ(json["cells"].size(), 3u);
  bool found = false;
  for (const auto& cell : json["cells"]) {
    if (cell["kernel"] == "stock") {
      EXPECT_EQ(cell["nights"]["2026-12-04"]["stale-blocks"], 400);
      EXPECT_EQ(cell["nights"]["2026-12-04"]["runs"], 2);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(TrendReport, AnEmptyOrForeignDatabaseIsAnError) {
  TempDir dir("bh-trend");
  FakeRenderer renderer;
  std::ofstream(dir.path() / "foreign.db") << "garbage garbage garbage garbage";
  auto foreign = write_trend_report(dir.path() / "foreign.db", dir.path() / "out", renderer);
  ASSERT_FALSE(foreign);
  EXPECT_THAT(foreign.error().message, HasSubstr("foreign.db"));
  auto missing = write_trend_report(dir.path() / "missing.db", dir.path() / "out", renderer);
  ASSERT_FALSE(missing);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing.db")) << "history never creates a database";
}

}  // namespace
}  // namespace bh
