#include "harness/runs/race_verdict.h"

#include <gtest/gtest.h>

namespace bh {
namespace {

Scenario race_scenario() {
  Scenario scenario;
  scenario.kind = ScenarioKind::kRace;
  scenario.expected_stale = ExpectedStale::kSome;
  scenario.min_race_windows = 50;
  return scenario;
}

Scenario control_scenario() {
  Scenario scenario;
  scenario.kind = ScenarioKind::kControl;
  scenario.expected_stale = ExpectedStale::kNone;
  return scenario;
}

RunResult run_with(std::uint64_t stale, RaceEvidenceResult evidence) {
  RunResult run;
  analysis::BlockClassification blocks;
  blocks.blocks_checked = 4096;
  blocks.stale_blocks = stale;
  run.verification = blocks;
  run.race_evidence = evidence;
  return run;
}

RaceEvidenceResult evidence(std::uint64_t bypass, std::uint64_t misses, std::uint64_t windows,
                            std::uint64_t stale_inserts = 0) {
  RaceEvidenceResult result;
  result.writer_writes = 128;
  result.bypass_writes = bypass;
  result.read_misses = misses;
  result.race_windows = windows;
  result.stale_inserts = stale_inserts;
  result.min_race_windows = 50;
  return result;
}

TEST(JudgeRaceRun, StaleBlocksFailWhateverTheEvidence) {
  auto run = run_with(37, evidence(128, 900, 3, 3));
  judge_race_run(run, race_scenario());
  EXPECT_EQ(run.status, Status::kFail);
  EXPECT_EQ(run.reason, "37 stale_blocks");
  EXPECT_EQ(run.exercised, true);
}

TEST(JudgeRaceRun, ACleanRaceWithEnoughWindowsPasses) {
  auto run = run_with(0, evidence(128, 900, 412));
  judge_race_run(run, race_scenario());
  EXPECT_EQ(run.status, Status::kPass);
  EXPECT_EQ(run.reason, "");
  EXPECT_EQ(run.exercised, true);
  EXPECT_EQ(run_line(run), "PASS stale 0 of 4096; 412 race windows, all closed");
}

TEST(JudgeRaceRun, ACleanRaceThatNeverRacedIsAnErrorNamingThePrecondition) {
  auto no_bypass = run_with(0, evidence(0, 900, 0));
  judge_race_run(no_bypass, race_scenario());
  EXPECT_EQ(no_bypass.status, Status::kError);
  EXPECT_EQ(no_bypass.exercised, false);
  EXPECT_EQ(no_bypass.reason.rfind("not exercised: bcache bypassed none of the writer's 128 writes", 0), 0u)
      << no_bypass.reason;
  auto no_miss = run_with(0, evidence(128, 0, 0));
  judge_race_run(no_miss, race_scenario());
  EXPECT_EQ(no_miss.reason.rfind("not exercised: no read missed the cache", 0), 0u) << no_miss.reason;
  auto few = run_with(0, evidence(128, 900, 49));
  judge_race_run(few, race_scenario());
  EXPECT_EQ(few.status, Status::kError);
  EXPECT_EQ(few.reason.rfind("not exercised: 49 race windows", 0), 0u) << few.reason;
  EXPECT_NE(few.reason.find("min_race_windows 50"), std::string::npos);
}

TEST(JudgeRaceRun, AScenarioWhoseBypassNoSettingForcesSkipsWithTheMeasuredCounts) {
  auto scenario = race_scenario();
  scenario.skip_when_not_exercised = true;
  auto counts = evidence(120, 884, 5);
  counts.bypass_by_reason = {{"congested", 120}};
  counts.bypassed_read_misses = 23555;
  auto few = run_with(0, counts);
  judge_race_run(few, scenario);
  EXPECT_EQ(few.status, Status::kSkip);
  EXPECT_EQ(few.exercised, false);
  EXPECT_EQ(few.reason,
            "not exercised: 5 race windows (read misses overlapping a bypass write in flight), fewer than "
            "min_race_windows 50 (120 of 128 writer writes bypassed, 120 congested; 884 read misses in the written "
            "range, 23555 more bypassed (never inserted))");
  auto stale = run_with(4, counts);  // stale data is a finding whatever the scenario says
  judge_race_run(stale, scenario);
  EXPECT_EQ(stale.status, Status::kFail);
  auto lost = counts;
  lost.lost_events = 3;
  auto lossy = run_with(0, lost);  // a harness problem is never skipped
  judge_race_run(lossy, scenario);
  EXPECT_EQ(lossy.status, Status::kError);
}

TEST(JudgeRaceRun, LostTraceEventsMakeACleanRunAnError) {
  auto lost = evidence(128, 900, 412);
  lost.lost_events = 3;
  auto run = run_with(0, lost);
  judge_race_run(run, race_scenario());
  EXPECT_EQ(run.status, Status::kError);
  EXPECT_NE(run.reason.find("lost 3 bcache events"), std::string::npos);
  EXPECT_FALSE(run.exercised.has_value());
}

TEST(JudgeRaceRun, AControlPassesOnlyWithoutRaceWindows) {
  auto clean = run_with(0, evidence(128, 900, 0));
  judge_race_run(clean, control_scenario());
  EXPECT_EQ(clean.status, Status::kPass);
  EXPECT_EQ(clean.exercised, true);
  auto raced = run_with(0, evidence(128, 900, 5));
  judge_race_run(raced, control_scenario());
  EXPECT_EQ(raced.status, Status::kError);
  EXPECT_NE(raced.reason.find("does not control anything"), std::string::npos);
  auto stale = run_with(2, evidence(128, 900, 5, 2));
  judge_race_run(stale, control_scenario());
  EXPECT_EQ(stale.status, Status::kFail);
}

TEST(JudgeRaceRun, WithoutEvidenceARunCanFailButNeverPass) {
  auto stale = run_with(5, {});
  stale.race_evidence.reset();
  stale.race_evidence_error = "tracing: the guest kernel has no /sys/kernel/tracing/events/header_page";
  judge_race_run(stale, race_scenario());
  EXPECT_EQ(stale.status, Status::kFail);
  auto clean = run_with(0, {});
  clean.race_evidence.reset();
  clean.race_evidence_error = "tracing: the guest kernel has no /sys/kernel/tracing/events/header_page";
  judge_race_run(clean, race_scenario());
  EXPECT_EQ(clean.status, Status::kError);
  EXPECT_EQ(
      clean.reason,
      "not exercised: no race evidence (tracing: the guest kernel has no /sys/kernel/tracing/events/header_page)");
}

TEST(JudgeRaceRun, AnOopsFails) {
  auto run = run_with(0, evidence(128, 900, 412));
  run.console_findings = {"BUG: kernel NULL pointer dereference"};
  judge_race_run(run, race_scenario());
  EXPECT_EQ(run.status, Status::kFail);
  EXPECT_EQ(run.reason, "kernel: BUG: kernel NULL pointer dereference");
}

TEST(ExplainStaleInsert, NamesTheMissTheInsertAndTheWriteOnTheBcacheDevice) {
  analysis::ReadMiss miss;
  miss.range = {16 + 300, 16 + 308};
  miss.issued_ns = 1'000'000;
  miss.miss_ns = 1'500'000;
  miss.placeholder = true;
  miss.inserted_ns = 9'000'000;
  miss.inserted = miss.range;
  analysis::BypassWrite write{{16 + 256, 16 + 512}, 500'000, 101'000'000, "sequential"};
  const auto json = explain_stale_insert(miss, write, {16, 0});
  EXPECT_EQ(json["miss"]["sector"], 300);
  EXPECT_EQ(json["bypass_write"]["sector"], 256);
  EXPECT_EQ(json["bypass_write"]["sectors"], 256);
  EXPECT_DOUBLE_EQ(json["bypass_write"]["completed_s"].get<double>(), 0.101);
  EXPECT_DOUBLE_EQ(json["insert"]["t_s"].get<double>(), 0.009);
  EXPECT_EQ(json["text"],
            "read miss of sectors 300+8 at 0.001500 s while the sequential bypass write of sectors 256+256 (issued "
            "0.000500 s, completed 0.101000 s) was in flight; its data landed in the cache at 0.009000 s");
}

}  // namespace
}  // namespace bh
