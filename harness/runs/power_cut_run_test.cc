#include "harness/runs/power_cut_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bh {
namespace {

using ::testing::HasSubstr;

PowerCutResult cut(unsigned index, std::optional<Status> status = std::nullopt, std::string reason = "") {
  PowerCutResult result;
  result.index = index;
  result.status = status;
  result.reason = std::move(reason);
  return result;
}

RunResult passing_run() {
  RunResult run;
  run.status = Status::kPass;
  return run;
}

TEST(JudgePowerCuts, AFailedCutFailsAPassingRunAndNamesTheCut) {
  auto run = passing_run();
  judge_power_cuts({cut(1, Status::kPass), cut(2, Status::kFail, "4 stale_blocks_after_power_cut")}, run);
  EXPECT_EQ(run.status, Status::kFail);
  EXPECT_EQ(run.reason, "cut 2: 4 stale_blocks_after_power_cut");
}

TEST(JudgePowerCuts, AnErroredCutIsAnErrorUnlessSomethingFailed) {
  auto run = passing_run();
  judge_power_cuts({cut(1, Status::kError, "boot: no agent")}, run);
  EXPECT_EQ(run.status, Status::kError);
  auto failing = passing_run();
  failing.status = Status::kFail;
  failing.reason = "7 stale_blocks";
  judge_power_cuts({cut(1, Status::kError, "boot: no agent")}, failing);
  EXPECT_EQ(failing.status, Status::kFail);
  EXPECT_EQ(failing.reason, "7 stale_blocks; cut 1: boot: no agent");
}

TEST(JudgePowerCuts, PassingCutsKeepAPass) {
  auto run = passing_run();
  judge_power_cuts({cut(1, Status::kPass), cut(2, Status::kPass)}, run);
  EXPECT_EQ(run.status, Status::kPass);
  EXPECT_EQ(run.reason, "");
}

TEST(JudgePowerCuts, ACutWithoutAStatusIsNeverAPass) {
  auto run = passing_run();
  judge_power_cuts({cut(1)}, run);
  EXPECT_EQ(run.status, Status::kError);
}

}  // namespace
}  // namespace bh
