#include "guest/agent/fio_cut.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "guest/agent/fake_guest_system.h"
#include "protocol/base64.h"

namespace bh::agent {
namespace {

using std::chrono::milliseconds;

class FioCutTriggerTest : public ::testing::Test {
 protected:
  FioCutTriggerTest() { system_.dirs.insert("/run/f"); }
  FakeGuestSystem system_;
  FioCutTrigger cut_{system_, "/run/f", milliseconds(2500)};
};

TEST_F(FioCutTriggerTest, AsksFioToWatchTheTriggerFileAndMarkItsSavedState) {
  EXPECT_EQ(cut_.fio_args(),
            (std::vector<std::string>{"--trigger-file=/run/f/bh-cut-trigger", "--trigger=touch /run/f/bh-cut-saved"}));
}

TEST_F(FioCutTriggerTest, CreatesTheTriggerFileOnceItsTimeHasCome) {
  cut_.tick(2.4);
  EXPECT_FALSE(system_.files.contains("/run/f/bh-cut-trigger"));
  cut_.tick(2.51);
  cut_.tick(2.6);
  EXPECT_TRUE(system_.files.contains("/run/f/bh-cut-trigger"));
  EXPECT_EQ(std::count(system_.writes.begin(), system_.writes.end(), "/run/f/bh-cut-trigger=cut\n"), 1);
  EXPECT_DOUBLE_EQ(cut_.report()["trigger_at_s"].get<double>(), 2.51);
}

TEST_F(FioCutTriggerTest, StateCountsAsSavedOnlyAfterItsOwnTriggerAndFiosMarker) {
  system_.files["/run/f/bh-cut-saved"] = "";
  EXPECT_FALSE(cut_.state_saved()) << "a marker without a trigger is not this cut's";
  cut_.tick(3.0);
  EXPECT_TRUE(cut_.state_saved());
  system_.files.erase("/run/f/bh-cut-saved");
  EXPECT_FALSE(cut_.state_saved());
}

TEST_F(FioCutTriggerTest, ReportsEveryVerifyStateFileAsBase64) {
  cut_.tick(3.0);
  system_.files["/run/f/bh-cut-saved"] = "";
  system_.files["/run/f/local-writer-0-verify.state"] = std::string("\x03\x00\xff", 3);
  system_.files["/run/f/local-reader-1-verify.state"] = "r";
  system_.files["/run/f/fio.json"] = "{}";
  const auto report = cut_.report();
  EXPECT_EQ(report["after_ms"], 2500);
  EXPECT_EQ(report["fired"], true);
  ASSERT_EQ(report["verify_states"].size(), 2u);
  EXPECT_EQ(protocol::base64_decode(report["verify_states"]["local-writer-0-verify.state"].get<std::string>()).value(),
            std::string("\x03\x00\xff", 3));
}

TEST_F(FioCutTriggerTest, ANeverFiredCutSaysSo) {
  const auto report = cut_.report();
  EXPECT_EQ(report["fired"], false);
  EXPECT_FALSE(report.contains("trigger_at_s"));
  EXPECT_TRUE(report["verify_states"].empty());
}

}  // namespace
}  // namespace bh::agent
