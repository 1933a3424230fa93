#include "harness/image/module_index.h"

#include <gtest/gtest.h>

#include "harness/image/test_support.h"

namespace bh::image {
namespace {

using testing::fixture_modules_dir;

TEST(ModuleNameTest, StripsDirectoryAndEverySuffixAndNormalisesDashes) {
  EXPECT_EQ(module_name_from_path("kernel/drivers/md/bcache/bcache.ko"), "bcache");
  EXPECT_EQ(module_name_from_path("kernel/drivers/md/dm-mod.ko.xz"), "dm_mod");
  EXPECT_EQ(module_name_from_path("kernel/drivers/md/dm-log-writes.ko.zst"), "dm_log_writes");
  EXPECT_EQ(module_name_from_path("loop.ko.gz"), "loop");
  EXPECT_EQ(normalise_module_name("dm-delay"), "dm_delay");
}

TEST(ParseModulesDepTest, ReadsPathAndDependencies) {
  auto index = parse_modules_dep(
      "kernel/lib/crc64.ko:\n"
      "\n"
      "kernel/drivers/md/bcache/bcache.ko.xz: kernel/lib/crc64.ko\n"
      "kernel/drivers/md/dm-delay.ko.zst:  kernel/drivers/md/dm-mod.ko.zst \n"
      "kernel/drivers/md/dm-mod.ko.zst:\n",
      "modules.dep");
  ASSERT_TRUE(index) << index.error().message;
  ASSERT_EQ(index.value().size(), 4u);
  const auto& bcache = index.value().at("bcache");
  EXPECT_EQ(bcache.relative_path, "kernel/drivers/md/bcache/bcache.ko.xz");
  EXPECT_EQ(bcache.dependencies, std::vector<std::string>{"crc64"});
  EXPECT_EQ(index.value().at("dm_delay").dependencies, std::vector<std::string>{"dm_mod"});
  EXPECT_TRUE(index.value().at("crc64").dependencies.empty());
}

TEST(ParseModulesDepTest, ErrorNamesFileAndLine) {
  auto missing_colon = parse_modules_dep("a.ko:\nkernel/b.ko kernel/a.ko\n", "/x/modules.dep");
  ASSERT_FALSE(missing_colon);
  EXPECT_NE(missing_colon.error().message.find("/x/modules.dep:2: "), std::string::npos)
      << missing_colon.error().message;

  auto not_module = parse_modules_dep("a.ko:\n\nb.ko: a.o\n", "dep");
  ASSERT_FALSE(not_module);
  EXPECT_NE(not_module.error().message.find("dep:3: \"a.o\""), std::string::npos) << not_module.error().message;

  auto twice = parse_modules_dep("x/a.ko:\ny/a.ko:\n", "dep");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("dep:2: module a listed twice"), std::string::npos);
}

TEST(ParseModulesBuiltinTest, ReadsNamesAndRejectsJunk) {
  auto names = parse_modules_builtin("kernel/net/unix/unix.ko\nkernel/lib/crc-t10dif.ko\n", "b");
  ASSERT_TRUE(names);
  EXPECT_EQ(names.value(), (std::set<std::string>{"crc_t10dif", "unix"}));

  auto bad = parse_modules_builtin("kernel/net/unix/unix.ko\nhello world\n", "builtin");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("builtin:2: "), std::string::npos);
}

TEST(LoadModulesTest, ReadsTheRealDebianFixture) {
  auto index = load_modules_dep(fixture_modules_dir());
  ASSERT_TRUE(index) << index.error().message;
  EXPECT_GT(index.value().size(), 4000u);
  const auto& bcache = index.value().at("bcache");
  EXPECT_EQ(bcache.relative_path, "kernel/drivers/md/bcache/bcache.ko");
  EXPECT_EQ(bcache.dependencies, std::vector<std::string>{"crc64"});
  EXPECT_EQ(index.value().at("dm_mod").relative_path, "kernel/drivers/md/dm-mod.ko");

  auto builtin = load_modules_builtin(fixture_modules_dir());
  ASSERT_TRUE(builtin) << builtin.error().message;
  EXPECT_TRUE(builtin.value().contains("unix"));
  EXPECT_FALSE(builtin.value().contains("bcache"));
}

TEST(LoadModulesTest, MissingDepFileSaysHowToMakeIt) {
  auto index = load_modules_dep("/nonexistent/lib/modules/x");
  ASSERT_FALSE(index);
  EXPECT_NE(index.error().message.find("depmod"), std::string::npos);
  auto builtin = load_modules_builtin("/nonexistent/lib/modules/x");
  ASSERT_TRUE(builtin);
  EXPECT_TRUE(builtin.value().empty());
}

}  // namespace
}  // namespace bh::image
