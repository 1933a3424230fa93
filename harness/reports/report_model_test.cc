#include "harness/reports/report_model.h"

#include <gtest/gtest.h>

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

TEST(RunSeries, LabelNamesScenarioOneBasedRunAndSeed) {
  RunSeries series;
  series.scenario = "race-writearound";
  series.run_index = 0;
  series.seed = 42;
  EXPECT_EQ(series.label(), "race-writearound run 1 (seed 42)");
}

TEST(JsonAt, IsNullForAbsentKeysAndNonObjects) {
  const Json object{{"a", 1}};
  EXPECT_EQ(json_at(object, "a"), 1);
  EXPECT_TRUE(json_at(object, "b").is_null());
  EXPECT_TRUE(json_at(Json::array({1}), "a").is_null());
  EXPECT_EQ(number_at(object, "a"), 1.0);
  EXPECT_EQ(number_at(Json{{"a", "1"}}, "a"), std::nullopt);
}

TEST(StaleBlocksAfterPowerCuts, SumsTheCutsThatReportIt) {
  const Json run{
      {"power_cuts",
       {{{"stale_blocks_after_power_cut", 3}}, {{"status", "ERROR"}}, {{"stale_blocks_after_power_cut", 4}}}}};
  EXPECT_EQ(stale_blocks_after_power_cuts(run), 7.0);
}

TEST(StaleBlocksAfterPowerCuts, IsNothingWithoutCutsOrCountsNotZero) {
  EXPECT_EQ(stale_blocks_after_power_cuts(Json::object()), std::nullopt);
  EXPECT_EQ(stale_blocks_after_power_cuts(Json{{"power_cuts", Json::array()}}), std::nullopt);
  EXPECT_EQ(stale_blocks_after_power_cuts(Json{{"power_cuts", {{{"status", "ERROR"}}}}}), std::nullopt);
}

TEST(ForEachRun, VisitsRunsInSummaryOrderSkippingScenariosWithoutRuns) {
  const Json summary{{"scenarios",
                      {{{"name", "a"}, {"runs", {{{"seed", 1}}, {{"seed", 2}}}}},
                       {{"name", "no-runs"}},
                       {{"runs", {{{"seed", 3}}}}}}}};
  std::vector<std::string> seen;
  for_each_run(summary, [&](const SummaryRun& ref) {
    seen.push_back(ref.scenario + "/" + std::to_string(ref.index) + "/" + ref.run.at("seed").dump());
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a/0/1", "a/1/2", "–/0/3"}));
}

TEST(ForEachScenario, IgnoresASummaryWithoutScenarios) {
  int calls = 0;
  for_each_scenario(Json{{"scenarios", "oops"}}, [&](const auto&, const auto&) { ++calls; });
  for_each_scenario(Json(), [&](const auto&, const auto&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace bh::analysis
