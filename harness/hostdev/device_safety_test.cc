#include "harness/hostdev/device_safety.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace bh {
namespace {

using ::testing::HasSubstr;

DeviceFacts clean_disk() {
  DeviceFacts facts;
  facts.path = "/dev/sdz";
  facts.is_block_device = true;
  facts.kernel_name = "sdz";
  return facts;
}

std::string refusal(const DeviceFacts& facts, bool destroy_data) {
  auto checked = check_wipe_safety(facts, destroy_data);
  EXPECT_FALSE(checked) << facts.path;
  return checked ? std::string() : checked.error().message;
}

TEST(WipeSafety, ACleanUnusedBlockDeviceMayBeUsed) { EXPECT_TRUE(check_wipe_safety(clean_disk(), false)); }

TEST(WipeSafety, SignaturesAreListedAndOnlyDestroyDataOverridesThem) {
  auto facts = clean_disk();
  facts.signatures = {{"ext4", "filesystem", 0x438, "data", "0b9e-11"}, {"dos", "partition table", 0x1fe, "", ""}};
  const auto text = refusal(facts, false);
  EXPECT_THAT(text, HasSubstr("refusing to use /dev/sdz: it carries data"));
  EXPECT_THAT(text, HasSubstr("ext4 at 0x438 (filesystem, LABEL=data, UUID=0b9e-11)"));
  EXPECT_THAT(text, HasSubstr("dos at 0x1fe (partition table)"));
  EXPECT_THAT(text, HasSubstr("--destroy-data /dev/sdz"));
  EXPECT_TRUE(check_wipe_safety(facts, true));
}

TEST(WipeSafety, MountedSwapHeldAndRootDiskAreRefusedEvenWithDestroyData) {
  auto mounted = clean_disk();
  mounted.mount_points = {"/srv"};
  auto swap = clean_disk();
  swap.swap = true;
  auto held = clean_disk();
  held.holders = {"dm-0"};
  auto root = clean_disk();
  root.on_root_disk = true;
  const std::pair<DeviceFacts, const char*> cases[] = {{mounted, "it is mounted (/srv)"},
                                                       {swap, "in use as swap"},
                                                       {held, "held by dm-0"},
                                                       {root, "root filesystem lives on it"}};
  for (const auto& [facts, reason] : cases) {
    const auto text = refusal(facts, true);
    EXPECT_THAT(text, HasSubstr(reason));
    EXPECT_THAT(text, HasSubstr("--destroy-data does not override this"));
  }
}

TEST(WipeSafety, EveryReasonIsNamedAtOnce) {
  auto facts = clean_disk();
  facts.mount_points = {"/a"};
  facts.holders = {"md0"};
  const auto text = refusal(facts, false);
  EXPECT_THAT(text, HasSubstr("mounted (/a)"));
  EXPECT_THAT(text, HasSubstr("held by md0"));
}

TEST(WipeSafety, AFileIsNotABlockDevice) {
  DeviceFacts facts;
  facts.path = "/tmp/image";
  EXPECT_THAT(refusal(facts, true), HasSubstr("refusing to use /tmp/image: it is not a block device"));
}

TEST(WipeSafety, SameDeviceFollowsLinks) {
  const auto link = std::filesystem::temp_directory_path() / "bh-same-device-null";
  std::filesystem::remove(link);
  std::filesystem::create_symlink("/dev/null", link);
  EXPECT_TRUE(same_device(link.string(), "/dev/null"));
  EXPECT_FALSE(same_device(link.string(), "/dev/zero"));
  EXPECT_TRUE(same_device("/dev/none-such", "/dev/none-such"));
  std::filesystem::remove(link);
  EXPECT_TRUE(check_destroy_data_targets({"/dev/./null"}, {"/dev/null"}));
}

TEST(WipeSafety, DestroyDataMustNameADeviceOfTheRun) {
  EXPECT_TRUE(check_destroy_data_targets({"/dev/sdb"}, {"/dev/sda", "/dev/sdb"}));
  EXPECT_TRUE(check_destroy_data_targets({}, {"/dev/sda"}));
  auto other = check_destroy_data_targets({"/dev/sdc"}, {"/dev/sda", "/dev/sdb"});
  ASSERT_FALSE(other);
  EXPECT_THAT(other.error().message, HasSubstr("--destroy-data /dev/sdc names no device of this run"));
}

}  // namespace
}  // namespace bh
