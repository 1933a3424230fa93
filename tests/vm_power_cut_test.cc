// Power cuts end to end (ctest label `vm`): a cut inside or right after the race on
// debian:stock under TCG, a reboot on the images the cut left, bcache's journal replay, and
// the verdict on every acknowledged write; and the bad states a cut can leave.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/runs/power_cut_run.h"
#include "harness/runs/race_run.h"
#include "harness/scenario/scenario.h"
#include "harness/vm/accel.h"
#include "harness/vm/doctor.h"
#include "tests/vm_test_support.h"
#include "util/files.h"

namespace bh::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::uint64_t kWriterIoSize = 128 * 1024;  // jobs/race.fio's writer bs

/// Cuts `scenario` `options.cuts` times (the run-time race skipped: race_s is given) and
/// returns the cuts' JSON; `hook` runs between each cut and its reboot.
std::vector<Json> cut(const std::string& scenario_name, PowerCutOptions options, double race_s,
                      AfterCutHook hook = {}) {
  auto guest = prepared("debian:stock");
  EXPECT_TRUE(guest) << guest.error().message;
  if (!guest) return {};
  auto scenario = resolve_scenario(scenario_name, default_jobs_dir());
  EXPECT_TRUE(scenario) << scenario.error().message;
  if (!scenario) return {};
  static TempDir dir("bh-power-cut");
  static int runs = 0;
  const auto run_dir = dir.path() / ("run-" + std::to_string(++runs));
  std::filesystem::create_directories(run_dir);
  HostAccelEnvironment accel(kvm_verdict_file(cache_root()));
  BootOptions boot;
  boot.accel = AccelRequest::kTcg;
  RunContext context{scenario.value(), guest.value(), run_dir, 5, boot, accel};
  context.power_cuts = options;
  context.after_cut = std::move(hook);
  std::vector<Json> cuts;
  for (const auto& cut : run_power_cuts(context, race_s, kWriterIoSize)) cuts.push_back(to_json(cut));
  return cuts;
}

TEST(PowerCut, StaleDataSurvivesACutRightAfterTheRaceAndTheSummarySaysSo) {
  TempDir dir("bh-power-cut-cli");
  const auto out = dir.path() / "out";
  const auto result = run_cli({"run", "--accel", "tcg", "--out", out.string(), "--scenario", "race-seq-bypass",
                               "--seed", "1", "--power-cut-after-race"},
                              900s);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("run time: stale"));
  EXPECT_THAT(result.output, HasSubstr("after power cuts: stale"));
  auto text = read_file(out / "summary.json");
  ASSERT_TRUE(text) << result.output;
  const auto run = Json::parse(text.value())["scenarios"][0]["runs"][0];
  ASSERT_EQ(run["power_cuts"].size(), 1u) << run.dump(2);
  const auto& cut = run["power_cuts"][0];
  EXPECT_EQ(cut["method"], "kill");
  EXPECT_EQ(cut["after_race"], true);
  EXPECT_EQ(cut["registered"], true);
  EXPECT_EQ(cut["acknowledged_writes"], 128) << "16 MiB in 128 KiB writes, all acknowledged";
  EXPECT_EQ(cut["in_flight_writes"], 0);
  EXPECT_GT(cut["stale_blocks_after_power_cut"].get<int>(), 0) << cut.dump(2);
  EXPECT_EQ(cut["torn_blocks"], 0);
  EXPECT_EQ(cut["status"], "FAIL");
  EXPECT_GT(cut["race_windows"].get<int>(), 0) << "the trace up to the cut shows the race";
  EXPECT_GT(cut["stale_inserts"].get<int>(), 0);
  EXPECT_THAT(cut["journal_replay"].get<std::string>(), HasSubstr("journal replay done"));
  EXPECT_GT(cut["at_s"].get<double>(), 1.0);
}

TEST(PowerCut, AControlShowsNothingAfterASysrqCutInsideItsRace) {
  const auto cuts = cut("control-no-cache", {1, false, CutMethod::kSysrqB}, 6.0);
  ASSERT_EQ(cuts.size(), 1u);
  const auto& c = cuts[0];
  EXPECT_EQ(c["status"], "PASS") << c.dump(2);
  EXPECT_EQ(c["method"], "sysrq-b");
  EXPECT_EQ(c["after_race"], false);
  EXPECT_EQ(c["registered"], true);
  EXPECT_GT(c["acknowledged_writes"].get<int>(), 0) << "fio's saved state proves some writes acknowledged";
  EXPECT_LT(c["acknowledged_writes"].get<int>(), 128) << "the cut came before the writer finished";
  EXPECT_LE(c["in_flight_writes"].get<int>(), 1) << "the writer runs at iodepth 1";
  EXPECT_EQ(c["stale_blocks_after_power_cut"], 0);
  EXPECT_EQ(c["torn_blocks"], 0);
  EXPECT_EQ(c["race_windows"], 0) << "a control opens no race window";
  EXPECT_GT(c["at_s"].get<double>(), 0.5);
  EXPECT_LT(c["at_s"].get<double>(), 5.5);
}

// A cut planned past the race's end never fires: fio finishes first. That is an ERROR, not
// a cut after the race (only --power-cut-after-race asks for that).
TEST(PowerCut, ATriggerThatNeverFiredIsAnError) {
  const auto cuts = cut("race-seq-bypass", {1, false, CutMethod::kKill}, 600.0);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0]["status"], "ERROR") << cuts[0].dump(2);
  EXPECT_THAT(cuts[0]["reason"].get<std::string>(), HasSubstr("the cut's trigger never fired"));
  EXPECT_EQ(cuts[0]["after_race"], false);
}

TEST(PowerCut, ATruncatedImageIsAnErrorNamingIt) {
  const auto cuts = cut("race-seq-bypass", {1, false, CutMethod::kKill}, 2.0,
                        [](RebootPlan& plan) { std::filesystem::resize_file(plan.target.disks[1].image, 1 << 20); });
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0]["status"], "ERROR") << cuts[0].dump(2);
  EXPECT_THAT(cuts[0]["reason"].get<std::string>(), HasSubstr("backing.img is 1048576 bytes"));
  EXPECT_TRUE(std::filesystem::exists(cuts[0]["dir"].get<std::string>() + "/backing.img"))
      << "what the cut left is kept for a post-mortem";
}

TEST(PowerCut, ACacheDeviceBcacheRefusesIsAFailWithItsConsoleLines) {
  const auto cuts = cut("race-seq-bypass", {1, false, CutMethod::kKill}, 2.0, [](RebootPlan& plan) {
    std::fstream cache(plan.target.disks[0].image, std::ios::in | std::ios::out | std::ios::binary);
    const std::string zeros(8192, '\0');  // bcache's superblock lives at 4 KiB
    cache.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  });
  ASSERT_EQ(cuts.size(), 1u);
  const auto& c = cuts[0];
  EXPECT_EQ(c["status"], "FAIL") << c.dump(2);
  EXPECT_EQ(c["registered"], false);
  EXPECT_THAT(c["reason"].get<std::string>(), HasSubstr("registering /dev/vda"));
  ASSERT_TRUE(c.contains("console_lines")) << c.dump(2);
  EXPECT_FALSE(c["console_lines"].empty());
}

TEST(PowerCut, AGuestThatDoesNotComeBackIsAnErrorWithTheConsoleTail) {
  // The hook gives only the reboot 1.5 s to bring its agent up, far below a TCG boot (~6 s).
  const auto cuts = cut("race-seq-bypass", {1, false, CutMethod::kKill}, 2.0,
                        [](RebootPlan& plan) { plan.options.agent_timeout = 1500ms; });
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0]["status"], "ERROR") << cuts[0].dump(2);
  EXPECT_THAT(cuts[0]["reason"].get<std::string>(), HasSubstr("boot"));
  EXPECT_THAT(cuts[0]["reason"].get<std::string>(), HasSubstr("console"));
  ASSERT_EQ(cuts[0].value("boot_retries", Json::array()).size(), 1u)
      << "a hung boot is tried once more, and the first try stays on record";
  const std::filesystem::path after = cuts[0]["dir"].get<std::string>() + "/after";
  EXPECT_TRUE(std::filesystem::exists(after / "console-hung-boot.log"));
  EXPECT_FALSE(process_alive(recorded_qemu_pid(after))) << "no QEMU is left behind";
}

TEST(PowerCut, LoopDevicesOrABadMethodAreUsageErrorsNamingTheProblem) {
  TempDir dir("bh-power-cut-usage");
  const auto out = dir.path() / "out";
  const auto loop = run_cli(
      {"run", "--scenario", "control-no-cache", "--power-cuts", "1", "--devices", "loop", "--out", out.string()});
  EXPECT_EQ(loop.exit_code, 2) << loop.output;
  EXPECT_THAT(loop.output, HasSubstr("power cuts need virtio devices"));
  EXPECT_FALSE(std::filesystem::exists(out)) << "nothing is left behind by a usage error";
  const auto method = run_cli({"run", "--scenario", "control-no-cache", "--power-cut-method", "unplug"});
  EXPECT_EQ(method.exit_code, 2) << method.output;
  EXPECT_THAT(method.output, HasSubstr("unplug"));
}

}  // namespace
}  // namespace bh::testing
