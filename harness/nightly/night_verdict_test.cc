#include "harness/nightly/night_verdict.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bh {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

RunRecord record(const std::string& night, const std::string& kernel, const std::string& scenario, int index,
                 const std::string& status, Json run = Json::object()) {
  run["status"] = status;
  run["seed"] = index;
  return {night, kernel, "debian:stock", "6.1.0-57-amd64", scenario, "race", index, std::uint64_t(index), status,
          run,   {}};
}

TEST(NightVerdict, AFailAfterAPassIsNewAndFlaggedFirst) {
  std::vector<RunRecord> runs = {
      record("2026-12-04", "candidate", "race-seq-bypass", 1, "PASS"),
      record("2026-12-04", "stock", "race-seq-bypass", 1, "FAIL"),
      record("2026-12-05", "candidate", "race-seq-bypass", 1, "FAIL", {{"reason", "stale 12 of 4096 blocks"}}),
      record("2026-12-05", "stock", "race-seq-bypass", 1, "FAIL")};
  const auto judgement = judge_night(runs, "2026-12-05");
  EXPECT_EQ(judgement["status"], "NEW_FAIL");
  ASSERT_EQ(judgement["new_failures"].size(), 1u) << "stock failed before: not new";
  EXPECT_EQ(judgement["new_failures"][0]["kernel"], "candidate");
  EXPECT_EQ(judgement["new_failures"][0]["previous_night"], "2026-12-04");
  EXPECT_EQ(night_exit_code(judgement), 1);
  EXPECT_THAT(judgement_text(judgement),
              HasSubstr("NEW FAIL  candidate race-seq-bypass (passed on 2026-12-04): stale 12 of 4096 blocks"));
}

TEST(NightVerdict, AFirstNightHasNothingNew) {
  const auto judgement = judge_night({record("2026-12-04", "stock", "race-seq-bypass", 1, "FAIL")}, "2026-12-04");
  EXPECT_EQ(judgement["status"], "OK");
  EXPECT_EQ(night_exit_code(judgement), 0);
  EXPECT_THAT(judgement_text(judgement), HasSubstr("nothing new"));
}

TEST(NightVerdict, ComparesWithTheLatestEarlierNightOfThatKernel) {
  std::vector<RunRecord> runs = {record("2026-12-01", "k", "s", 1, "PASS"), record("2026-12-03", "k", "s", 1, "FAIL"),
                                 record("2026-12-04", "k", "s", 1, "FAIL"),
                                 record("2026-12-04", "other", "s", 1, "PASS")};
  const auto judgement = judge_night(runs, "2026-12-04");
  EXPECT_EQ(judgement["status"], "OK") << "it failed on 12-03 already";
  EXPECT_EQ(judgement["kernels"][0]["previous_night"], "2026-12-03");
}

TEST(NightVerdict, ErrorsMakeItAnErrorUnlessSomethingIsNew) {
  std::vector<RunRecord> runs = {record("2026-12-04", "k", "s", 1, "PASS"),
                                 record("2026-12-05", "k", "s", 1, "ERROR", {{"reason", "QEMU died"}})};
  const auto judgement = judge_night(runs, "2026-12-05");
  EXPECT_EQ(judgement["status"], "ERROR");
  EXPECT_EQ(night_exit_code(judgement), 3);
  EXPECT_THAT(judgement_text(judgement), HasSubstr("QEMU died"));
  EXPECT_EQ(judge_night(runs, "2026-11-30")["status"], "ERROR") << "a night the history lacks";
}

TEST(NightVerdict, ASignificantlySlowerNightIsARegression) {
  std::vector<RunRecord> runs;
  for (int i = 1; i <= 8; ++i) {
    auto perf = [&](const char* night, double p99) {
      auto run = record(night, "k", "perf-randread", i, "PASS",
                        {{"latency_us", {{"read", {{"p50", 50.0 + i}, {"p99", p99 + i}, {"p99.9", 300.0 + i}}}}},
                         {"iops", {{"read", 1000.0 + i}}}});
      run.kind = "perf";
      return run;
    };
    runs.push_back(perf("2026-12-04", 100));
    runs.push_back(perf("2026-12-05", 200));
  }
  const auto judgement = judge_night(runs, "2026-12-05");
  EXPECT_EQ(judgement["status"], "REGRESSION") << judgement.dump(2);
  ASSERT_FALSE(judgement["regressions"].empty());
  EXPECT_EQ(judgement["regressions"][0]["metric"], "latency_us.read.p99");
  EXPECT_EQ(night_exit_code(judgement), 1);
}

TEST(NightVerdict, SummaryFromRecordsKeepsScenarioOrderAndRunIndex) {
  std::vector<RunRecord> runs = {record("n", "k", "b", 2, "PASS"), record("n", "k", "a", 1, "FAIL"),
                                 record("n", "k", "b", 1, "PASS")};
  const auto summary = summary_from_records(runs);
  ASSERT_EQ(summary["scenarios"].size(), 2u);
  EXPECT_EQ(summary["scenarios"][0]["name"], "b");
  EXPECT_EQ(summary["scenarios"][0]["runs"][0]["seed"], 1);
  EXPECT_EQ(summary["scenarios"][1]["status"], "FAIL");
  EXPECT_EQ(summary["kernel"]["release"], "6.1.0-57-amd64");
}

}  // namespace
}  // namespace bh
