#include "harness/kernel/module_vermagic.h"

#include <gtest/gtest.h>

#include "util/fake_process_runner.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using testing::FakeProcessRunner;

constexpr const char* kStock = "6.1.0-56-amd64 SMP preempt mod_unload modversions";
constexpr const char* kOther = "6.12.107+deb12-amd64 SMP preempt mod_unload modversions";

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

class ModuleVermagicTest : public ::testing::Test {
 protected:
  fs::path module(const std::string& name) {
    const auto path = dir_.path() / name;
    EXPECT_TRUE(write_file_atomically(path,
                                      "\x7f"
                                      "ELF"));
    return path;
  }
  /// Scripts modinfo to report `vermagic` and `name` for `path` (modinfo pads with a space).
  void script(const fs::path& path, const std::string& vermagic, const std::string& name) {
    runner_.on({"modinfo", "-F", "vermagic", path.string()}, 0, vermagic + " \n");
    runner_.on({"modinfo", "-F", "name", path.string()}, 0, name + "\n");
  }

  TempDir dir_{"vermagic-test"};
  FakeProcessRunner runner_;
};

TEST_F(ModuleVermagicTest, ReadsAndTrimsTheVermagic) {
  const auto ko = module("bcache.ko");
  script(ko, kStock, "bcache");
  auto vermagic = read_vermagic(runner_, ko);
  ASSERT_TRUE(vermagic) << vermagic.error().message;
  EXPECT_EQ(vermagic.value(), kStock);
  EXPECT_EQ(runner_.calls().front(), (std::vector<std::string>{"modinfo", "-F", "vermagic", ko.string()}));
}

TEST_F(ModuleVermagicTest, ABareFileNameIsPassedAsAPathNotAModuleName) {
  auto vermagic = read_vermagic(runner_, "bcache.ko");  // does not exist here: no call
  ASSERT_FALSE(vermagic);
  EXPECT_EQ(vermagic.error().message, "module file bcache.ko does not exist");
  EXPECT_TRUE(runner_.calls().empty());
}

TEST_F(ModuleVermagicTest, MatchingReplacementPasses) {
  const auto given = module("given.ko");
  const auto original = module("bcache.ko");
  script(given, kStock, "bcache");
  script(original, kStock, "bcache");
  auto checked = check_replacement_module(runner_, given, original, "6.1.0-56-amd64");
  EXPECT_TRUE(checked) << checked.error().message;
}

TEST_F(ModuleVermagicTest, OtherVermagicIsRefusedNamingBothFilesAndValues) {
  const auto given = module("given.ko");
  const auto original = module("bcache.ko");
  script(given, kOther, "bcache");
  script(original, kStock, "bcache");
  auto checked = check_replacement_module(runner_, given, original, "6.1.0-56-amd64");
  ASSERT_FALSE(checked);
  const auto& message = checked.error().message;
  EXPECT_EQ(message, "module " + given.string() + " has vermagic '" + kOther + "' but the base kernel's " +
                         original.string() + " has '" + kStock +
                         "'; build it against the base kernel's headers (for a Debian "
                         "kernel: scripts/build-bcache-module --base 6.1.0-56-amd64)");
}

TEST_F(ModuleVermagicTest, AnotherModuleIsRefused) {
  const auto given = module("dm-mod.ko");
  const auto original = module("bcache.ko");
  script(given, kStock, "dm_mod");
  script(original, kStock, "bcache");
  auto checked = check_replacement_module(runner_, given, original, "6.1.0-56-amd64");
  ASSERT_FALSE(checked);
  EXPECT_TRUE(contains(checked.error().message, "is 'dm_mod', not 'bcache'")) << checked.error().message;
}

TEST_F(ModuleVermagicTest, AFileModinfoCannotReadIsNotAModule) {
  const auto given = module("junk.ko");
  const auto original = module("bcache.ko");
  script(original, kStock, "bcache");
  runner_.on({"modinfo", "-F", "vermagic", given.string()}, 1,
             "modinfo: ERROR: could not get modinfo from 'junk': Invalid argument\n");
  auto checked = check_replacement_module(runner_, given, original, "6.1.0-56-amd64");
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message, given.string() +
                                         " is not a kernel module (modinfo: ERROR: could not get modinfo "
                                         "from 'junk': Invalid argument)");
}

TEST_F(ModuleVermagicTest, AnObjectWithoutVermagicIsNotAModule) {
  const auto given = module("plain.o");
  runner_.on({"modinfo", "-F", "vermagic", given.string()}, 0, "");
  auto vermagic = read_vermagic(runner_, given);
  ASSERT_FALSE(vermagic);
  EXPECT_EQ(vermagic.error().message, given.string() + " is not a kernel module: it has no vermagic");
}

TEST_F(ModuleVermagicTest, MissingFileIsNamedBeforeRunningAnything) {
  const auto original = module("bcache.ko");
  script(original, kStock, "bcache");
  auto checked = check_replacement_module(runner_, dir_.path() / "nope.ko", original, "6.1.0-56-amd64");
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message, "module file " + (dir_.path() / "nope.ko").string() + " does not exist");
}

}  // namespace
}  // namespace bh
