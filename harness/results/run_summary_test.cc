#include "harness/results/run_summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bh {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RunResult run_with(Status status, std::uint64_t stale, std::uint64_t seed = 1) {
  RunResult run;
  run.seed = seed;
  run.status = status;
  analysis::BlockClassification blocks;
  blocks.blocks_checked = 4096;
  blocks.stale_blocks = stale;
  blocks.stale_examples = {{172032, 2, 1, 0}};
  run.verification = blocks;
  run.timing_s = {{"boot", 5.1}, {"race", 8.0}};
  return run;
}

TEST(Combine, FailBeatsErrorBeatsSkipBeatsPass) {
  EXPECT_EQ(combine({Status::kPass, Status::kError, Status::kFail}), Status::kFail);
  EXPECT_EQ(combine({Status::kPass, Status::kError}), Status::kError);
  EXPECT_EQ(combine({Status::kSkip, Status::kSkip}), Status::kSkip);
  EXPECT_EQ(combine({Status::kSkip, Status::kPass}), Status::kPass);
  EXPECT_EQ(combine({}), Status::kError) << "nothing ran is never a PASS";
}

TEST(ExitCode, FollowsTheContract) {
  EXPECT_EQ(exit_code_for(Status::kPass), 0);
  EXPECT_EQ(exit_code_for(Status::kSkip), 0);
  EXPECT_EQ(exit_code_for(Status::kFail), 1);
  EXPECT_EQ(exit_code_for(Status::kError), 3);
}

TEST(SummaryJson, HasTheContractFieldNames) {
  RunSummary summary{
      "tcg", 1234, "debian:stock", "6.1.0-56-amd64", {{"race-seq-bypass", {run_with(Status::kFail, 7, 1234)}}}};
  const auto json = to_json(summary);
  EXPECT_EQ(json["schema"], 1);
  EXPECT_EQ(json["status"], "FAIL");
  EXPECT_EQ(json["accel"], "tcg");
  EXPECT_EQ(json["seed"], 1234);
  EXPECT_EQ(json["kernel"]["spec"], "debian:stock");
  EXPECT_EQ(json["kernel"]["release"], "6.1.0-56-amd64");
  const auto& run = json["scenarios"][0]["runs"][0];
  EXPECT_EQ(json["scenarios"][0]["name"], "race-seq-bypass");
  EXPECT_EQ(json["scenarios"][0]["status"], "FAIL");
  EXPECT_EQ(run["seed"], 1234);
  EXPECT_EQ(run["status"], "FAIL");
  EXPECT_EQ(run["blocks_checked"], 4096);
  EXPECT_EQ(run["stale_blocks"], 7);
  EXPECT_EQ(run["lost_writes"], 0);
  EXPECT_EQ(run["torn_blocks"], 0);
  EXPECT_EQ(run["misplaced_blocks"], 0);
  EXPECT_EQ(run["stale_examples"][0]["offset"], 172032);
  EXPECT_EQ(run["timing_s"]["boot"], 5.1);
}

TEST(SettleErrors, AFailKeepsItsErrorsBesideItAndAnythingElseWithErrorsIsAnError) {
  std::vector<std::string> errors{"power-off: the guest did not power off within 60 s"};
  Status status = Status::kFail;
  std::string reason = "7 stale_blocks";
  settle_errors(status, reason, errors);
  EXPECT_EQ(status, Status::kFail);
  EXPECT_EQ(reason, "7 stale_blocks");
  EXPECT_EQ(errors.size(), 1u);

  status = Status::kPass;
  reason.clear();
  settle_errors(status, reason, errors);
  EXPECT_EQ(status, Status::kError);
  EXPECT_EQ(reason, errors.front());

  std::vector<std::string> none;
  status = Status::kError;
  reason = "not exercised: 0 race windows";
  settle_errors(status, reason, none);
  EXPECT_EQ(none, std::vector<std::string>{"not exercised: 0 race windows"}) << "an ERROR's reason is an error";
  status = Status::kSkip;
  reason = "no such knob";
  std::vector<std::string> still_none;
  settle_errors(status, reason, still_none);
  EXPECT_EQ(status, Status::kSkip);
}

TEST(SummaryJson, ErrorsAreListedBesideAFail) {
  auto run = run_with(Status::kFail, 7, 1);
  run.errors = {"verify: timed out"};
  const auto json = to_json(run);
  EXPECT_EQ(json["status"], "FAIL");
  EXPECT_EQ(json["errors"], nlohmann::json::array({"verify: timed out"}));
  EXPECT_EQ(to_json(run_with(Status::kPass, 0, 1))["errors"], nlohmann::json::array());
  EXPECT_NE(run_line(run).find("; and 1 harness error: verify: timed out"), std::string::npos) << run_line(run);
}

TEST(SummaryJson, ASecondAttemptSaysWhereTheFirstIsAndWhyItWasAnError) {
  auto run = run_with(Status::kPass, 0, 5);
  run.lost_a_measurement = true;
  EXPECT_FALSE(to_json(run).contains("retried")) << "a run made once has no retried";
  EXPECT_FALSE(to_json(run).contains("lost_a_measurement"));
  run.retried = RetriedAttempt{"/out/perf/run-5-seed-5.attempt-1", "bcache's memory: lost 1 events"};
  const auto json = to_json(run);
  EXPECT_EQ(json["retried"]["first_attempt_dir"], "/out/perf/run-5-seed-5.attempt-1");
  EXPECT_EQ(json["retried"]["first_attempt_reason"], "bcache's memory: lost 1 events");
  EXPECT_THAT(run_line(run), HasSubstr("second attempt (the first was an ERROR: bcache's memory: lost 1 events)"));
}

TEST(HumanSummary, OneLinePerScenarioWithStatusAndStaleCounts) {
  RunSummary summary{
      "tcg",
      1,
      "debian:stock",
      "6.1.0-56-amd64",
      {{"race-seq-bypass",
        {run_with(Status::kFail, 150, 1), run_with(Status::kFail, 240, 2), run_with(Status::kFail, 200, 3)}},
       {"control-disjoint", {run_with(Status::kPass, 0)}}}};
  const auto text = render_human_summary(summary, "/out");
  EXPECT_THAT(text, HasSubstr("FAIL  race-seq-bypass"));
  EXPECT_THAT(text, HasSubstr("min 150, median 200, max 240"));
  EXPECT_THAT(text, HasSubstr("PASS  control-disjoint"));
  summary.scenarios[0].runs.pop_back();
  EXPECT_THAT(render_human_summary(summary, "/out"), HasSubstr("min 150, median 195, max 240"))
      << "an even count's median is the mean of the middle two";
  EXPECT_THAT(text, HasSubstr("/out/summary.json"));
}

TEST(HumanSummary, SkipAndErrorShowTheirReason) {
  RunResult skipped;
  skipped.status = Status::kSkip;
  skipped.reason = "congested_read_threshold_us does not exist on this kernel";
  RunSummary summary{"tcg", 1, "debian:stock", "6.12", {{"race-congestion", {skipped}}}};
  EXPECT_THAT(render_human_summary(summary, "/out"), HasSubstr("SKIP  race-congestion"));
  EXPECT_THAT(render_human_summary(summary, "/out"), HasSubstr("does not exist"));
  EXPECT_EQ(summary.status(), Status::kSkip);
}

PowerCutResult cut_with(Status status, std::uint64_t stale, bool registered = true) {
  PowerCutResult cut;
  cut.index = 1;
  cut.at_s = 3.42;
  cut.method = "kill";
  cut.registered = registered;
  cut.status = status;
  cut.timing_s = {{"boot", 5.0}, {"race", 3.0}};
  if (registered) {
    cut.verification = analysis::PowerCutClassification{};
    cut.verification->blocks_checked = 4096;
    cut.verification->acknowledged_writes = 64;
    cut.verification->stale_blocks_after_power_cut = stale;
  }
  return cut;
}

TEST(SummaryJson, CarriesEachRunsPowerCuts) {
  auto run = run_with(Status::kFail, 7);
  run.power_cuts = {cut_with(Status::kFail, 4)};
  RunSummary summary{"tcg", 1, "debian:stock", "6.1.0-56-amd64", {{"race-seq-bypass", {run}}}};
  const auto cuts = to_json(summary)["scenarios"][0]["runs"][0]["power_cuts"];
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0]["at_s"], 3.42);
  EXPECT_EQ(cuts[0]["method"], "kill");
  EXPECT_EQ(cuts[0]["acknowledged_writes"], 64);
  EXPECT_EQ(cuts[0]["stale_blocks_after_power_cut"], 4);
  EXPECT_EQ(cuts[0]["torn_blocks"], 0);
  EXPECT_EQ(cuts[0]["registered"], true);
  RunSummary without{"tcg", 1, "debian:stock", "6.1.0-56-amd64", {{"race-seq-bypass", {run_with(Status::kPass, 0)}}}};
  EXPECT_TRUE(to_json(without)["scenarios"][0]["runs"][0]["power_cuts"].empty());
}

TEST(HumanSummary, SeparatesStaleAtRunTimeFromStaleAfterPowerCuts) {
  auto run = run_with(Status::kFail, 7);
  run.power_cuts = {cut_with(Status::kFail, 4), cut_with(Status::kPass, 0), cut_with(Status::kFail, 10),
                    cut_with(Status::kFail, 0, false)};
  RunSummary summary{"tcg", 1, "debian:stock", "6.1.0-56-amd64", {{"race-seq-bypass", {run}}}};
  const auto text = render_human_summary(summary, "/tmp/out");
  EXPECT_THAT(text, HasSubstr("run time: stale 7 of 4096 blocks"));
  EXPECT_THAT(text, HasSubstr("after power cuts: stale 14 in 2 of 4 cuts (per cut: min 0, median 4, max 10)"));
  EXPECT_THAT(text, HasSubstr("not registered 1"));
  EXPECT_THAT(text, HasSubstr("45.1 s")) << "13.1 s of the run and 8 s per cut";
}

}  // namespace
}  // namespace bh

namespace bh {
namespace {

RunResult perf_run(double read_iops, double p99_us, std::int64_t slab_kib) {
  RunResult run;
  run.status = Status::kPass;
  run.metrics["iops"] = {{"read", read_iops}};
  run.metrics["latency_us"] = {{"read", {{"p99", p99_us}}}};
  run.metrics["memory_kib"] = {{"meminfo", {{"Slab", {{"peak_minus_baseline_kib", slab_kib}}}}}};
  return run;
}

TEST(HumanSummary, PerfScenariosShowMedianIopsLatencyAndSlabGrowth) {
  ScenarioResult scenario{
      "perf-randread", {perf_run(100, 900, 12), perf_run(300, 1100, 40), perf_run(200, 1000, 20)}, "perf"};
  RunSummary summary{"tcg", 1, "debian:stock", "6.1.0-56-amd64", {scenario}};
  const auto text = render_human_summary(summary, "/tmp/out");
  EXPECT_THAT(text, HasSubstr("PASS  perf-randread"));
  EXPECT_THAT(text, HasSubstr("read 200 IOPS p99 1000 us; Slab +20 KiB (medians of 3 runs)"));
  EXPECT_THAT(text, Not(HasSubstr("write"))) << "a direction without I/O is left out";
  EXPECT_THAT(text, Not(HasSubstr("stale")));
  EXPECT_EQ(to_json(summary)["scenarios"][0]["kind"], "perf");
}

TEST(HumanSummary, APerfScenarioWithoutMeasurementsSaysSo) {
  RunResult run;
  run.status = Status::kPass;
  RunSummary summary{"tcg", 1, "debian:stock", "6.1", {{"perf-randrw", {run}, "perf"}}};
  EXPECT_THAT(render_human_summary(summary, "/tmp/out"), HasSubstr("no measurements"));
}

}  // namespace
}  // namespace bh
