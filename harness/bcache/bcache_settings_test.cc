#include "harness/bcache/bcache_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bh {
namespace {

using ::testing::HasSubstr;

TEST(ParseSize, AcceptsBytesAndBinarySuffixes) {
  EXPECT_EQ(parse_size("4096").value(), 4096u);
  EXPECT_EQ(parse_size("64k").value(), 65536u);
  EXPECT_EQ(parse_size("256M").value(), 256u << 20);
  EXPECT_EQ(parse_size("1G").value(), 1u << 30);
  EXPECT_FALSE(parse_size("12x"));
  EXPECT_FALSE(parse_size("k"));
  EXPECT_FALSE(parse_size(""));
}

TEST(ParseBcacheHprint, ReadsSysfsSizes) {
  EXPECT_DOUBLE_EQ(parse_bcache_hprint("64.0k\n").value(), 65536.0);
  EXPECT_DOUBLE_EQ(parse_bcache_hprint("4.0M").value(), 4194304.0);
  EXPECT_DOUBLE_EQ(parse_bcache_hprint("512").value(), 512.0);
  EXPECT_FALSE(parse_bcache_hprint("lots"));
}

TEST(ApplySetting, SetsEachKindOfKey) {
  BcacheSettings settings;
  ASSERT_TRUE(apply_setting_assignment(settings, "cache_mode=writearound"));
  ASSERT_TRUE(apply_setting_assignment(settings, "sequential_cutoff=64k"));
  ASSERT_TRUE(apply_setting_assignment(settings, "delay_write_ms=50"));
  ASSERT_TRUE(apply_setting_assignment(settings, "devices=loop"));
  EXPECT_EQ(settings.cache_mode, CacheMode::kWritearound);
  EXPECT_EQ(settings.sequential_cutoff_bytes.value(), 65536u);
  EXPECT_TRUE(settings.has_delay());
  EXPECT_EQ(settings.devices, DeviceKind::kLoop);
}

TEST(ApplySetting, ErrorsNameTheKeyAndTheValue) {
  BcacheSettings settings;
  auto unknown = apply_setting_assignment(settings, "cache_size_mb=3");
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr("cache_size_mb"));
  EXPECT_THAT(unknown.error().message, HasSubstr("cache_size"));
  auto bad = apply_setting(settings, "cache_mode", "fast");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("cache_mode"));
  EXPECT_THAT(bad.error().message, HasSubstr("fast"));
  EXPECT_FALSE(apply_setting_assignment(settings, "no-equals-sign"));
}

TEST(ApplySetting, HostDeviceKindsAndTheirDevices) {
  BcacheSettings settings;
  ASSERT_TRUE(apply_setting(settings, "devices", "host-loop"));
  EXPECT_EQ(settings.devices, DeviceKind::kHostLoop);
  EXPECT_TRUE(validate(settings));
  ASSERT_TRUE(apply_setting(settings, "devices", "host"));
  auto missing = validate(settings);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("needs both cache_dev and backing_dev"));
  ASSERT_TRUE(apply_setting(settings, "cache_dev", "/dev/nvme0n1"));
  ASSERT_TRUE(apply_setting(settings, "backing_dev", "/dev/nvme0n1"));
  EXPECT_THAT(validate(settings).error().message, HasSubstr("the same device"));
  ASSERT_TRUE(apply_setting(settings, "backing_dev", "/dev/sdb"));
  EXPECT_TRUE(validate(settings));
  ASSERT_TRUE(apply_setting(settings, "destroy_data", "/dev/sdb"));
  ASSERT_TRUE(apply_setting(settings, "destroy_data", "/dev/nvme0n1"));
  EXPECT_EQ(settings.destroy_data, (std::vector<std::string>{"/dev/sdb", "/dev/nvme0n1"}));
  EXPECT_THAT(apply_setting(settings, "cache_dev", "sdb").error().message, HasSubstr("not an absolute device path"));
  EXPECT_THAT(apply_setting(settings, "devices", "real").error().message,
              HasSubstr("not one of virtio|loop|host-loop|host"));
  BcacheSettings images;
  ASSERT_TRUE(apply_setting(images, "cache_dev", "/dev/sdb"));
  EXPECT_THAT(validate(images).error().message, HasSubstr("need devices=host"));
}

TEST(Validate, ACacheNeedsAtLeast128Buckets) {
  BcacheSettings settings;
  settings.bucket_bytes = 512 << 10;  // make-bcache's default: 256M / 512k = 512 buckets: fine
  EXPECT_TRUE(validate(settings));
  settings.cache_bytes = 32 << 20;  // 64 buckets: bcache refuses it
  auto result = validate(settings);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("128 buckets"));
}

TEST(SettingKeys, EveryKeyInTheTableCanBeSetFromItsDefaultText) {
  for (const auto& key : setting_keys()) {
    EXPECT_FALSE(key.help.empty()) << key.name;
    EXPECT_FALSE(key.type.empty()) << key.name;
  }
  EXPECT_GE(setting_keys().size(), 12u);
}

}  // namespace
}  // namespace bh
