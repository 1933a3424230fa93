// What the harness does when things go wrong (ctest label `vm` where a guest boots): a clear
// error, a non-zero exit, and no QEMU process left behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/process.hpp>
#include <fstream>
#include <thread>

#include "tests/vm_test_support.h"
#include "util/files.h"

namespace bh::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string smoke_job_path() { return std::string(BH_SOURCE_DIR) + "/jobs/smoke-randread.fio"; }

TEST(CliErrors, UnknownKernelSpecIsAUsageError) {
  TempDir dir("bh-cli");
  auto result = run_cli({"fio", smoke_job_path(), "--kernel", "fedora:40", "--out", (dir.path() / "run").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("fedora:40"));
  EXPECT_EQ(recorded_qemu_pid(dir.path() / "run"), 0) << "no QEMU may start";
}

TEST(CliErrors, UnknownSettingIsAUsageErrorNamingIt) {
  auto result = run_cli({"fio", smoke_job_path(), "--set", "cache_mod=writeback"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("cache_mod"));
}

TEST(CliErrors, AnUnknownDeviceKindIsAUsageErrorListingTheKinds) {
  auto result = run_cli({"fio", smoke_job_path(), "--devices", "real"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("'real' is not one of virtio|loop|host-loop|host"));
}

TEST(CliErrors, CorruptDebIsRefusedBeforeAnyBoot) {
  TempDir dir("bh-cli");
  const auto deb = dir.path() / "linux-image-broken.deb";
  std::ofstream(deb) << "!<arch>\nthis is not a debian package";
  auto result =
      run_cli({"fio", smoke_job_path(), "--kernel", "deb:" + deb.string(), "--out", (dir.path() / "run").string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr(deb.string()));
  EXPECT_EQ(recorded_qemu_pid(dir.path() / "run"), 0);
}

TEST(CliErrors, ReleaseDebianDoesNotHaveIsAnErrorNamingIt) {
  auto result = run_cli({"image", "--kernel", "debian:9.9.9-99-amd64"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("9.9.9-99-amd64"));
}

TEST(GuestFailures, AgentNeverReadyTimesOutNamingTheWaitWithConsoleLines) {
  ASSERT_TRUE(prepared("debian:stock")) << "kernel preparation failed";
  TempDir dir("bh-cli");
  const auto run = dir.path() / "run";
  auto result = run_cli({"fio", smoke_job_path(), "--accel", "tcg", "--boot-timeout", "2", "--out", run.string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.output, HasSubstr("ready event"));
  EXPECT_THAT(result.output, HasSubstr("console lines"));
  const int pid = recorded_qemu_pid(run);
  EXPECT_GT(pid, 0);
  EXPECT_FALSE(process_alive(pid)) << "QEMU " << pid << " survived the harness";
  EXPECT_TRUE(fs::exists(run / "run.json")) << "partial results must be kept";
}

/// Starts the CLI on a guest boot and waits until QEMU runs; the caller interferes.
struct BootingCli {
  TempDir dir{"bh-cli"};
  boost::process::child child;

  BootingCli()
      : child(BH_CLI_PATH, "fio", smoke_job_path(), "--accel", "tcg", "--out", (dir.path() / "run").string(),
              boost::process::std_out > (dir.path() / "out.txt").string(),
              boost::process::std_err > (dir.path() / "err.txt").string()) {}

  int wait_for_qemu() {
    for (int i = 0; i < 600; ++i) {
      if (const int pid = recorded_qemu_pid(dir.path() / "run"); pid > 0) return pid;
      std::this_thread::sleep_for(100ms);
    }
    return 0;
  }

  std::string stderr_text() {
    auto text = read_file(dir.path() / "err.txt");
    return text ? text.value() : std::string();
  }
};

TEST(GuestFailures, QemuKilledFromOutsideIsAnErrorNotAHang) {
  ASSERT_TRUE(prepared("debian:stock"));
  BootingCli cli;
  const int qemu = cli.wait_for_qemu();
  ASSERT_GT(qemu, 0);
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(::kill(qemu, SIGKILL), 0);
  std::error_code error;
  ASSERT_TRUE(cli.child.wait_for(60s, error)) << "the harness hung after QEMU died";
  EXPECT_EQ(cli.child.exit_code(), 3);
  EXPECT_THAT(cli.stderr_text(), HasSubstr("QEMU"));
}

TEST(GuestFailures, CtrlCDuringBootLeavesNoQemuBehind) {
  ASSERT_TRUE(prepared("debian:stock"));
  BootingCli cli;
  const int qemu = cli.wait_for_qemu();
  ASSERT_GT(qemu, 0);
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(::kill(cli.child.id(), SIGINT), 0);
  std::error_code error;
  ASSERT_TRUE(cli.child.wait_for(30s, error)) << "Ctrl-C did not stop the harness";
  EXPECT_EQ(cli.child.exit_code(), 130);
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(process_alive(qemu)) << "QEMU " << qemu << " survived Ctrl-C";
}

}  // namespace
}  // namespace bh::testing
