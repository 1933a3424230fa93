#include "harness/core/power_cut_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bh {
namespace {

using ::testing::HasSubstr;

TEST(CutTimes, OnePerSliceOfTheMiddleEightyPercentAscending) {
  const auto times = cut_times_s(7, 5, 10.0);
  ASSERT_EQ(times.size(), 5u);
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_GE(times[i], 1.0 + 1.6 * static_cast<double>(i));
    EXPECT_LT(times[i], 1.0 + 1.6 * static_cast<double>(i + 1));
  }
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
}

TEST(CutTimes, TheSeedChoosesThePoints) {
  EXPECT_EQ(cut_times_s(7, 5, 10.0), cut_times_s(7, 5, 10.0));
  EXPECT_NE(cut_times_s(7, 5, 10.0), cut_times_s(8, 5, 10.0));
  EXPECT_TRUE(cut_times_s(7, 0, 10.0).empty());
}

TEST(CutMethodName, RoundTripsAndRejectsOthersByName) {
  for (auto method : {CutMethod::kKill, CutMethod::kSysrqB}) {
    auto parsed = parse_cut_method(cut_method_name(method));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed.value(), method);
  }
  auto bad = parse_cut_method("unplug");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("'unplug'"));
  EXPECT_THAT(bad.error().message, HasSubstr("kill or sysrq-b"));
}

RunResult passing_run() {
  RunResult run;
  run.status = Status::kPass;
  return run;
}

TEST(JudgePowerCuts, AFailedCutFailsAPassingRunAndNamesTheCut) {
  auto run = passing_run();
  judge_power_cuts({{{"index", 1}, {"status", "PASS"}},
                    {{"index", 2}, {"status", "FAIL"}, {"reason", "4 stale_blocks_after_power_cut"}}},
                   run);
  EXPECT_EQ(run.status, Status::kFail);
  EXPECT_EQ(run.reason, "cut 2: 4 stale_blocks_after_power_cut");
}

TEST(JudgePowerCuts, AnErroredCutIsAnErrorUnlessSomethingFailed) {
  auto run = passing_run();
  judge_power_cuts({{{"index", 1}, {"status", "ERROR"}, {"reason", "boot: no agent"}}}, run);
  EXPECT_EQ(run.status, Status::kError);
  auto failing = passing_run();
  failing.status = Status::kFail;
  failing.reason = "7 stale_blocks";
  judge_power_cuts({{{"index", 1}, {"status", "ERROR"}, {"reason", "boot: no agent"}}}, failing);
  EXPECT_EQ(failing.status, Status::kFail);
  EXPECT_EQ(failing.reason, "7 stale_blocks; cut 1: boot: no agent");
}

TEST(JudgePowerCuts, PassingCutsKeepAPass) {
  auto run = passing_run();
  judge_power_cuts({{{"index", 1}, {"status", "PASS"}}, {{"index", 2}, {"status", "PASS"}}}, run);
  EXPECT_EQ(run.status, Status::kPass);
  EXPECT_EQ(run.reason, "");
}

TEST(JudgePowerCuts, ACutWithoutAStatusIsNeverAPass) {
  auto run = passing_run();
  judge_power_cuts({{{"index", 1}}}, run);
  EXPECT_EQ(run.status, Status::kError);
}

}  // namespace
}  // namespace bh
