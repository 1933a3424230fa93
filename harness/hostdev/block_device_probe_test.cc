// What the host says about real host loop devices (needs root and the host's loop driver):
// the signatures mkfs.ext4, mkswap and make-bcache leave, a mount, and a plain file; the
// probe reads only (the device's checksum is the same after it).
#include "harness/hostdev/block_device_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "harness/hostdev/host_loop.h"
#include "util/content_hash.h"
#include "util/process_runner.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(ParseMountinfo, MapsDeviceNumbersToMountPoints) {
  const auto mounts = parse_mountinfo(
      "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
      "30 22 7:3 / /mnt/x rw - ext4 /dev/loop3 rw\n"
      "31 22 7:3 / /mnt/y rw - ext4 /dev/loop3 rw\n");
  ASSERT_EQ(mounts.at("7:3").size(), 2u);
  EXPECT_EQ(mounts.at("7:3")[1], "/mnt/y");
  EXPECT_EQ(mounts.at("254:1")[0], "/");
}

TEST(ParseSwaps, ListsPathsWithoutTheHeader) {
  EXPECT_EQ(
      parse_swaps("Filename\tType\tSize\tUsed\tPriority\n/dev/loop5 partition 65532 0 -2\n/swapfile file 1 0 -3\n"),
      (std::vector<std::string>{"/dev/loop5", "/swapfile"}));
}

class RealDevice : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto file = dir_.path() / "bh-hostloop-probe.img";
    { std::ofstream create(file); }
    fs::resize_file(file, 64 << 20);
    auto loop = HostLoopDevice::attach(file);
    ASSERT_TRUE(loop) << loop.error().message;
    loop_.emplace(std::move(loop).value());
  }

  const std::string& device() const { return loop_->path(); }

  void run(std::vector<std::string> argv) {
    auto result = runner_.run({.argv = argv});
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result.value().exit_code, 0) << describe_command(argv) << ": " << result.value().output;
  }

  /// Probes, checks the device is unchanged by it (unless mounted: ext4 writes in the
  /// background then), and returns the facts.
  DeviceFacts probe(bool mounted = false) {
    const auto before = file_sha256_hex(device());
    auto facts = probe_block_device(device());
    EXPECT_TRUE(facts) << facts.error().message;
    if (!mounted) EXPECT_EQ(file_sha256_hex(device()).value(), before.value()) << "probing wrote to the device";
    return facts ? facts.value() : DeviceFacts{};
  }

  TempDir dir_{"bh-probe"};
  std::optional<HostLoopDevice> loop_;
  SystemProcessRunner runner_;
};

TEST_F(RealDevice, AFreshLoopDeviceIsCleanAndUnused) {
  const auto facts = probe();
  EXPECT_TRUE(facts.is_block_device);
  EXPECT_THAT(facts.kernel_name, HasSubstr("loop"));
  EXPECT_TRUE(facts.signatures.empty());
  EXPECT_TRUE(facts.mount_points.empty());
  EXPECT_FALSE(facts.swap);
  EXPECT_TRUE(facts.holders.empty());
  EXPECT_FALSE(facts.on_root_disk);
  EXPECT_TRUE(check_wipe_safety(facts, false));
}

TEST_F(RealDevice, FindsTheSignaturesThatToolsLeave) {
  const std::pair<std::vector<std::string>, std::string> tools[] = {
      {{"mkfs.ext4", "-q", "-F", "-L", "bhtest", device()}, "ext4"},
      {{"mkswap", device()}, "swap"},
      {{"make-bcache", "--wipe-bcache", "-B", device()}, "bcache"},
  };
  for (const auto& [argv, type] : tools) {
    SCOPED_TRACE(type);
    run({"wipefs", "-a", "-q", device()});
    run(argv);
    const auto facts = probe();
    ASSERT_FALSE(facts.signatures.empty());
    bool found = false;
    for (const auto& signature : facts.signatures) found = found || signature.type == type;
    EXPECT_TRUE(found) << describe_signatures(facts.signatures);
    auto refused = check_wipe_safety(facts, false);
    ASSERT_FALSE(refused);
    EXPECT_THAT(refused.error().message, HasSubstr(device()));
    EXPECT_THAT(refused.error().message, HasSubstr(type + " at 0x"));
  }
}

TEST_F(RealDevice, AMountedFilesystemIsSeen) {
  run({"mkfs.ext4", "-q", "-F", device()});
  const auto mount_point = dir_.path() / "mnt";
  fs::create_directories(mount_point);
  run({"mount", "-t", "ext4", device(), mount_point.string()});
  const auto facts = probe(/*mounted=*/true);
  run({"umount", mount_point.string()});
  ASSERT_EQ(facts.mount_points.size(), 1u);
  EXPECT_EQ(facts.mount_points[0], mount_point.string());
  auto refused = check_wipe_safety(facts, true);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("it is mounted (" + mount_point.string() + ")"));
}

TEST(BlockDeviceProbe, AFileIsExaminedButIsNoBlockDevice) {
  TempDir dir("bh-probe");
  std::ofstream(dir.path() / "file") << "x";
  auto facts = probe_block_device((dir.path() / "file").string());
  ASSERT_TRUE(facts);
  EXPECT_FALSE(facts.value().is_block_device);
  EXPECT_FALSE(probe_block_device((dir.path() / "missing").string()));
}

}  // namespace
}  // namespace bh
