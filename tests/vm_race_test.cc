// The race verdict end to end (ctest label `vm`): `bcache-harness run` on debian:stock under
// TCG finds stale blocks in the race scenarios and none in the controls, and writes the
// summary.json its users' CI scripts read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/vm_test_support.h"
#include "util/files.h"

namespace bh::testing {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

/// Runs `bcache-harness run` with `args` into a fresh directory; its summary.json.
Json run_and_summarise(const std::vector<std::string>& args, int expected_exit, std::string& output) {
  TempDir dir("bh-race");
  std::vector<std::string> argv = {"run", "--accel", "tcg", "--out", (dir.path() / "out").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_cli(argv, 1200s);
  output = result.output;
  EXPECT_EQ(result.exit_code, expected_exit) << result.output;
  auto text = read_file(dir.path() / "out" / "summary.json");
  if (!text) return Json();
  return Json::parse(text.value(), nullptr, false);
}

TEST(RaceVerdict, RaceScenariosFindStaleBlocksOnTheStockKernel) {
  std::string output;
  const auto summary = run_and_summarise(
      {"--scenario", "race-seq-bypass", "--scenario", "race-writearound", "--seed", "1", "--repeat", "2"}, 1, output);
  ASSERT_TRUE(summary.is_object()) << output;
  EXPECT_EQ(summary["status"], "FAIL");
  EXPECT_EQ(summary["seed"], 1);
  ASSERT_EQ(summary["scenarios"].size(), 2u);
  for (const auto& scenario : summary["scenarios"]) {
    EXPECT_EQ(scenario["status"], "FAIL") << scenario["name"];
    ASSERT_EQ(scenario["runs"].size(), 2u);
    for (const auto& run : scenario["runs"]) {
      EXPECT_EQ(run["status"], "FAIL") << scenario["name"] << " seed " << run["seed"];
      EXPECT_EQ(run["blocks_checked"], 4096);
      EXPECT_GT(run["stale_blocks"].get<int>(), 0) << scenario["name"] << " seed " << run["seed"];
      EXPECT_EQ(run["lost_writes"], 0);
      EXPECT_FALSE(run["stale_examples"].empty());
      EXPECT_EQ(run["stale_examples"][0]["found_gen"], 1);
      EXPECT_EQ(run["stale_examples"][0]["expected_gen"], 2);
      EXPECT_GT(run["race_read_ios"].get<int>(), 0) << "the readers must prove they ran";
    }
  }
  EXPECT_THAT(output, ::testing::HasSubstr("FAIL  race-seq-bypass"));
}

TEST(RaceVerdict, ControlsFindNothing) {
  std::string output;
  const auto summary =
      run_and_summarise({"--scenario", "control-no-cache", "--scenario", "control-disjoint", "--seed", "1"}, 0, output);
  ASSERT_TRUE(summary.is_object()) << output;
  EXPECT_EQ(summary["status"], "PASS");
  for (const auto& scenario : summary["scenarios"]) {
    const auto& run = scenario["runs"][0];
    EXPECT_EQ(run["status"], "PASS") << scenario["name"] << ": " << run.value("reason", "");
    EXPECT_EQ(run["stale_blocks"], 0) << scenario["name"];
    EXPECT_GT(run["blocks_checked"].get<int>(), 0);
    EXPECT_GT(run["race_read_ios"].get<int>(), 0);
  }
}

TEST(RaceVerdict, AnUnknownScenarioIsAUsageErrorListingTheKnownOnes) {
  const auto result = run_cli({"run", "--scenario", "race-typo"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, ::testing::HasSubstr("race-seq-bypass"));
}

}  // namespace
}  // namespace bh::testing
