// Fault injection (ctest label `vm`): each fault gets the status that names who is to blame
// (FAIL only for the kernel, ERROR for the harness, QEMU or the host), a message that says
// what happened, its partial results kept, and no QEMU process left behind.
//
// Faults inside the guest are injected by a test-only scenario: race-seq-bypass whose race
// job also runs one shell command through fio's exec engine a few seconds into the race.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <boost/process.hpp>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/vm_test_support.h"
#include "util/files.h"

namespace bh::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace bp = boost::process;

std::string source(const std::string& relative) { return std::string(BH_SOURCE_DIR) + "/" + relative; }

/// Writes a copy of race-seq-bypass into `dir` as NAME.toml whose race job also runs
/// `shell_command` in the guest (fio's exec engine splits its arguments on spaces only, so
/// the command's words are separated by tabs, which the shell splits on). Its writer runs at
/// iodepth 1, so the race lasts ~14 s instead of ~1.5 s: long enough to be hit mid-way.
/// Returns its path.
fs::path fault_scenario(const fs::path& dir, const std::string& name, const std::string& shell_command,
                        int race_timeout_s = 300) {
  auto toml = read_file(source("jobs/race-seq-bypass.toml")).value();
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = toml.find(from);
    if (at != std::string::npos) toml.replace(at, from.size(), to);
  };
  replace("race_timeout_s = 300", "race_timeout_s = " + std::to_string(race_timeout_s) + "\nwriter_iodepth = 1");
  replace("fill_job = \"fill.fio\"", "fill_job = \"" + source("jobs/fill.fio") + "\"");
  replace("race_job = \"race.fio\"", "race_job = \"" + name + ".fio\"");
  std::string command = shell_command;
  std::replace(command.begin(), command.end(), ' ', '\t');
  const std::string job = read_file(source("jobs/race.fio")).value() +
                          "\n[fault]\nioengine=exec\nprogram=/bin/sh\narguments=-c " + command +
                          "\ntime_based=1\nruntime=120\n";
  std::ofstream(dir / (name + ".fio")) << job;
  std::ofstream(dir / (name + ".toml")) << toml;
  return dir / (name + ".toml");
}

/// The CLI in the background with its output in files, watched as a user would.
class WatchedCli {
 public:
  explicit WatchedCli(const std::vector<std::string>& args,
                      const bp::environment& env = boost::this_process::environment())
      : child_(BH_CLI_PATH, bp::args(args), env, bp::std_out > (dir_.path() / "out.txt").string(),
               bp::std_err > (dir_.path() / "err.txt").string()) {}

  /// stdout and stderr so far.
  std::string output() const {
    std::string text;
    for (const char* name : {"out.txt", "err.txt"}) {
      if (auto part = read_file(dir_.path() / name)) text += part.value();
    }
    return text;
  }
  /// Waits until `ready` holds; false at the deadline or when the CLI ended first.
  bool wait_for(const std::function<bool()>& ready, std::chrono::seconds deadline = 300s) {
    const auto until = Clock::now() + deadline;
    while (Clock::now() < until) {
      if (ready()) return true;
      if (!child_.running()) return ready();
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  /// Waits until the output holds `needle`.
  bool wait_for_output(const std::string& needle, std::chrono::seconds deadline = 300s) {
    return wait_for([&] { return output().find(needle) != std::string::npos; }, deadline);
  }
  /// Waits for the exit; its code, or -1 after `deadline` (the CLI is then killed).
  int wait_for_exit(std::chrono::seconds deadline) {
    std::error_code error;
    if (!child_.wait_for(deadline, error)) {
      child_.terminate(error);
      return -1;
    }
    return child_.exit_code();
  }
  int pid() { return child_.id(); }

 private:
  TempDir dir_{"bh-fault-cli"};
  bp::child child_;
};

std::vector<std::string> race_args(const fs::path& out, const std::string& scenario) {
  return {"run", "--accel", "tcg", "--out", out.string(), "--scenario", scenario, "--seed", "1"};
}

/// The one run of summary.json in `out`.
Json only_run(const fs::path& out) {
  const auto text = read_file(out / "summary.json");
  if (!text) return Json::object();
  const auto summary = Json::parse(text.value(), nullptr, false);
  if (summary.is_discarded() || summary["scenarios"].empty() || summary["scenarios"][0]["runs"].empty())
    return Json::object();
  return summary["scenarios"][0]["runs"][0];
}

/// Every QEMU process the runs under `out` started has exited.
void expect_no_qemu_left(const fs::path& out) {
  std::this_thread::sleep_for(300ms);
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (entry.path().filename() != "qemu.pid") continue;
    const int pid = recorded_qemu_pid(entry.path().parent_path());
    EXPECT_FALSE(pid > 0 && process_alive(pid)) << "QEMU " << pid << " of " << entry.path() << " survived";
  }
}

std::string errors_text(const Json& run) { return run.contains("errors") ? run["errors"].dump() : "(no errors)"; }

/// Once the CLI's race has run 2 s (a fault scenario's race lasts ~14 s), sends `signal` to
/// the QEMU of `run_dir`. Call it inside ASSERT_NO_FATAL_FAILURE: a failure ends the test.
void signal_qemu_mid_race(WatchedCli& cli, const fs::path& run_dir, int signal) {
  ASSERT_TRUE(cli.wait_for_output("] race")) << cli.output();
  std::this_thread::sleep_for(2s);
  const int qemu = recorded_qemu_pid(run_dir);
  ASSERT_GT(qemu, 0);
  ASSERT_EQ(::kill(qemu, signal), 0);
}

class FaultInjection : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(prepared("debian:stock")) << "kernel preparation failed"; }
  TempDir dir_{"bh-fault"};
  fs::path out_ = dir_.path() / "out";
};

TEST_F(FaultInjection, QemuKilledFromOutsideMidRaceIsAnError) {
  const auto scenario = fault_scenario(dir_.path(), "fault-kill", "true");
  WatchedCli cli(race_args(out_, scenario.string()));
  const auto run_dir = out_ / "fault-kill" / "run-1-seed-1";
  ASSERT_NO_FATAL_FAILURE(signal_qemu_mid_race(cli, run_dir, SIGKILL));
  EXPECT_EQ(cli.wait_for_exit(60s), 3) << cli.output();
  const auto run = only_run(out_);
  EXPECT_EQ(run.value("status", ""), "ERROR") << run.dump();
  EXPECT_THAT(run.value("reason", ""), HasSubstr("QEMU killed by signal 9"));
  EXPECT_FALSE(run["errors"].empty());
  EXPECT_TRUE(fs::exists(run_dir / "console.log")) << "the run's files are kept";
  expect_no_qemu_left(out_);
}

TEST_F(FaultInjection, AGuestKernelPanicMidRaceIsTheKernelsFailWithTheHarnessErrorKept) {
  const auto scenario = fault_scenario(dir_.path(), "fault-panic", "sleep 3 && echo c > /proc/sysrq-trigger");
  WatchedCli cli(race_args(out_, scenario.string()));
  EXPECT_EQ(cli.wait_for_exit(300s), 1) << cli.output();
  const auto run = only_run(out_);
  EXPECT_EQ(run.value("status", ""), "FAIL") << run.dump();
  EXPECT_THAT(run.value("reason", ""), HasSubstr("Kernel panic"));
  EXPECT_THAT(run.value("reason", ""), HasSubstr("sysrq triggered crash"));
  ASSERT_FALSE(run["errors"].empty()) << "the harness lost its guest: that is recorded too";
  EXPECT_THAT(errors_text(run), HasSubstr("QEMU exited"));
  expect_no_qemu_left(out_);
}

TEST_F(FaultInjection, AGuestThatStopsAnsweringMidRaceIsAnErrorAtItsDeadline) {
  // The whole guest freezes (QEMU stopped with SIGSTOP): nothing in it answers any more,
  // QMP included. A 30 s race_timeout_s keeps the deadline (race_timeout_s + 120 s + 10 s)
  // near; the race itself takes about 15 s.
  const auto scenario = fault_scenario(dir_.path(), "fault-hang", "true", 30);
  WatchedCli cli(race_args(out_, scenario.string()));
  ASSERT_NO_FATAL_FAILURE(signal_qemu_mid_race(cli, out_ / "fault-hang" / "run-1-seed-1", SIGSTOP));
  EXPECT_EQ(cli.wait_for_exit(400s), 3) << cli.output();
  const auto run = only_run(out_);
  EXPECT_EQ(run.value("status", ""), "ERROR") << run.dump();
  EXPECT_THAT(run.value("reason", ""), HasSubstr("timed out waiting for the guest agent's answer to 'fio'"));
  expect_no_qemu_left(out_);
}

TEST_F(FaultInjection, FioKilledInsideTheGuestIsAnError) {
  const auto scenario = fault_scenario(dir_.path(), "fault-fio-killed", "sleep 3 && /bin/pkill -KILL fio");
  WatchedCli cli(race_args(out_, scenario.string()));
  EXPECT_EQ(cli.wait_for_exit(300s), 3) << cli.output();
  const auto run = only_run(out_);
  EXPECT_EQ(run.value("status", ""), "ERROR") << run.dump();
  EXPECT_THAT(run.value("reason", ""), HasSubstr("race job"));
  EXPECT_TRUE(run["console_findings"].empty()) << run.dump();
  expect_no_qemu_left(out_);
}

/// A tmpfs of `size` at `dir` while it lives (skips the test where mounting is not allowed).
class Tmpfs {
 public:
  Tmpfs(const fs::path& dir, const std::string& options) : dir_(dir) {
    fs::create_directories(dir);
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  fs::path dir_;
  bool mounted_ = false;
};

TEST_F(FaultInjection, OutOnAFullFilesystemStopsBeforeBootingWithExit3SayingTheDiskIsFull) {
  Tmpfs small(dir_.path() / "small", "size=2m");
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
  const auto out = dir_.path() / "small" / "out";
  const auto started = Clock::now();
  const auto result = run_cli(race_args(out, "race-seq-bypass"), 120s);
  EXPECT_LT(Clock::now() - started, 60s);
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_THAT(result.output, HasSubstr("no space left on device"));
  EXPECT_EQ(only_run(out).value("status", ""), "ERROR");
  expect_no_qemu_left(out);
}

TEST_F(FaultInjection, AFilesystemThatFillsMidRunEndsWithin60sWithExit3SayingTheDiskIsFull) {
  Tmpfs small(dir_.path() / "small", "size=400m");
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
  const auto out = dir_.path() / "small" / "out";
  WatchedCli cli(race_args(out, "race-seq-bypass"));
  ASSERT_TRUE(cli.wait_for_output("] fill")) << cli.output();
  {
    // Another writer takes all the space left: the guest's next writes to its images fail.
    std::ofstream filler(dir_.path() / "small" / "filler", std::ios::binary);
    const std::string chunk(1 << 20, 'x');
    while (filler.write(chunk.data(), chunk.size())) {
    }
  }
  const auto full = Clock::now();
  const int code = cli.wait_for_exit(120s);
  EXPECT_LT(Clock::now() - full, 60s);
  EXPECT_EQ(code, 3) << cli.output();
  EXPECT_THAT(cli.output(), HasSubstr("no space left on device")) << cli.output();
  expect_no_qemu_left(out);
}

TEST_F(FaultInjection, AnUnwritableOutIsAnErrorBeforeAnythingRuns) {
  Tmpfs readonly(dir_.path() / "ro", "size=1m");
  if (!readonly.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
  fs::create_directories(dir_.path() / "ro" / "out");
  ASSERT_EQ(::mount(nullptr, (dir_.path() / "ro").c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0);
  const auto result = run_cli(race_args(dir_.path() / "ro" / "out", "race-seq-bypass"), 60s);
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_THAT(result.output, HasSubstr("is not writable"));
  EXPECT_THAT(result.output, HasSubstr("Read-only file system"));
}

TEST_F(FaultInjection, AnExistingNonEmptyOutIsAUsageErrorAndItsFilesAreUntouched) {
  fs::create_directories(out_);
  std::ofstream(out_ / "summary.json") << "{\"mine\": true}";
  const auto result = run_cli(race_args(out_, "race-seq-bypass"), 60s);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr("already holds files"));
  EXPECT_EQ(read_file(out_ / "summary.json").value(), "{\"mine\": true}");
}

/// Ctrl-C once the CLI's output holds `phase_line` (or a file of that path exists): exit 130
/// within 5 s, the interrupted run recorded, its directory (and disk images, once made)
/// kept, no QEMU left.
void expect_ctrl_c_stops(const std::vector<std::string>& args, const fs::path& out, const std::string& phase_line,
                         const bp::environment& env = boost::this_process::environment()) {
  WatchedCli cli(args, env);
  ASSERT_TRUE(cli.wait_for([&] {
    return cli.output().find(phase_line) != std::string::npos || fs::exists(fs::path(phase_line));
  })) << cli.output();
  const auto pressed = Clock::now();
  ASSERT_EQ(::kill(cli.pid(), SIGINT), 0);
  const int code = cli.wait_for_exit(30s);
  EXPECT_LT(Clock::now() - pressed, 5s) << "Ctrl-C at '" << phase_line << "' took too long";
  EXPECT_EQ(code, 130) << cli.output();
  EXPECT_THAT(cli.output(), HasSubstr("interrupted"));
  EXPECT_TRUE(fs::exists(out / "summary.json")) << "partial results are kept";
  expect_no_qemu_left(out);
}

TEST_F(FaultInjection, CtrlCInEachPhaseOfARunStopsWithin5sKeepingWhatItHas) {
  for (const std::string phase : {"] boot", "] fill", "] race", "] verify"}) {
    SCOPED_TRACE(phase);
    const auto out = dir_.path() / ("ctrl-c-" + phase.substr(2));
    expect_ctrl_c_stops(race_args(out, "race-seq-bypass"), out, phase);
    const auto run = only_run(out);
    EXPECT_EQ(run.value("status", ""), "ERROR");
    EXPECT_THAT(run.value("reason", ""), HasSubstr("interrupted"));
    if (phase != "] boot") {
      EXPECT_TRUE(fs::exists(out / "race-seq-bypass" / "run-1-seed-1" / "backing.img"));
    }
  }
}

TEST_F(FaultInjection, CtrlCDuringAPowerCutsRebootStopsWithin5s) {
  const auto out = dir_.path() / "ctrl-c-reboot";
  auto args = race_args(out, "race-seq-bypass");
  args.push_back("--power-cut-after-race");
  expect_ctrl_c_stops(args, out, "reboot");
}

TEST_F(FaultInjection, CtrlCWhileTheReportsAreDrawnStopsWithin5s) {
  // A gnuplot that takes its time, found first on PATH.
  const auto bin = dir_.path() / "bin";
  fs::create_directories(bin);
  const auto drawing = dir_.path() / "drawing";
  std::ofstream(bin / "gnuplot") << "#!/bin/sh\ntouch " << drawing.string() << "\nexec sleep 60\n";
  fs::permissions(bin / "gnuplot", fs::perms::owner_all);
  auto env = boost::this_process::environment();
  env["PATH"] = bin.string() + ":" + env["PATH"].to_string();
  const auto out = dir_.path() / "ctrl-c-report";
  expect_ctrl_c_stops(race_args(out, "race-seq-bypass"), out, drawing.string(), env);
}

/// The kernel's directory in the cache (KERNELS/RELEASE, above lib/modules/RELEASE).
fs::path kernel_cache_dir(const PreparedGuest& guest) {
  return guest.kernel.modules_dir.parent_path().parent_path().parent_path();
}

/// The stock kernel's cache entry and the images copied into a cache of its own under
/// `dir` (XDG_CACHE_HOME=dir/cache), for a test to break; returns its bcache-harness root.
fs::path private_cache(const PreparedGuest& guest, const fs::path& dir) {
  const auto cache = dir / "cache" / "bcache-harness";
  const auto kernel_dir = kernel_cache_dir(guest);
  std::error_code error;
  fs::create_directories(cache / "kernels", error);
  fs::copy(kernel_dir, cache / "kernels" / kernel_dir.filename(), fs::copy_options::recursive, error);
  if (!error) fs::copy(cache_root() / "images", cache / "images", fs::copy_options::recursive, error);
  EXPECT_FALSE(error) << error.message();
  return cache;
}

/// The CLI's environment with XDG_CACHE_HOME set to private_cache's.
bp::environment with_cache(const fs::path& dir) {
  auto env = boost::this_process::environment();
  env["XDG_CACHE_HOME"] = (dir / "cache").string();
  return env;
}

TEST_F(FaultInjection, ATruncatedKernelInTheCacheIsAnErrorNamingIt) {
  const auto guest = prepared("debian:stock").value();
  const auto cache = private_cache(guest, dir_.path());
  const auto kernel_dir = kernel_cache_dir(guest);
  const auto broken = cache / "kernels" / kernel_dir.filename() / fs::relative(guest.boot_image(), kernel_dir);
  ASSERT_TRUE(fs::exists(broken)) << broken;
  fs::resize_file(broken, fs::file_size(broken) / 2);
  WatchedCli cli(race_args(out_, "race-seq-bypass"), with_cache(dir_.path()));
  EXPECT_EQ(cli.wait_for_exit(600s), 3) << cli.output();
  EXPECT_THAT(cli.output(), HasSubstr(broken.filename().string())) << cli.output();
  expect_no_qemu_left(out_);
}

/// The image the last run used: the one whose metadata it touched last (mark_used).
fs::path last_used_image(const fs::path& images) {
  fs::path newest;
  for (const auto& entry : fs::directory_iterator(images)) {
    if (entry.path().extension() != ".json") continue;
    if (newest.empty() || fs::last_write_time(entry.path()) > fs::last_write_time(newest)) newest = entry.path();
  }
  return newest.replace_extension(".cpio");
}

/// A broken initramfs would panic the guest kernel, which is no finding about it: the
/// cached image a run uses, cut in half, is built again, never booted.
TEST_F(FaultInjection, ATruncatedImageInTheCacheIsBuiltAgain) {
  const auto guest = prepared("debian:stock").value();
  const auto images = private_cache(guest, dir_.path()) / "images";
  WatchedCli first(race_args(dir_.path() / "first", "race-seq-bypass"), with_cache(dir_.path()));
  EXPECT_EQ(first.wait_for_exit(600s), 1) << first.output();
  const auto broken = last_used_image(images);
  ASSERT_TRUE(fs::exists(broken)) << broken;
  const auto size = fs::file_size(broken);
  fs::resize_file(broken, size / 2);
  WatchedCli cli(race_args(out_, "race-seq-bypass"), with_cache(dir_.path()));
  EXPECT_EQ(cli.wait_for_exit(600s), 1) << "stock's race FAILs as ever: " << cli.output();
  EXPECT_EQ(fs::file_size(broken), size) << "the image was built again, at full size";
  EXPECT_EQ(only_run(out_).value("status", ""), "FAIL");
  expect_no_qemu_left(out_);
}

}  // namespace
}  // namespace bh::testing
