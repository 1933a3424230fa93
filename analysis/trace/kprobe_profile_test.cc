#include "analysis/trace/kprobe_profile.h"

#include <gtest/gtest.h>

namespace bh::analysis {
namespace {

TEST(KprobeProfile, ReadsEachEventsHitsAndMisses) {
  const auto profile = parse_kprobe_profile(
      "  miss_collision                                             0               0\n"
      "  sectors_bypassed                                           5               2\n\n");
  ASSERT_TRUE(profile) << profile.error().message;
  ASSERT_EQ(profile.value().size(), 2u);
  EXPECT_EQ(profile.value().at("sectors_bypassed").hits, 5u);
  EXPECT_EQ(profile.value().at("sectors_bypassed").missed, 2u);
  EXPECT_EQ(profile.value().at("miss_collision").hits, 0u);
}

TEST(KprobeProfile, ALineWithoutThreeWordsOrWithoutNumbersIsAnErrorNamingIt) {
  EXPECT_EQ(parse_kprobe_profile("  pages 1 0\n  pages_ret 1\n").error().message,
            "kprobe_profile line 2: expected EVENT HITS MISSES");
  EXPECT_FALSE(parse_kprobe_profile("  pages one 0\n"));
}

}  // namespace
}  // namespace bh::analysis
