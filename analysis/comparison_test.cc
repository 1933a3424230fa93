#include "analysis/comparison.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bh::analysis {
namespace {

using Json = nlohmann::json;
using ::testing::AllOf;
using ::testing::HasSubstr;

/// A PASS perf run with read p99 `p99` µs and read IOPS `iops`.
Json perf_run(double p99, double iops, std::string status = "PASS") {
  return {{"seed", 1},
          {"status", status},
          {"latency_us", {{"read", {{"p50", p99 / 4}, {"p99", p99}, {"p99.9", p99 * 2}}}}},
          {"iops", {{"read", iops}}},
          {"console_findings", Json::array()},
          {"power_cuts", Json::array()}};
}

/// `n` PASS runs whose read p99 is `p99` plus a small spread and whose IOPS are `iops`.
std::vector<Json> runs(int n, double p99, double iops) {
  std::vector<Json> list;
  for (int i = 0; i < n; ++i) list.push_back(perf_run(p99 * (1 + 0.002 * (i - n / 2)), iops));
  return list;
}

Json summary(const std::string& spec, std::vector<Json> runs, const std::string& scenario = "perf-randread") {
  return {{"schema", 1},
          {"status", "PASS"},
          {"kernel", {{"spec", spec}, {"release", spec + "-release"}}},
          {"scenarios", {{{"name", scenario}, {"kind", "perf"}, {"status", "PASS"}, {"runs", runs}}}}};
}

Json metric(const Json& comparison, const std::string& name) {
  for (const auto& m : comparison["scenarios"][0]["metrics"]) {
    if (m["name"] == name) return m;
  }
  return Json();
}

Json compare(const Json& baseline, const Json& candidate, const ComparisonOptions& options = {}) {
  auto result = compare_summaries(baseline, candidate, options);
  EXPECT_TRUE(result) << result.error().message;
  return result ? result.value() : Json();
}

Json with_memory(Json run, std::uint64_t baseline, std::uint64_t peak) {
  run["backing_bytes"] = 8ull << 40;
  run["bcache_memory"] = {{"baseline_bytes", baseline},
                          {"peak_bytes", peak},
                          {"peak_minus_baseline_bytes", peak - baseline},
                          {"held_at_end_bytes", baseline}};
  return run;
}

TEST(CompareSummaries, BcachesOwnMemoryIsADifferenceInBytesWithItsRangeAndPerTib) {
  const auto base = summary("debian:stock", {with_memory(perf_run(1000, 500), 2'257'516, 2'323'052),
                                             with_memory(perf_run(1000, 500), 2'257'516, 2'323'052)});
  const auto cand = summary("module:x", {with_memory(perf_run(1000, 500), 2'259'564, 2'325'132),
                                         with_memory(perf_run(1000, 500), 2'259'564, 2'325'228)});
  const Json memory = compare(base, cand)["scenarios"][0]["bcache_memory"];
  ASSERT_EQ(memory.size(), 4u);
  EXPECT_EQ(memory[0]["name"], "baseline_bytes");
  EXPECT_DOUBLE_EQ(memory[0]["difference_bytes"].get<double>(), 2048);
  EXPECT_DOUBLE_EQ(memory[0]["difference_bytes_per_tib"].get<double>(), 256);  // 2,048 B over 8 TiB
  EXPECT_EQ(memory[1]["candidate"]["min"], 2'325'132);
  EXPECT_EQ(memory[1]["difference_range_bytes"], Json::array({2080, 2176}));
  EXPECT_FALSE(compare(summary("a", runs(3, 100, 10)), summary("b", runs(3, 100, 10)))["scenarios"][0].contains(
      "bcache_memory"));
}

TEST(CompareSummaries, TheSameNumbersOnBothSidesPass) {
  const auto base = summary("debian:stock", {perf_run(1000, 500), perf_run(1100, 510), perf_run(900, 490)});
  const auto cand = summary("module:x@debian:stock", {perf_run(1000, 500), perf_run(1100, 510), perf_run(900, 490)});
  const Json result = compare(base, cand);
  EXPECT_EQ(result["status"], "PASS");
  EXPECT_EQ(result["baseline"]["spec"], "debian:stock");
  EXPECT_EQ(result["candidate"]["release"], "module:x@debian:stock-release");
  EXPECT_EQ(metric(result, "latency_us.read.p99")["verdict"], "no_change");
  EXPECT_DOUBLE_EQ(metric(result, "latency_us.read.p99")["ratio"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(result["geometric_mean"]["worse_if_above_one"].get<double>(), 1.0);
  EXPECT_EQ(metric(result, "latency_us.write.p99"), Json()) << "no direction measured, no row";
}

TEST(CompareSummaries, DoubledLatencyIsARegressionNamingTheMetric) {
  const Json result = compare(summary("a", runs(6, 1000, 500)), summary("b", runs(6, 2000, 500)));
  EXPECT_EQ(result["status"], "REGRESSION");
  EXPECT_THAT(result["reason"].get<std::string>(), HasSubstr("perf-randread: latency_us.read.p99"));
  const Json p99 = metric(result, "latency_us.read.p99");
  EXPECT_EQ(p99["verdict"], "regression");
  // Exact Mann-Whitney for complete separation of 6 and 6: 2 / C(12, 6) = 2 / 924; Holm
  // over the 4 metrics with p-values (p50, p99, p99.9 at 2/924; iops at 1) multiplies the
  // smallest by 4 and keeps the running maximum: 3 x 2/924 for the third, the largest kept.
  EXPECT_NEAR(p99["p_value"].get<double>(), 2.0 / 924, 1e-12);
  EXPECT_NEAR(p99["p_adjusted"].get<double>(), 4 * 2.0 / 924, 1e-12);
  EXPECT_EQ(metric(result, "iops.read")["verdict"], "no_change");
  EXPECT_EQ(compare_exit_code(result["status"].get<std::string>()), 1);
}

TEST(CompareSummaries, ThreeRunsASideCannotFlagAChange) {
  // The interval excludes 1 and the change is 100%, but exact Mann-Whitney p is 2/20 = 0.1
  // with 3 runs a side, above 0.05 before any adjustment.
  const Json result = compare(summary("a", runs(3, 1000, 500)), summary("b", runs(3, 2000, 500)));
  EXPECT_EQ(result["status"], "PASS");
  const Json p99 = metric(result, "latency_us.read.p99");
  EXPECT_EQ(p99["verdict"], "no_change");
  EXPECT_THAT(p99["note"].get<std::string>(), HasSubstr("regression by the interval"));
  EXPECT_GT(p99["ci_low"].get<double>(), 1.0);
}

TEST(CompareSummaries, AThresholdOverrideDecidesASmallChange) {
  const auto base = summary("a", runs(6, 1000, 500));
  const auto cand = summary("b", runs(6, 1030, 500));
  EXPECT_EQ(compare(base, cand)["status"], "PASS") << "3% is under the default 5%";
  ComparisonOptions strict;
  ASSERT_TRUE(add_threshold(strict, "latency_us.read.p99=2"));
  const Json result = compare(base, cand, strict);
  EXPECT_EQ(result["status"], "REGRESSION");
  EXPECT_DOUBLE_EQ(metric(result, "latency_us.read.p99")["threshold"].get<double>(), 0.02);
}

TEST(CompareSummaries, StaleBlocksOnTheCandidateFailWhateverTheMetrics) {
  auto stale_run = perf_run(1000, 500, "FAIL");
  stale_run["stale_blocks"] = 7;
  auto cut_run = perf_run(1000, 500, "FAIL");
  cut_run["power_cuts"] = {{{"stale_blocks_after_power_cut", 3}}};
  const auto base = summary("a", {perf_run(1000, 500), perf_run(1000, 500), perf_run(1000, 500)});
  const auto cand = summary("b", {stale_run, cut_run, perf_run(1000, 500)});
  const Json result = compare(base, cand);
  EXPECT_EQ(result["status"], "FAIL");
  EXPECT_THAT(result["reason"].get<std::string>(), HasSubstr("candidate served 7 stale blocks"));
  EXPECT_THAT(result["reason"].get<std::string>(), HasSubstr("3 stale blocks after power cuts"));
  EXPECT_EQ(result["scenarios"][0]["candidate"]["stale_blocks"], 7);
  EXPECT_EQ(result["scenarios"][0]["candidate"]["power_cuts"], 1);
}

TEST(CompareSummaries, StaleBlocksOnTheBaselineAloneAreNotTheCandidatesFailure) {
  auto stale_run = perf_run(1000, 500, "FAIL");
  stale_run["stale_blocks"] = 150;
  const auto base = summary("a", {stale_run});
  const auto cand = summary("b", {perf_run(1000, 500)});
  const Json result = compare(base, cand);
  EXPECT_EQ(result["status"], "PASS");
  EXPECT_EQ(result["scenarios"][0]["baseline"]["stale_blocks"], 150);
}

TEST(CompareSummaries, AnOopsOnTheCandidateFails) {
  auto oops = perf_run(1000, 500, "FAIL");
  oops["console_findings"] = {"BUG: kernel NULL pointer dereference"};
  const Json result = compare(summary("a", {perf_run(1000, 500)}), summary("b", {oops}));
  EXPECT_EQ(result["status"], "FAIL");
  EXPECT_THAT(result["reason"].get<std::string>(), HasSubstr("complained on the console"));
}

TEST(CompareSummaries, FewerThanThreeRunsGiveNoVerdictAndNoRegression) {
  const Json result = compare(summary("a", {perf_run(1000, 500)}), summary("b", {perf_run(5000, 100)}));
  EXPECT_EQ(result["status"], "PASS");
  const Json p99 = metric(result, "latency_us.read.p99");
  EXPECT_EQ(p99["verdict"], "too_few_runs");
  EXPECT_DOUBLE_EQ(p99["candidate_median"].get<double>(), 5000);
  EXPECT_EQ(p99["baseline_runs"], 1);
}

TEST(CompareSummaries, AnErrorRunOrAMissingScenarioIsAnError) {
  const Json errored = compare(summary("a", {perf_run(1000, 500)}), summary("b", {perf_run(1000, 500, "ERROR")}));
  EXPECT_EQ(errored["status"], "ERROR");
  EXPECT_THAT(errored["reason"].get<std::string>(), HasSubstr("a candidate run is an ERROR"));
  const Json missing = compare(summary("a", {perf_run(1000, 500)}), summary("b", {perf_run(1000, 500)}, "perf-randrw"));
  EXPECT_EQ(missing["status"], "ERROR");
  EXPECT_THAT(missing["reason"].get<std::string>(), HasSubstr("perf-randread: no runs on the candidate"));
  EXPECT_EQ(compare_exit_code("ERROR"), 3);
}

TEST(CompareSummaries, ANonSummaryIsAnError) {
  auto result = compare_summaries(Json::object(), summary("b", {}), {});
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("baseline summary"));
}

TEST(AddThreshold, RejectsUnknownMetricsAndBadNumbers) {
  ComparisonOptions options;
  auto unknown = add_threshold(options, "latency.p99=5");
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, AllOf(HasSubstr("unknown metric 'latency.p99'"), HasSubstr("iops.read")));
  EXPECT_FALSE(add_threshold(options, "iops.read=fast"));
  EXPECT_FALSE(add_threshold(options, "iops.read"));
  EXPECT_FALSE(add_threshold(options, "iops.read=-1"));
  ASSERT_TRUE(add_threshold(options, "iops.read=12.5"));
  EXPECT_DOUBLE_EQ(options.thresholds.at("iops.read"), 0.125);
  EXPECT_EQ(compare_exit_code("PASS"), 0);
}

}  // namespace
}  // namespace bh::analysis
