#include "harness/runs/run_retry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// A fake RunOnce that writes a file into its run directory and answers the next result of
/// `results` (the last one again when they run out), counting its calls.
struct ScriptedRuns {
  std::vector<RunResult> results;
  int calls = 0;

  RunOnce run_once() {
    return [this](const Scenario&, const PreparedGuest&, std::uint64_t seed, const fs::path& run_dir, ProgressPosition,
                  std::string&) {
      fs::create_directories(run_dir);
      std::ofstream(run_dir / "attempt") << calls;
      auto result = results.at(std::min<std::size_t>(calls, results.size() - 1));
      result.seed = seed;
      ++calls;
      return result;
    };
  }
};

RunResult result_of(Status status, const std::string& reason = "", bool lost_a_measurement = false) {
  RunResult result;
  result.status = status;
  result.reason = reason;
  result.lost_a_measurement = lost_a_measurement;
  return result;
}

struct RetryTest : ::testing::Test {
  TempDir out{"run-retry-test"};
  fs::path run_dir = out.path() / "perf-a" / "run-5-seed-5";
  std::vector<std::string> said;

  RunResult run(ScriptedRuns& runs) {
    std::string used_accel;
    const auto once = retrying_lost_measurements(
        runs.run_once(), [this](const ProgressPosition&, const std::string& text) { said.push_back(text); });
    return once(Scenario{}, PreparedGuest{}, 5, run_dir, ProgressPosition{}, used_accel);
  }
};

TEST_F(RetryTest, ALostMeasurementIsMadeOnceMoreKeepingTheFirstAttempt) {
  const std::string lost = "bcache's memory: the memory trace lost 1 events";
  ScriptedRuns runs{{result_of(Status::kError, lost, true), result_of(Status::kPass)}};
  const auto result = run(runs);
  EXPECT_EQ(runs.calls, 2);
  EXPECT_EQ(result.status, Status::kPass);
  EXPECT_EQ(result.seed, 5u) << "the same seed";
  ASSERT_TRUE(result.retried);
  EXPECT_EQ(result.retried->first_attempt_dir, run_dir.string() + ".attempt-1");
  EXPECT_EQ(result.retried->first_attempt_reason, lost);
  std::ifstream first(run_dir.string() + ".attempt-1/attempt");
  std::ifstream second(run_dir / "attempt");
  int first_call = -1;
  int second_call = -1;
  first >> first_call;
  second >> second_call;
  EXPECT_EQ(first_call, 0) << "the first attempt's files are kept aside";
  EXPECT_EQ(second_call, 1) << "the second attempt has the run directory";
  ASSERT_EQ(said.size(), 1u);
  EXPECT_THAT(said[0], HasSubstr("seed 5: ERROR (" + lost + "); running it once more"));
}

TEST_F(RetryTest, OnlyOnceWhateverTheSecondAttemptSays) {
  const std::string lost = "bcache's memory: lost";
  ScriptedRuns runs{{result_of(Status::kError, lost, true)}};
  const auto result = run(runs);
  EXPECT_EQ(runs.calls, 2);
  EXPECT_EQ(result.status, Status::kError);
  EXPECT_TRUE(result.retried) << "the second attempt is the result, saying it is one";
}

TEST_F(RetryTest, PassFailSkipAndUnmarkedErrorsAreNeverRetried) {
  for (const auto& first : {result_of(Status::kPass), result_of(Status::kFail, "3 stale blocks"),
                            result_of(Status::kSkip, "no congestion"), result_of(Status::kError, "QEMU died")}) {
    ScriptedRuns runs{{first, result_of(Status::kPass)}};
    const auto result = run(runs);
    EXPECT_EQ(runs.calls, 1) << status_name(first.status);
    EXPECT_EQ(result.status, first.status);
    EXPECT_FALSE(result.retried);
  }
  EXPECT_TRUE(said.empty());
  EXPECT_FALSE(fs::exists(run_dir.string() + ".attempt-1"));
}

TEST_F(RetryTest, AFirstAttemptThatCannotBeMovedAsideKeepsItsError) {
  const std::string lost = "bcache's memory: lost";
  ScriptedRuns runs{{result_of(Status::kError, lost, true), result_of(Status::kPass)}};
  fs::create_directories(run_dir.string() + ".attempt-1/occupied");  // a non-empty directory: rename fails
  const auto result = run(runs);
  EXPECT_EQ(runs.calls, 1);
  EXPECT_EQ(result.status, Status::kError);
  EXPECT_FALSE(result.retried);
}

}  // namespace
}  // namespace bh
