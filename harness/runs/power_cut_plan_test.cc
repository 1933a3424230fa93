#include "harness/runs/power_cut_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

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

}  // namespace
}  // namespace bh
