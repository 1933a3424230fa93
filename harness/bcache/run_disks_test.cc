#include "harness/bcache/run_disks.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "util/process_runner.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

BcacheSettings settings(DeviceKind kind) {
  BcacheSettings s;
  s.devices = kind;
  s.cache_bytes = 32 << 20;
  s.backing_bytes = 64 << 20;
  return s;
}

TEST(RunDisks, ImageFilesGoThroughTheHostPageCache) {
  TempDir dir("bh-run-disks");
  auto disks = RunDisks::create(settings(DeviceKind::kVirtio), dir.path());
  ASSERT_TRUE(disks) << disks.error().message;
  ASSERT_EQ(disks.value().disks().size(), 2u);
  EXPECT_EQ(disks.value().disks()[0].image, dir.path() / "cache.img");
  EXPECT_EQ(fs::file_size(dir.path() / "backing.img"), 64u << 20);
  EXPECT_EQ(disks.value().facts()["qemu_cache"], "writeback");
  EXPECT_TRUE(disks.value().check());
  fs::resize_file(dir.path() / "backing.img", 1 << 20);
  auto truncated = disks.value().check();
  ASSERT_FALSE(truncated);
  EXPECT_THAT(truncated.error().message, HasSubstr("backing.img is 1048576 bytes, was 67108864"));
  disks.value().remove_images();
  EXPECT_FALSE(fs::exists(dir.path() / "cache.img"));
}

TEST(RunDisks, ImageCacheNoneUsesODirectWhereTheFilesystemHasIt) {
  for (const fs::path parent : {fs::path("/dev/shm"), fs::current_path()}) {
    SCOPED_TRACE(parent.string());
    TempDir dir("bh-run-disks", parent);
    auto s = settings(DeviceKind::kVirtio);
    s.image_cache = "none";
    auto disks = RunDisks::create(s, dir.path());
    ASSERT_TRUE(disks) << disks.error().message;
    const int fd = ::open((dir.path() / "cache.img").c_str(), O_RDONLY | O_DIRECT);
    const bool direct = fd >= 0;
    if (fd >= 0) ::close(fd);
    const auto facts = disks.value().facts();
    EXPECT_EQ(facts["qemu_cache"], direct ? "none" : "writeback");
    EXPECT_EQ(facts["aio"], direct ? "native" : "threads");
    EXPECT_EQ(facts.contains("qemu_cache_note"), !direct) << facts.dump();
  }
}

TEST(RunDisks, GuestLoopDevicesNeedNoHostDisks) {
  TempDir dir("bh-run-disks");
  auto disks = RunDisks::create(settings(DeviceKind::kLoop), dir.path());
  ASSERT_TRUE(disks);
  EXPECT_TRUE(disks.value().disks().empty());
  EXPECT_EQ(disks.value().facts()["devices"], "loop");
}

TEST(RunDisks, HostLoopDevicesGoInRawWithoutTheHostCacheAndVanishAfterTheRun) {
  TempDir dir("bh-run-disks");
  std::vector<std::string> devices;
  {
    auto disks = RunDisks::create(settings(DeviceKind::kHostLoop), dir.path());
    ASSERT_TRUE(disks) << disks.error().message;
    for (const auto& disk : disks.value().disks()) {
      devices.push_back(disk.image.string());
      EXPECT_TRUE(fs::is_block_file(disk.image)) << disk.image;
      EXPECT_EQ(disk.cache, "none");
      EXPECT_EQ(disk.aio, "native");
    }
    ASSERT_EQ(devices.size(), 2u);
    EXPECT_EQ(disks.value().disks()[1].serial, "bh-backing");
    const auto facts = disks.value().facts();
    EXPECT_EQ(facts["devices"], "host-loop");
    EXPECT_TRUE(facts.contains("direct_io"));
    EXPECT_TRUE(disks.value().check());
    EXPECT_EQ(fs::file_size(dir.path() / "bh-hostloop-backing.img"), 64u << 20);
  }
  for (int i = 0; i < 50 && !harness_loop_devices().empty(); ++i) usleep(100000);
  for (const auto& loop : harness_loop_devices()) {
    for (const auto& device : devices) EXPECT_NE(loop.device, device) << "still attached after the run";
  }
}

TEST(RunDisks, HostDevicesWithDataAreRefusedUnlessDestroyDataNamesThem) {
  TempDir dir("bh-run-disks");
  auto loops = RunDisks::create(settings(DeviceKind::kHostLoop), dir.path());  // two real host devices
  ASSERT_TRUE(loops) << loops.error().message;
  const auto cache = loops.value().disks()[0].image.string();
  const auto backing = loops.value().disks()[1].image.string();
  SystemProcessRunner runner;
  ASSERT_EQ(runner.run({.argv = {"mkfs.ext4", "-q", "-F", backing}}).value().exit_code, 0);
  auto host = settings(DeviceKind::kHost);
  host.cache_dev = cache;
  host.backing_dev = backing;
  auto refused = RunDisks::create(host, dir.path() / "run");
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("refusing to use " + backing + ": it carries data"));
  host.destroy_data = {cache};
  EXPECT_FALSE(RunDisks::create(host, dir.path() / "run")) << "--destroy-data names the other device";
  host.destroy_data = {"/dev/null-such"};
  auto stray = check_host_devices(host);
  ASSERT_FALSE(stray);
  EXPECT_THAT(stray.error().message, HasSubstr("--destroy-data /dev/null-such names no device of this run"));
  host.destroy_data = {backing};
  auto allowed = RunDisks::create(host, dir.path() / "run");
  ASSERT_TRUE(allowed) << allowed.error().message;
  EXPECT_EQ(allowed.value().disks()[1].image, backing);
  EXPECT_EQ(allowed.value().facts()["host_devices"][0], cache);
}

}  // namespace
}  // namespace bh
