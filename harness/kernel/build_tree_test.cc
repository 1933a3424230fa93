#include "harness/kernel/build_tree.h"

#include <gtest/gtest.h>

#include "util/fake_process_runner.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using testing::FakeProcessRunner;

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

void touch(const fs::path& path, std::string_view content = "x") { ASSERT_TRUE(write_file_atomically(path, content)); }

/// depmod that records the modules it was shown, as the real one would index them.
void script_depmod(FakeProcessRunner& runner) {
  runner.on({"depmod"}, [](const ProcessRequest& request) {
    const auto dir = fs::path(request.argv.at(2)) / "lib/modules" / request.argv.at(3);
    touch(dir / "modules.dep", read_file(dir / "modules.order").value());
    return ProcessResult{.exit_code = 0};
  });
}

class BuildTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    touch(tree_.path() / "arch/x86/boot/bzImage", std::string(4096, 'b'));
    touch(tree_.path() / "include/config/kernel.release", "6.18.0-rc1-bcache+\n");
    touch(tree_.path() / "drivers/md/bcache/bcache.ko", "ko");
    touch(tree_.path() / "lib/crc64.ko", "ko");
    touch(tree_.path() / "modules.order", "lib/crc64.o\ndrivers/md/bcache/bcache.o\n");
    touch(tree_.path() / "modules.builtin", "kernel/drivers/virtio/virtio.ko\n");
    script_depmod(runner_);
  }

  Expected<fs::path> stage() {
    return stage_build_modules(runner_, inspect_build_tree(tree_.path()).value(), stage_.path());
  }

  TempDir tree_{"tree"};
  TempDir stage_{"stage"};
  FakeProcessRunner runner_;
};

TEST(ModulesOrder, MapsObjectsToModules) {
  EXPECT_EQ(modules_from_order("fs/ext4/ext4.o\n\ndrivers/md/bcache/bcache.ko\n"),
            (std::vector<std::string>{"fs/ext4/ext4.ko", "drivers/md/bcache/bcache.ko"}));
  EXPECT_TRUE(modules_from_order("").empty());
}

TEST(InspectBuildTree, NamesWhatIsMissing) {
  auto missing = inspect_build_tree("/nonexistent/linux");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, "/nonexistent/linux does not exist"));
  TempDir tree("tree");
  touch(tree.path() / "arch/x86/boot/bzImage");
  auto no_release = inspect_build_tree(tree.path());
  ASSERT_FALSE(no_release);
  EXPECT_TRUE(contains(no_release.error().message, "has no include/config/kernel.release; run make first"));
}

TEST_F(BuildTreeTest, ReadsTheRelease) {
  auto tree = inspect_build_tree(tree_.path());
  ASSERT_TRUE(tree);
  EXPECT_EQ(tree.value().release, "6.18.0-rc1-bcache+");
  EXPECT_EQ(tree.value().bz_image, fs::canonical(tree_.path()) / "arch/x86/boot/bzImage");
}

TEST_F(BuildTreeTest, StagesSymlinksInTheInstalledLayout) {
  auto modules_dir = stage();
  ASSERT_TRUE(modules_dir) << modules_dir.error().message;
  EXPECT_EQ(modules_dir.value(), stage_.path() / "lib/modules/6.18.0-rc1-bcache+");
  const auto bcache = modules_dir.value() / "kernel/drivers/md/bcache/bcache.ko";
  ASSERT_TRUE(fs::is_symlink(bcache));
  EXPECT_EQ(fs::read_symlink(bcache), fs::canonical(tree_.path()) / "drivers/md/bcache/bcache.ko");
  EXPECT_EQ(read_file(modules_dir.value() / "modules.order").value(),
            "kernel/lib/crc64.ko\nkernel/drivers/md/bcache/bcache.ko\n");
  EXPECT_EQ(read_file(modules_dir.value() / "modules.builtin").value(), "kernel/drivers/virtio/virtio.ko\n");
  EXPECT_TRUE(fs::exists(modules_dir.value() / "modules.dep"));
  EXPECT_EQ(runner_.calls().at(0),
            (std::vector<std::string>{"depmod", "-b", stage_.path().string(), "6.18.0-rc1-bcache+"}));
}

TEST_F(BuildTreeTest, EachResolveRebuildsTheStage) {
  ASSERT_TRUE(stage());
  touch(tree_.path() / "modules.order", "drivers/md/bcache/bcache.o\n");
  auto modules_dir = stage();
  ASSERT_TRUE(modules_dir);
  EXPECT_FALSE(fs::exists(modules_dir.value() / "kernel/lib/crc64.ko"));
  EXPECT_TRUE(fs::exists(modules_dir.value() / "kernel/drivers/md/bcache/bcache.ko"));
}

TEST_F(BuildTreeTest, OldStyleKernelPrefixAndNoModules) {
  touch(tree_.path() / "modules.order", "kernel/drivers/md/bcache/bcache.ko\n");
  auto modules_dir = stage();
  ASSERT_TRUE(modules_dir) << modules_dir.error().message;
  EXPECT_TRUE(fs::exists(modules_dir.value() / "kernel/drivers/md/bcache/bcache.ko"));
  fs::remove(tree_.path() / "modules.order");
  fs::remove(tree_.path() / "modules.builtin");
  modules_dir = stage();
  ASSERT_TRUE(modules_dir);
  EXPECT_EQ(read_file(modules_dir.value() / "modules.builtin").value(), "");
  EXPECT_TRUE(fs::exists(modules_dir.value() / "modules.dep"));
}

TEST_F(BuildTreeTest, MissingModuleSaysRunMake) {
  fs::remove(tree_.path() / "lib/crc64.ko");
  auto modules_dir = stage();
  ASSERT_FALSE(modules_dir);
  EXPECT_TRUE(contains(modules_dir.error().message, "module lib/crc64.ko listed in"));
  EXPECT_TRUE(contains(modules_dir.error().message, "run make"));
}

TEST_F(BuildTreeTest, DepmodFailureIsQuoted) {
  runner_.on({"depmod"}, 1, "depmod: FATAL: could not search modules: No such file\n");
  auto modules_dir = stage();
  ASSERT_FALSE(modules_dir);
  EXPECT_TRUE(contains(modules_dir.error().message, "depmod: FATAL: could not search modules"));
}

TEST_F(BuildTreeTest, UnchangedTreeSkipsDepmodAndAChangedModuleRedoesIt) {
  ASSERT_TRUE(stage());
  ASSERT_TRUE(stage());
  EXPECT_EQ(runner_.count("depmod"), 1u);
  touch(tree_.path() / "drivers/md/bcache/bcache.ko", "rebuilt ko");
  ASSERT_TRUE(stage());
  EXPECT_EQ(runner_.count("depmod"), 2u);
  touch(tree_.path() / "modules.builtin", "kernel/lib/crc64.ko\n");
  auto modules_dir = stage();
  ASSERT_TRUE(modules_dir);
  EXPECT_EQ(runner_.count("depmod"), 3u);
  EXPECT_EQ(read_file(modules_dir.value() / "modules.builtin").value(), "kernel/lib/crc64.ko\n");
}

TEST_F(BuildTreeTest, ANewReleaseReplacesTheOldOne) {
  auto old_dir = stage();
  ASSERT_TRUE(old_dir);
  touch(tree_.path() / "include/config/kernel.release", "6.18.0-rc2\n");
  auto new_dir = stage();
  ASSERT_TRUE(new_dir);
  EXPECT_EQ(new_dir.value().filename(), "6.18.0-rc2");
  EXPECT_FALSE(fs::exists(old_dir.value()));
  EXPECT_TRUE(fs::exists(new_dir.value() / "kernel/lib/crc64.ko"));
}

}  // namespace
}  // namespace bh
