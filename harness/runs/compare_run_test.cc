#include "harness/runs/compare_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

using ::testing::ElementsAre;

class SilentEvents : public RunEvents {
 public:
  void say(const std::string&) const override {}
  void update(const ProgressPosition&) const override {}
};

TEST(RunInterleaved, AlternatesTheSidesRunByRunWithTheSameSeeds) {
  TempDir out("compare-run-test");
  std::vector<CompareSide> sides{{"baseline", out.path() / "baseline", {}, {}},
                                 {"candidate", out.path() / "candidate", {}, {}}};
  for (auto& side : sides) side.summary.seed = 9;
  std::vector<std::string> order;
  const RunOnce fake = [&](const Scenario&, const PreparedGuest&, std::uint64_t seed,
                           const std::filesystem::path& run_dir, ProgressPosition position, std::string&) {
    order.push_back(run_dir.parent_path().parent_path().filename().string() + " " + std::to_string(seed) + " " +
                    position.scenario_name);
    RunResult result;
    result.seed = seed;
    result.status = Status::kPass;
    return result;
  };
  Scenario scenario;
  scenario.name = "race-a";
  run_interleaved(scenario, 2, sides, SilentEvents{}, {1, 1, "", 0, 0, ""}, fake);
  EXPECT_THAT(order, ElementsAre("baseline 9 race-a baseline", "candidate 9 race-a candidate",
                                 "baseline 10 race-a baseline", "candidate 10 race-a candidate"));
  for (const auto& side : sides) {
    ASSERT_EQ(side.summary.scenarios.size(), 1u);
    EXPECT_EQ(side.summary.scenarios[0].runs.size(), 2u);
    const auto saved = nlohmann::json::parse(read_file(side.dir / "summary.json").value());
    EXPECT_EQ(saved["scenarios"][0]["runs"].size(), 2u) << side.name;
  }
}

TEST(ComparisonSummaryText, OneLinePerScenarioThenTheVerdict) {
  const auto comparison = nlohmann::json::parse(R"({
    "status": "PASS",
    "scenarios": [{"name": "race-a", "baseline": {"stale_blocks": 612}, "candidate": {"stale_blocks": 0},
                   "metrics": []}]})");
  EXPECT_EQ(comparison_summary_text(comparison, "/out"),
            "race-a: stale blocks baseline 612 / candidate 0\ncompare PASS; full results: /out/compare.html\n");
}

}  // namespace
}  // namespace bh
