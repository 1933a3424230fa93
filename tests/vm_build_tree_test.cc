// `build:PATH` kernels (ctest label `vm`): a kernel build tree, laid out here from the cached
// Debian kernel's files the way `make` leaves them, boots and provisions; the same tree
// without bcache.ko is refused before any boot with an error naming CONFIG_BCACHE.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "tests/vm_test_support.h"
#include "util/files.h"

namespace bh::testing {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

enum class WithBcache { kYes, kNo };

/// A build tree: arch/x86/boot/bzImage, include/config/kernel.release, modules.order and
/// modules.builtin at the root, and each listed module at its source path.
fs::path make_build_tree(const fs::path& root, const Kernel& kernel, WithBcache bcache) {
  fs::create_directories(root / "arch/x86/boot");
  fs::create_directories(root / "include/config");
  fs::copy_file(kernel.boot_image, root / "arch/x86/boot/bzImage");
  std::ofstream(root / "include/config/kernel.release") << kernel.release << "\n";
  fs::copy_file(kernel.modules_dir / "modules.builtin", root / "modules.builtin");
  std::istringstream order(read_file(kernel.modules_dir / "modules.order").value());
  std::ofstream tree_order(root / "modules.order");
  const std::regex wanted("/(virtio[^/]*|crc64|bcache|dm-[^/]*|loop)\\.ko$");
  std::string line;
  while (std::getline(order, line)) {
    if (!std::regex_search(line, wanted)) continue;
    if (bcache == WithBcache::kNo && line.find("/bcache.ko") != std::string::npos) continue;
    const std::string in_tree = line.substr(line.find('/') + 1);  // drop "kernel/"
    fs::create_directories((root / in_tree).parent_path());
    fs::create_symlink(kernel.modules_dir / line, root / in_tree);
    tree_order << in_tree << "\n";
  }
  return root;
}

/// A fixed place for test trees: the harness caches a staged tree by its path, so a fresh
/// temporary path per run would leave a new ~60 MiB cache entry behind every time.
fs::path fresh_tree_dir(const std::string& name) {
  const auto dir = cache_root() / "test-build-trees" / name;
  fs::remove_all(dir);
  return dir;
}

TEST(BuildTreeKernel, BootsAndProvisionsFromATree) {
  auto stock = prepared("debian:stock");
  ASSERT_TRUE(stock) << stock.error().message;
  const auto tree = make_build_tree(fresh_tree_dir("with-bcache"), stock.value().kernel, WithBcache::kYes);
  auto guest = boot_provisioned("build:" + tree.string(), writethrough_64k_cutoff(DeviceKind::kVirtio));
  ASSERT_TRUE(guest) << guest.error().message;
  EXPECT_EQ(guest.value().session->report().guest_release, stock.value().kernel.release);
  EXPECT_EQ(guest.value().bcache.readback.at("state"), "clean");
  auto off = guest.value().session->power_off();
  EXPECT_TRUE(off) << off.error().message;
}

TEST(BuildTreeKernel, ATreeWithoutBcacheIsRefusedNamingTheOption) {
  auto stock = prepared("debian:stock");
  ASSERT_TRUE(stock) << stock.error().message;
  const auto tree = make_build_tree(fresh_tree_dir("without-bcache"), stock.value().kernel, WithBcache::kNo);
  auto result = run_cli({"image", "--kernel", "build:" + tree.string()});
  std::cerr << result.output;
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("bcache"));
  EXPECT_THAT(result.output, HasSubstr("CONFIG_BCACHE"));
}

}  // namespace
}  // namespace bh::testing
