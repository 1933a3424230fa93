#include "harness/runs/scenario_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "harness/exit/harness_error.h"
#include "util/files.h"
#include "util/interrupt.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// Records what a command said and where it stood.
class RecordedEvents : public RunEvents {
 public:
  void say(const std::string& text) const override {
    std::lock_guard lock(mutex_);
    lines.push_back(text);
  }
  void update(const ProgressPosition& position) const override {
    std::lock_guard lock(mutex_);
    positions.push_back(position);
  }
  mutable std::vector<std::string> lines;
  mutable std::vector<ProgressPosition> positions;

 private:
  mutable std::mutex mutex_;
};

/// One call of a fake RunOnce.
struct Call {
  std::string scenario;
  std::uint64_t seed;
  std::filesystem::path run_dir;
  bool operator==(const Call&) const = default;
};

Scenario scenario_named(const std::string& name) {
  Scenario scenario;
  scenario.name = name;
  return scenario;
}

TEST(RunRepeats, ConsecutiveSeedsInTheirOwnDirectoriesWithTheSummarySavedAfterEachRun) {
  TempDir out("scenario-loop-test");
  RunSummary summary;
  summary.seed = 40;
  std::vector<Call> calls;
  std::vector<std::size_t> runs_saved_before;
  const RunOnce fake = [&](const Scenario& scenario, const PreparedGuest&, std::uint64_t seed,
                           const std::filesystem::path& run_dir, ProgressPosition, std::string& used_accel) {
    if (auto saved = read_file(out.path() / "summary.json")) {
      runs_saved_before.push_back(nlohmann::json::parse(saved.value())["scenarios"][0]["runs"].size());
    }
    calls.push_back({scenario.full_name(), seed, run_dir});
    used_accel = "tcg";
    RunResult result;
    result.seed = seed;
    result.status = seed == 41 ? Status::kFail : Status::kPass;
    result.reason = seed == 41 ? "3 stale_blocks" : "";
    return result;
  };
  RecordedEvents events;
  const auto result = run_repeats(scenario_named("race-a"), 3, PreparedGuest{}, summary, out.path(), events,
                                  {1, 1, "race-a", 0, 3, ""}, fake);
  EXPECT_THAT(calls, ElementsAre(Call{"race-a", 40, out.path() / "race-a/run-1-seed-40"},
                                 Call{"race-a", 41, out.path() / "race-a/run-2-seed-41"},
                                 Call{"race-a", 42, out.path() / "race-a/run-3-seed-42"}));
  EXPECT_THAT(runs_saved_before, ElementsAre(1u, 2u)) << "summary.json holds every finished run before the next";
  EXPECT_EQ(result.status(), Status::kFail);
  EXPECT_EQ(summary.accel, "tcg");
  EXPECT_THAT(events.lines,
              ElementsAre("[1/1 race-a run 1/3] seed 40: PASS", "[1/1 race-a run 2/3] seed 41: FAIL (3 stale_blocks)",
                          "[1/1 race-a run 3/3] seed 42: PASS"));
}

TEST(RunRepeats, CtrlCKeepsTheFinishedRunsAndRecordsTheInterruptedOneSayingWhereItsFilesAre) {
  TempDir out("scenario-loop-test");
  RunSummary summary;
  summary.seed = 7;
  const RunOnce fake = [&](const Scenario&, const PreparedGuest&, std::uint64_t seed, const std::filesystem::path&,
                           ProgressPosition, std::string&) {
    if (seed == 8) throw Interrupted();
    RunResult result;
    result.seed = seed;
    result.status = Status::kFail;
    return result;
  };
  RecordedEvents events;
  try {
    (void)run_repeats(scenario_named("race-a"), 3, PreparedGuest{}, summary, out.path(), events,
                      {1, 1, "race-a", 0, 3, ""}, fake);
    FAIL() << "the interrupt was swallowed";
  } catch (const Interrupted& interrupted) {
    EXPECT_THAT(interrupted.what(), HasSubstr("partial results in " + out.path().string()));
    EXPECT_THAT(interrupted.what(), HasSubstr((out.path() / "race-a/run-2-seed-8").string()));
  }
  const auto saved = nlohmann::json::parse(read_file(out.path() / "summary.json").value());
  const auto& runs = saved["scenarios"][0]["runs"];
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["status"], "FAIL");
  EXPECT_EQ(runs[1]["status"], "ERROR");
  EXPECT_EQ(runs[1]["seed"], 8);
  EXPECT_THAT(runs[1]["reason"].get<std::string>(), HasSubstr("interrupted"));
}

TEST(RunScenarios, BadOptionsAreUsageErrorsBeforeAnythingRuns) {
  RecordedEvents events;
  bool ran = false;
  const RunOnce never = [&](auto&&...) {
    ran = true;
    return RunResult{};
  };
  RunOptions zero_repeats;
  zero_repeats.repeat = 0;
  RunOptions bad_kernel;
  bad_kernel.guest.kernel_spec = "floppy:1.44";
  RunOptions bad_scenario;
  bad_scenario.scenarios = {"no-such-scenario"};
  for (const auto& options : {zero_repeats, bad_kernel, bad_scenario}) {
    try {
      (void)run_scenarios(options, events, never);
      ADD_FAILURE() << "no error";
    } catch (const HarnessError& error) {
      EXPECT_EQ(error.code(), ExitCode::kUsage) << error.what();
    }
  }
  EXPECT_FALSE(ran);
  EXPECT_TRUE(events.lines.empty());
}

TEST(ChooseSeed, TheGivenSeedElseOneBelowAMillion) {
  RunOptions options;
  options.seed = 1234567;
  EXPECT_EQ(choose_seed(options), 1234567u);
  options.seed.reset();
  EXPECT_LT(choose_seed(options), 1000000u);
}

TEST(RunDirName, CountsFromOneAndNamesTheSeed) { EXPECT_EQ(run_dir_name(0, 77), "run-1-seed-77"); }

TEST(ResolveScenarios, AppliesSettingsAndPerfOverridesToEveryScenario) {
  RunOptions options;
  options.scenarios = {"race-seq-bypass"};
  options.guest.settings = {"delay_write_ms=7"};
  options.perf_runtime_s = 3;
  const auto scenarios = resolve_scenarios(options);
  ASSERT_EQ(scenarios.size(), 1u);
  EXPECT_EQ(scenarios[0].settings.delay_write_ms, 7u);
  EXPECT_EQ(scenarios[0].perf.runtime_s, 3u);
}

TEST(ResolveScenarios, PowerCutsOverLoopDevicesAreRefusedNamingTheScenario) {
  RunOptions options;
  options.scenarios = {"race-seq-bypass"};
  options.guest.settings = {"devices=loop"};
  options.power_cuts.cuts = 1;
  try {
    (void)resolve_scenarios(options);
    ADD_FAILURE() << "no error";
  } catch (const HarnessError& error) {
    EXPECT_EQ(error.code(), ExitCode::kUsage);
    EXPECT_THAT(error.what(), HasSubstr("race-seq-bypass"));
    EXPECT_THAT(error.what(), HasSubstr("virtio"));
  }
}

}  // namespace
}  // namespace bh
