// Runs over host loop devices (ctest label `vm`; needs root): `--devices host-loop` puts
// host loop devices over sparse files in the run directory under the guest as raw virtio
// disks (cache=none, native AIO). On debian:stock under TCG the race FAILs with stale
// blocks, both controls PASS, a power cut right after the race FAILs with stale data surviving
// the reboot, and a perf run reports IOPS and latency. No harness loop device is left after
// any of them, nor after a harness killed with SIGINT or SIGKILL mid-run.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "harness/hostdev/host_loop.h"
#include "tests/vm_test_support.h"
#include "util/files.h"

namespace bh::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

/// The harness's loop devices whose backing file lies under `dir`, now.
std::vector<HarnessLoop> loops_now_under(const fs::path& dir) {
  std::vector<HarnessLoop> found;
  for (const auto& loop : harness_loop_devices()) {
    if (loop.backing_file.rfind(dir.string(), 0) == 0) found.push_back(loop);
  }
  return found;
}

/// The harness's loop devices whose backing file lies under `dir`, after waiting up to 5 s
/// for the kernel's autoclear.
std::vector<HarnessLoop> loops_under(const fs::path& dir) {
  auto left = loops_now_under(dir);
  for (int i = 0; i < 50 && !left.empty(); ++i) {
    std::this_thread::sleep_for(100ms);
    left = loops_now_under(dir);
  }
  return left;
}

Json run_on_host_loops(const TempDir& dir, const std::vector<std::string>& args, int expected_exit) {
  std::vector<std::string> argv = {
      "run", "--accel", "tcg", "--devices", "host-loop", "--seed", "1", "--out", (dir.path() / "out").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_cli(argv, 1200s);
  EXPECT_EQ(result.exit_code, expected_exit) << result.output;
  EXPECT_TRUE(loops_under(dir.path()).empty()) << "a harness loop device outlived the run";
  auto text = read_file(dir.path() / "out" / "summary.json");
  return text ? Json::parse(text.value(), nullptr, false) : Json();
}

TEST(HostLoop, TheRaceFailsAndTheControlsPassOverHostLoopDevices) {
  TempDir dir("bh-host-loop-run");
  const auto summary = run_on_host_loops(
      dir, {"--scenario", "race-seq-bypass", "--scenario", "control-disjoint", "--scenario", "control-no-cache"}, 1);
  ASSERT_TRUE(summary.is_object());
  const auto& race = summary["scenarios"][0]["runs"][0];
  EXPECT_EQ(race["status"], "FAIL");
  EXPECT_GT(race["stale_blocks"].get<int>(), 0);
  EXPECT_EQ(race["race_evidence"]["stale_blocks_explained"], race["stale_blocks"]);
  EXPECT_EQ(race["disks"]["devices"], "host-loop");
  EXPECT_EQ(race["disks"]["qemu_cache"], "none");
  EXPECT_EQ(race["disks"]["aio"], "native");
  ASSERT_EQ(race["disks"]["host_devices"].size(), 2u);
  EXPECT_THAT(race["disks"]["host_devices"][0].get<std::string>(), HasSubstr("/dev/loop"));
  for (int i : {1, 2}) {
    const auto& control = summary["scenarios"][i]["runs"][0];
    EXPECT_EQ(control["status"], "PASS") << summary["scenarios"][i]["name"] << ": " << control.value("reason", "");
    EXPECT_EQ(control["stale_blocks"], 0);
    EXPECT_EQ(control["disks"]["devices"], "host-loop");
  }
}

TEST(HostLoop, StaleDataSurvivesAPowerCutOverHostLoopDevices) {
  TempDir dir("bh-host-loop-cut");
  const auto summary = run_on_host_loops(dir, {"--scenario", "race-seq-bypass", "--power-cut-after-race"}, 1);
  ASSERT_TRUE(summary.is_object());
  const auto& cut = summary["scenarios"][0]["runs"][0]["power_cuts"][0];
  EXPECT_EQ(cut["status"], "FAIL") << cut.dump(2);
  EXPECT_EQ(cut["registered"], true);
  EXPECT_EQ(cut["acknowledged_writes"], 128);
  EXPECT_GT(cut["stale_blocks_after_power_cut"].get<int>(), 0);
}

TEST(HostLoop, APerfRunReportsIopsAndLatency) {
  TempDir dir("bh-host-loop-perf");
  const auto summary =
      run_on_host_loops(dir, {"--scenario", "perf-randread", "--perf-warmup", "1", "--perf-runtime", "3"}, 0);
  ASSERT_TRUE(summary.is_object());
  const auto& run = summary["scenarios"][0]["runs"][0];
  EXPECT_EQ(run["status"], "PASS") << run.value("reason", "");
  EXPECT_GT(run["iops"]["read"].get<double>(), 0);
  EXPECT_GT(run["latency_us"]["read"]["p99"].get<double>(), 0);
  EXPECT_EQ(run["disks"]["qemu_cache"], "none");
}

/// Starts `run` over host loop devices, waits until its loop devices exist, sends `signal`,
/// and returns the exit status; the run directory is `dir`/out.
int interrupted_run(const TempDir& dir, int signal) {
  BackgroundCli harness({"run", "--accel", "tcg", "--devices", "host-loop", "--scenario", "control-disjoint", "--seed",
                         "1", "--out", (dir.path() / "out").string()});
  if (!harness.started()) return -1;
  for (int i = 0; i < 600 && loops_now_under(dir.path()).empty(); ++i) std::this_thread::sleep_for(100ms);
  std::this_thread::sleep_for(1s);  // into the boot (the loops exist from the boot's start; a boot takes ~3.5 s)
  return harness.stop(signal);
}

TEST(HostLoop, NoLoopDeviceOutlivesAnInterruptedOrKilledHarness) {
  for (int signal : {SIGINT, SIGKILL}) {
    SCOPED_TRACE(signal == SIGINT ? "SIGINT" : "SIGKILL");
    TempDir dir("bh-host-loop-signal");
    const int status = interrupted_run(dir, signal);
    if (signal == SIGINT) {
      EXPECT_EQ(WEXITSTATUS(status), 130) << "the run was not interrupted";
    } else {
      EXPECT_TRUE(WIFSIGNALED(status)) << "the run was not killed";
    }
    EXPECT_TRUE(loops_under(dir.path()).empty()) << "the loop devices outlived the harness";
    const auto doctor = run_cli({"doctor"});
    EXPECT_THAT(doctor.output, ::testing::Not(HasSubstr(dir.path().string())));
  }
}

}  // namespace
}  // namespace bh::testing
