#include "harness/bcache/disk_images.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/temp_dir.h"

namespace bh {
namespace {

using ::testing::HasSubstr;

/// Default sizes: a 256 MiB cache over a 1 GiB backing device.
BcacheSettings race_settings() { return BcacheSettings{}; }

TEST(VirtioImages, CheckNamesAMissingOrTruncatedImage) {
  TempDir dir("images-check-test");
  const auto settings = race_settings();
  auto disks = create_virtio_images(settings, dir.path());
  ASSERT_TRUE(disks);
  EXPECT_TRUE(check_virtio_images(settings, disks.value()));
  std::filesystem::resize_file(disks.value()[1].image, 4096);
  auto truncated = check_virtio_images(settings, disks.value());
  ASSERT_FALSE(truncated);
  EXPECT_THAT(truncated.error().message, HasSubstr("backing.img is 4096 bytes, expected 1073741824"));
  std::filesystem::remove(disks.value()[0].image);
  auto missing = check_virtio_images(settings, disks.value());
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("cache.img is missing"));
  remove_virtio_images(dir.path());
  EXPECT_FALSE(std::filesystem::exists(disks.value()[1].image));
}

TEST(VirtioImages, AreSparseFilesOfTheRequestedSizes) {
  TempDir dir("images-test");
  auto disks = create_virtio_images(race_settings(), dir.path());
  ASSERT_TRUE(disks);
  ASSERT_EQ(disks.value().size(), 2u);
  EXPECT_EQ(std::filesystem::file_size(disks.value()[0].image), 256u << 20);
  EXPECT_EQ(std::filesystem::file_size(disks.value()[1].image), 1u << 30);
  EXPECT_EQ(disks.value()[1].serial, "bh-backing");
}

}  // namespace
}  // namespace bh
