#include "harness/cli/progress.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <thread>

namespace bh::cli {
namespace {
using namespace std::chrono_literals;

const ProgressPosition kMeasure{1, 3, "race-seq-bypass", 2, 5, "measure"};

TEST(FormatElapsed, UsesTheLargestUnitNeeded) {
  EXPECT_EQ(format_elapsed(0s), "0s");
  EXPECT_EQ(format_elapsed(45s), "45s");
  EXPECT_EQ(format_elapsed(83s), "1m23s");
  EXPECT_EQ(format_elapsed(63s), "1m03s");
  EXPECT_EQ(format_elapsed(7509s), "2h05m09s");
}

TEST(FormatPlainLine, KeepsTheOldLayout) {
  EXPECT_EQ(format_plain_line(12.34, "booting"), "[  12.3s] booting");
  EXPECT_EQ(format_plain_line(1234.5, "x"), "[1234.5s] x");
}

TEST(FormatStatusLine, AddsTheElapsedTime) {
  EXPECT_EQ(format_status_line(kMeasure, 83s), "[1/3 race-seq-bypass run 2/5] measure  1m23s");
}

TEST(FormatStatusLine, CutsThePositionToFitTheTerminal) {
  const auto line = format_status_line(kMeasure, 83s, 30);
  EXPECT_EQ(line, "[1/3 race-seq-bypas...  1m23s");
  EXPECT_EQ(line.size(), 29u);
  EXPECT_EQ(format_status_line(kMeasure, 83s, 200), "[1/3 race-seq-bypass run 2/5] measure  1m23s");
}

/// The text of everything written, with the time prefixes made fixed.
std::string without_times(const std::string& text) {
  return std::regex_replace(std::regex_replace(text, std::regex(R"(\[ *[0-9]+\.[0-9]s\])"), "[T]"),
                            std::regex(R"(  [0-9]+s)"), "  E");
}

TEST(Progress, PlainLinesSayAndPrintEachNewPositionOnce) {
  std::ostringstream out;
  {
    Progress progress(out, ProgressStyle::kPlainLines);
    progress.say("booting 6.1.0");
    progress.update(kMeasure);
    progress.update(kMeasure);
    auto verify = kMeasure;
    verify.phase = "verify";
    progress.update(verify);
  }
  EXPECT_TRUE(std::regex_match(out.str().substr(0, 10), std::regex(R"(\[   0\.[0-9]s\] )"))) << out.str();
  EXPECT_EQ(without_times(out.str()),
            "[T] booting 6.1.0\n"
            "[T] [1/3 race-seq-bypass run 2/5] measure\n"
            "[T] [1/3 race-seq-bypass run 2/5] verify\n");
}

TEST(Progress, StatusLineIsRewrittenInPlaceAndSayGoesAboveIt) {
  std::ostringstream out;
  Progress progress(out, ProgressStyle::kStatusLine, 0, 1h);
  progress.say("first");
  progress.update(kMeasure);
  progress.say("second");
  progress.finish();
  EXPECT_EQ(without_times(out.str()),
            "[T] first\n"
            "\r[1/3 race-seq-bypass run 2/5] measure  E\x1b[K"
            "\r\x1b[K[T] second\n"
            "[1/3 race-seq-bypass run 2/5] measure  E\x1b[K"
            "\r\x1b[K");
}

TEST(Progress, DestructorClearsTheStatusLine) {
  std::ostringstream out;
  {
    Progress progress(out, ProgressStyle::kStatusLine, 0, 1h);
    progress.update(kMeasure);
  }
  EXPECT_TRUE(out.str().ends_with("\r\x1b[K")) << out.str();
  EXPECT_EQ(without_times(out.str()), "\r[1/3 race-seq-bypass run 2/5] measure  E\x1b[K\r\x1b[K");
}

TEST(Progress, NoStatusLineNoClearing) {
  std::ostringstream out;
  {
    Progress progress(out, ProgressStyle::kStatusLine, 0, 1h);
    progress.say("only");
  }
  EXPECT_EQ(without_times(out.str()), "[T] only\n");
}

TEST(Progress, RefreshesTheStatusLineWhileShown) {
  std::ostringstream out;
  Progress progress(out, ProgressStyle::kStatusLine, 0, 5ms);
  progress.update({0, 0, "", 0, 0, "waiting"});
  std::this_thread::sleep_for(200ms);
  progress.finish();  // joins the refresh thread: `out` is ours again
  const std::string drawn = "\rwaiting  E\x1b[K";
  EXPECT_TRUE(without_times(out.str()).starts_with(drawn + drawn)) << out.str();
  EXPECT_TRUE(out.str().ends_with("\r\x1b[K"));
}

TEST(Progress, PlainLinesNeverRefresh) {
  std::ostringstream out;
  Progress progress(out, ProgressStyle::kPlainLines, 0, 1ms);
  progress.update({0, 0, "", 0, 0, "waiting"});
  std::this_thread::sleep_for(30ms);
  progress.finish();
  EXPECT_EQ(without_times(out.str()), "[T] waiting\n");
}

}  // namespace
}  // namespace bh::cli
