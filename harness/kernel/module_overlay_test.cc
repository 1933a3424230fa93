#include "harness/kernel/module_overlay.h"

#include <gtest/gtest.h>

#include "util/fake_process_runner.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using testing::FakeProcessRunner;

constexpr const char* kRelease = "6.1.0-56-amd64";

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

void touch(const fs::path& path, std::string_view content = "x") { ASSERT_TRUE(write_file_atomically(path, content)); }

std::string content(const fs::path& path) {
  auto text = read_file(path);
  return text ? text.value() : "<unreadable>";
}

/// A Debian-like modules directory: modules, depmod's inputs and some of its outputs.
fs::path make_base(const fs::path& root, const std::string& bcache_file = "bcache.ko") {
  const auto dir = root / "lib/modules" / kRelease;
  const auto bcache = "kernel/drivers/md/bcache/" + bcache_file;
  touch(dir / bcache, "stock bcache");
  touch(dir / "kernel/drivers/md/dm-mod.ko", "dm");
  touch(dir / "kernel/drivers/block/virtio_blk.ko", "virtio");
  touch(dir / "kernel/lib/crc64.ko", "crc64");
  touch(dir / "modules.dep",
        "kernel/drivers/md/dm-mod.ko:\n" + bcache + ": kernel/lib/crc64.ko\nkernel/lib/crc64.ko:\n");
  touch(dir / "modules.order", bcache + "\n");
  touch(dir / "modules.builtin", "kernel/drivers/virtio/virtio.ko\n");
  touch(dir / "modules.builtin.modinfo", "virtio.x=y");
  touch(dir / "modules.alias", "alias stock");
  touch(dir / "modules.dep.bin", "stock index");
  return dir;
}

/// Scripts depmod to list, as modules.dep, every module it can reach under the overlay
/// (following links, as the real one does).
void script_depmod(FakeProcessRunner& runner) {
  runner.on({"depmod"}, [](const ProcessRequest& request) {
    const auto dir = fs::path(request.argv.at(2)) / "lib/modules" / request.argv.at(3);
    std::string dep;
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink);
         it != fs::recursive_directory_iterator(); ++it) {
      const auto name = it->path().filename().string();
      if (name.find(".ko") != std::string::npos) {
        dep += it->path().lexically_relative(dir).string() + ":\n";
      }
    }
    touch(dir / "modules.dep", dep);
    return ProcessResult{.exit_code = 0};
  });
}

class ModuleOverlayTest : public ::testing::Test {
 protected:
  ModuleOverlayRequest request(const fs::path& base_dir, const fs::path& replaced) {
    return {base_dir, kRelease, replaced, module_, temp_.path() / "cache/module-abc", "test"};
  }

  TempDir temp_{"overlay-test"};
  fs::path module_ = temp_.path() / "patched/bcache.ko";
  FakeProcessRunner runner_;
};

TEST_F(ModuleOverlayTest, FindsTheModuleInModulesDep) {
  const auto base = make_base(temp_.path() / "base");
  auto found = find_module_file(base, "bcache");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found.value(), "kernel/drivers/md/bcache/bcache.ko");
  EXPECT_EQ(find_module_file(base, "dm_mod").value(), "kernel/drivers/md/dm-mod.ko");
  EXPECT_EQ(find_module_file(base, "dm-mod").value(), "kernel/drivers/md/dm-mod.ko");
}

TEST_F(ModuleOverlayTest, FindsACompressedModule) {
  const auto base = make_base(temp_.path() / "base", "bcache.ko.xz");
  EXPECT_EQ(find_module_file(base, "bcache").value(), "kernel/drivers/md/bcache/bcache.ko.xz");
}

TEST_F(ModuleOverlayTest, BuiltInOrAbsentModulesAreExplained) {
  const auto base = make_base(temp_.path() / "base");
  auto builtin = find_module_file(base, "virtio");
  ASSERT_FALSE(builtin);
  EXPECT_TRUE(contains(builtin.error().message, "has virtio built in")) << builtin.error().message;
  auto absent = find_module_file(base, "loop");
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().message,
            "the base kernel has no loop module (" + (base / "modules.dep").string() + " does not list it)");
}

TEST_F(ModuleOverlayTest, ReplacesOneModuleAndLinksEverythingElse) {
  const auto base = make_base(temp_.path() / "base");
  touch(module_, "patched bcache");
  script_depmod(runner_);
  auto built = build_module_overlay(runner_, request(base, "kernel/drivers/md/bcache/bcache.ko"));
  ASSERT_TRUE(built) << built.error().message;
  const auto dir = built.value();
  EXPECT_EQ(dir, temp_.path() / "cache/module-abc/lib/modules" / kRelease);
  // The replaced module is a copy; the directories above it are real, their other entries
  // links to the base.
  const auto bcache = dir / "kernel/drivers/md/bcache/bcache.ko";
  EXPECT_FALSE(fs::is_symlink(bcache));
  EXPECT_EQ(content(bcache), "patched bcache");
  for (const char* real : {"kernel", "kernel/drivers", "kernel/drivers/md", "kernel/drivers/md/bcache"}) {
    EXPECT_FALSE(fs::is_symlink(dir / real)) << real;
  }
  EXPECT_EQ(fs::read_symlink(dir / "kernel/drivers/block"), base / "kernel/drivers/block");
  EXPECT_EQ(fs::read_symlink(dir / "kernel/drivers/md/dm-mod.ko"), base / "kernel/drivers/md/dm-mod.ko");
  EXPECT_EQ(fs::read_symlink(dir / "kernel/lib"), base / "kernel/lib");
  // depmod's inputs are copied, its old outputs left out and the index rebuilt.
  EXPECT_FALSE(fs::is_symlink(dir / "modules.order"));
  EXPECT_EQ(content(dir / "modules.builtin"), "kernel/drivers/virtio/virtio.ko\n");
  EXPECT_TRUE(fs::exists(dir / "modules.builtin.modinfo"));
  EXPECT_FALSE(fs::exists(dir / "modules.alias"));
  EXPECT_FALSE(fs::exists(dir / "modules.dep.bin"));
  const auto dep = content(dir / "modules.dep");
  for (const char* listed : {"kernel/drivers/md/bcache/bcache.ko:", "kernel/drivers/md/dm-mod.ko:",
                             "kernel/drivers/block/virtio_blk.ko:", "kernel/lib/crc64.ko:"}) {
    EXPECT_TRUE(contains(dep, listed)) << dep;
  }
  // The base is untouched, and the overlay is complete.
  EXPECT_EQ(content(base / "kernel/drivers/md/bcache/bcache.ko"), "stock bcache");
  EXPECT_EQ(content(base / "modules.alias"), "alias stock");
  EXPECT_EQ(complete_module_overlay(temp_.path() / "cache/module-abc", kRelease), dir);
  EXPECT_TRUE(contains(content(temp_.path() / "cache/module-abc/.complete"), "\"source\": \"test\""));
  EXPECT_EQ(runner_.count("depmod"), 1u);
}

TEST_F(ModuleOverlayTest, ACompressedBaseModuleIsReplacedNotDuplicated) {
  const auto base = make_base(temp_.path() / "base", "bcache.ko.xz");
  touch(module_, "patched bcache");
  script_depmod(runner_);
  auto built = build_module_overlay(runner_, request(base, "kernel/drivers/md/bcache/bcache.ko.xz"));
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_EQ(content(built.value() / "kernel/drivers/md/bcache/bcache.ko"), "patched bcache");
  EXPECT_FALSE(fs::exists(built.value() / "kernel/drivers/md/bcache/bcache.ko.xz"));
}

TEST_F(ModuleOverlayTest, ACompressedReplacementKeepsItsSuffix) {
  const auto base = make_base(temp_.path() / "base");
  module_ = temp_.path() / "patched/bcache.ko.zst";
  touch(module_, "zstd bytes");
  script_depmod(runner_);
  auto built = build_module_overlay(runner_, request(base, "kernel/drivers/md/bcache/bcache.ko"));
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_EQ(content(built.value() / "kernel/drivers/md/bcache/bcache.ko.zst"), "zstd bytes");
  EXPECT_FALSE(fs::exists(built.value() / "kernel/drivers/md/bcache/bcache.ko"));
}

TEST_F(ModuleOverlayTest, DepmodFailureLeavesNothingBehind) {
  const auto base = make_base(temp_.path() / "base");
  touch(module_, "patched bcache");
  runner_.on({"depmod"}, 1, "depmod: FATAL: could not search modules: Permission denied\n");
  auto built = build_module_overlay(runner_, request(base, "kernel/drivers/md/bcache/bcache.ko"));
  ASSERT_FALSE(built);
  EXPECT_TRUE(contains(built.error().message, "Permission denied")) << built.error().message;
  EXPECT_TRUE(fs::is_empty(temp_.path() / "cache"));
  EXPECT_FALSE(complete_module_overlay(temp_.path() / "cache/module-abc", kRelease));
}

}  // namespace
}  // namespace bh
