#include "harness/runs/compare_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/exit/harness_error.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;
namespace fs = std::filesystem;

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

/// A run directory holding only summary.json (its runs' raw files are elsewhere), from the
/// report fixture with every run's status replaced by `status`.
fs::path run_directory(const fs::path& dir, const std::string& status) {
  auto summary = Json::parse(read_file(fs::path(BH_SOURCE_DIR) / "tests/fixtures/report/summary.json").value());
  for (auto& scenario : summary["scenarios"]) {
    for (auto& run : scenario["runs"]) {
      run["status"] = status;
      run.erase("run_dir");
    }
  }
  fs::create_directories(dir);
  EXPECT_TRUE(write_file_atomically(dir / "summary.json", summary.dump()));
  return dir;
}

TEST(CompareDirectories, ComparesTwoRunDirectoriesOfflineWithoutTouchingThem) {
  TempDir dir("compare-dirs-test");
  const auto base = run_directory(dir.path() / "base", "PASS");
  const auto cand = run_directory(dir.path() / "cand", "FAIL");
  const auto before = read_file(base / "summary.json").value();
  CompareOptions options;
  options.run.guest.out_dir = dir.path() / "out";
  const auto outcome = compare_directories(options, base, cand);
  EXPECT_EQ(outcome.comparison["status"], "FAIL") << outcome.comparison.dump(2);
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.comparison["baseline"]["dir"], fs::absolute(base).string());
  for (const char* file : {"compare.json", "compare.md", "compare.html", "junit.xml", "summary.txt"}) {
    EXPECT_TRUE(fs::exists(dir.path() / "out" / file)) << file;
  }
  EXPECT_EQ(read_file(base / "summary.json").value(), before) << "the inputs are read, never rewritten";
  EXPECT_FALSE(fs::exists(base / "report.html"));
}

TEST(CompareDirectories, ADirectoryWithoutSummaryIsAUsageErrorNamingIt) {
  TempDir dir("compare-dirs-test");
  const auto base = run_directory(dir.path() / "base", "PASS");
  CompareOptions options;
  options.run.guest.out_dir = dir.path() / "out";
  try {
    (void)compare_directories(options, base, dir.path() / "nothing");
    ADD_FAILURE() << "no error";
  } catch (const HarnessError& error) {
    EXPECT_EQ(error.code(), ExitCode::kUsage);
    EXPECT_THAT(error.what(), HasSubstr((dir.path() / "nothing" / "summary.json").string()));
  }
  EXPECT_FALSE(fs::exists(dir.path() / "out")) << "nothing written for a bad input";
}

}  // namespace
}  // namespace bh
