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
      // The trace shows the race: bypassed writes, misses racing them, inserts that landed.
      EXPECT_GT(run["bypass_writes"]["total"].get<int>(), 0);
      EXPECT_GE(run["race_windows"].get<int>(), run["stale_inserts"].get<int>());
      EXPECT_GT(run["stale_inserts"].get<int>(), 0);
      EXPECT_EQ(run["race_evidence"]["lost_events"], 0);
      EXPECT_EQ(run["race_evidence"]["stale_blocks_explained"], run["stale_blocks"])
          << "every stale block needs the insert that made it";
      EXPECT_TRUE(run["stale_examples"][0].contains("explanation")) << run["stale_examples"][0].dump();
      EXPECT_EQ(run["exercised"], true);
    }
  }
  EXPECT_EQ(summary["scenarios"][1]["runs"][0]["bypass_writes"].value("writearound", 0),
            summary["scenarios"][1]["runs"][0]["bypass_writes"]["total"].get<int>());
  EXPECT_THAT(output, ::testing::HasSubstr("FAIL  race-seq-bypass"));
  EXPECT_THAT(output, ::testing::HasSubstr("race windows, "));
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
    EXPECT_EQ(run["race_windows"], 0) << scenario["name"];
    EXPECT_EQ(run["exercised"], true) << scenario["name"];
  }
}

// A scenario that cannot race: writeback with sequential_cutoff far above anything the
// writer's stream reaches, so bcache caches every write (writeback writes wait for a free
// bucket) and nothing is ever bypassed. (In writethrough, a write whose cache insert finds
// no free bucket at once becomes an invalidation inside bch_data_insert_start: a bypass of
// its own, which races: README "Race evidence".)
TEST(RaceVerdict, AScenarioThatCannotRaceIsAnErrorNotAPass) {
  std::string output;
  const auto summary = run_and_summarise({"--scenario", "race-seq-bypass", "--seed", "1", "--set",
                                          "sequential_cutoff=1G", "--set", "cache_mode=writeback"},
                                         3, output);
  ASSERT_TRUE(summary.is_object()) << output;
  const auto& run = summary["scenarios"][0]["runs"][0];
  EXPECT_EQ(run["status"], "ERROR");
  EXPECT_EQ(run["stale_blocks"], 0);
  EXPECT_EQ(run["exercised"], false);
  EXPECT_EQ(run["bypass_writes"]["total"], 0);
  EXPECT_THAT(run["reason"].get<std::string>(), ::testing::StartsWith("not exercised: bcache bypassed none"));
}

// A kernel that never inserts a read miss cannot serve stale data through the race: the
// race still opens its windows, none is a stale insert, and that earns a PASS.
TEST(RaceVerdict, AKernelThatInsertsNoReadMissPassesWithItsWindowsClosed) {
  const auto module = build_patched_module("jobs/patches/bcache-drop-read-miss-inserts.patch");
  ASSERT_TRUE(module) << module.error().message;
  std::string output;
  const auto summary =
      run_and_summarise({"--kernel", module.value().spec, "--scenario", "race-seq-bypass", "--seed", "1"}, 0, output);
  ASSERT_TRUE(summary.is_object()) << output;
  const auto& run = summary["scenarios"][0]["runs"][0];
  EXPECT_EQ(run["status"], "PASS") << run.value("reason", "");
  EXPECT_EQ(run["stale_blocks"], 0);
  EXPECT_GE(run["race_windows"].get<int>(), run["race_evidence"]["min_race_windows"].get<int>());
  EXPECT_EQ(run["stale_inserts"], 0);
  EXPECT_EQ(run["exercised"], true);
  EXPECT_THAT(output, ::testing::HasSubstr("race windows, all closed"));
}

// The reference fix (jobs/patches/bcache-track-bypass-writes-*.patch, the patch for stock's
// series) earns a PASS where stock FAILs: the same run opens its race windows on both, and
// on the patched module none of them becomes a stale insert.
TEST(RaceVerdict, TheReferenceFixClosesTheWindowsStockLeavesOpen) {
  const auto stock = prepared("debian:stock");
  ASSERT_TRUE(stock) << stock.error().message;
  const std::string series = stock.value().kernel.release.starts_with("6.12") ? "6.12" : "6.1";
  const auto module = build_patched_module("jobs/patches/bcache-track-bypass-writes-" + series + ".patch");
  ASSERT_TRUE(module) << module.error().message;
  std::string output;
  const auto fixed =
      run_and_summarise({"--kernel", module.value().spec, "--scenario", "race-seq-bypass", "--seed", "1"}, 0, output);
  ASSERT_TRUE(fixed.is_object()) << output;
  const auto& run = fixed["scenarios"][0]["runs"][0];
  EXPECT_EQ(run["status"], "PASS") << run.value("reason", "");
  EXPECT_EQ(run["stale_blocks"], 0);
  EXPECT_GE(run["race_windows"].get<int>(), run["race_evidence"]["min_race_windows"].get<int>());
  EXPECT_EQ(run["stale_inserts"], 0);
  EXPECT_THAT(output, ::testing::HasSubstr("race windows, all closed"));
  const auto plain = run_and_summarise({"--scenario", "race-seq-bypass", "--seed", "1"}, 1, output);
  ASSERT_TRUE(plain.is_object()) << output;
  const auto& stock_run = plain["scenarios"][0]["runs"][0];
  EXPECT_EQ(stock_run["status"], "FAIL");
  EXPECT_GT(stock_run["stale_blocks"].get<int>(), 0);
  EXPECT_GT(stock_run["stale_inserts"].get<int>(), 0);
}

TEST(RaceVerdict, AnUnknownScenarioIsAUsageErrorListingTheKnownOnes) {
  const auto result = run_cli({"run", "--scenario", "race-typo"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, ::testing::HasSubstr("race-seq-bypass"));
}

}  // namespace
}  // namespace bh::testing
