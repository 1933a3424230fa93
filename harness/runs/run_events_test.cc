#include "harness/runs/run_events.h"

#include <gtest/gtest.h>

namespace bh {
namespace {

const ProgressPosition kMeasure{1, 3, "race-seq-bypass", 2, 5, "measure"};

TEST(FormatPosition, NamesScenarioRunAndPhase) {
  EXPECT_EQ(format_position(kMeasure), "[1/3 race-seq-bypass run 2/5] measure");
}

TEST(FormatPosition, LeavesOutWhatIsNotKnown) {
  EXPECT_EQ(format_position({0, 0, "", 0, 0, "booting"}), "booting");
  EXPECT_EQ(format_position({2, 4, "perf-randread", 0, 0, ""}), "[2/4 perf-randread]");
  EXPECT_EQ(format_position({0, 0, "x", 1, 1, "verify"}), "[x run 1/1] verify");
  EXPECT_EQ(format_position({}), "");
}

}  // namespace
}  // namespace bh
