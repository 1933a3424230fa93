// Wipe safety through the real command line, over real host loop devices (needs root): a
// `run` on host devices that carry data, are mounted, swap, held, or a --destroy-data that
// names another device exits 2 before anything is written, naming the device and why, and
// the device's bytes are unchanged. The kernel spec names a package that does not exist, so
// a device the checks wrongly let through ends in exit 3 at the kernel, never in a boot.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <optional>

#include "harness/hostdev/host_loop.h"
#include "util/content_hash.h"
#include "util/process_runner.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class HostDeviceRefusal : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"bh-hostloop-a.img", "bh-hostloop-b.img"}) {
      const auto file = dir_.path() / name;
      { std::ofstream create(file); }
      fs::resize_file(file, 64 << 20);
      auto loop = HostLoopDevice::attach(file);
      ASSERT_TRUE(loop) << loop.error().message;
      loops_.push_back(std::move(loop).value());
    }
  }

  const std::string& cache() const { return loops_[0].path(); }
  const std::string& backing() const { return loops_[1].path(); }

  void tool(std::vector<std::string> argv) {
    auto result = runner_.run({.argv = argv});
    ASSERT_TRUE(result && result.value().exit_code == 0) << describe_command(argv);
  }

  ProcessResult run_on_devices(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {BH_CLI_PATH,     "run",
                                     "--scenario",    "control-disjoint",
                                     "--kernel",      "deb:" + (dir_.path() / "no-such-kernel.deb").string(),
                                     "--out",         (dir_.path() / "out").string(),
                                     "--cache-dev",   cache(),
                                     "--backing-dev", backing()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto result = runner_.run({.argv = argv, .timeout = std::chrono::seconds(60)});
    return result ? result.value() : ProcessResult{-1, false, result.error().message};
  }

  /// Runs with `extra` flags and expects a refusal naming `device` and `reason`, the
  /// device's bytes unchanged and no output directory made.
  void expect_refused(const std::string& device, const std::string& reason, std::vector<std::string> extra = {}) {
    const auto before = file_sha256_hex(device);
    ASSERT_TRUE(before);
    const auto result = run_on_devices(extra);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_THAT(result.output, HasSubstr(device));
    EXPECT_THAT(result.output, HasSubstr(reason));
    EXPECT_EQ(file_sha256_hex(device).value(), before.value()) << "the refused device was written";
    EXPECT_FALSE(fs::exists(dir_.path() / "out")) << "nothing is written for a refused run";
  }

  TempDir dir_{"bh-refusal"};
  std::vector<HostLoopDevice> loops_;
  SystemProcessRunner runner_;
};

TEST_F(HostDeviceRefusal, CleanDevicesPassTheChecksAndReachTheKernel) {
  const auto result = run_on_devices();
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_THAT(result.output, HasSubstr("no-such-kernel.deb"));
}

TEST_F(HostDeviceRefusal, AnExt4Signature) {
  tool({"mkfs.ext4", "-q", "-F", backing()});
  expect_refused(backing(), "ext4 at 0x438 (filesystem");
}

TEST_F(HostDeviceRefusal, ASwapSignature) {
  tool({"mkswap", cache()});
  expect_refused(cache(), "swap at 0x");
}

TEST_F(HostDeviceRefusal, AnExistingBcacheSuperblock) {
  tool({"make-bcache", "-C", cache()});
  expect_refused(cache(), "bcache at 0x");
}

TEST_F(HostDeviceRefusal, AMountedFilesystemEvenWithDestroyData) {
  tool({"mkfs.ext4", "-q", "-F", backing()});
  const auto mount_point = dir_.path() / "mnt";
  fs::create_directories(mount_point);
  tool({"mount", "-t", "ext4", backing(), mount_point.string()});
  const auto result = run_on_devices({"--destroy-data", backing()});
  tool({"umount", mount_point.string()});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr(backing() + ": it is mounted (" + mount_point.string() + ")"));
  EXPECT_THAT(result.output, HasSubstr("--destroy-data does not override this"));
}

TEST_F(HostDeviceRefusal, DestroyDataNamingAnotherDevice) {
  tool({"mkfs.ext4", "-q", "-F", backing()});
  expect_refused(backing(), "refusing to use " + backing(), {"--destroy-data", cache()});
  expect_refused("/dev/null", "--destroy-data /dev/null names no device of this run", {"--destroy-data", "/dev/null"});
}

TEST_F(HostDeviceRefusal, DestroyDataNamingTheDeviceLetsItThrough) {
  tool({"mkfs.ext4", "-q", "-F", backing()});
  const auto result = run_on_devices({"--destroy-data", backing()});
  EXPECT_EQ(result.exit_code, 3) << "past the checks, stopped at the missing kernel: " << result.output;
}

TEST_F(HostDeviceRefusal, ADeviceHeldByADeviceMapperTable) {
  if (!fs::exists("/dev/mapper/control")) {
    GTEST_SKIP() << "this host's kernel has no device-mapper (/dev/mapper/control), so no dm table can hold a "
                    "device; the rule itself is unit-tested (WipeSafety.MountedSwapHeldAndRootDiskAre...)";
  }
  const auto sectors = std::to_string((64 << 20) / 512);
  tool({"dmsetup", "create", "bh-refusal-test", "--table", "0 " + sectors + " linear " + backing() + " 0"});
  const auto result = run_on_devices({"--destroy-data", backing()});
  tool({"dmsetup", "remove", "bh-refusal-test"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr("held by dm-"));
}

}  // namespace
}  // namespace bh
