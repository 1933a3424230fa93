// Real downloads and tools, too slow for unit runs (apt, dpkg-deb, depmod, xz: ~10 s per
// kernel). Run by hand:
//   BH_REAL_CACHE=/tmp/bh-cache-test harness_kernel_tests
//       --gtest_also_run_disabled_tests --gtest_filter='RealKernel.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "harness/kernel/build_tree.h"
#include "harness/kernel/kernel_provider.h"
#include "harness/kernel/pvh_image.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;

/// Runs real programs and prints how long each took.
class TimingRunner : public ProcessRunner {
 public:
  Expected<ProcessResult> run(const ProcessRequest& request) override {
    const auto start = std::chrono::steady_clock::now();
    auto result = real_.run(request);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::cout << "  [" << took.count() << " s] " << describe_command(request.argv)
              << (result ? " -> exit " + std::to_string(result.value().exit_code) : "") << "\n";
    return result;
  }

 private:
  SystemProcessRunner real_;
};

fs::path real_cache() {
  const char* dir = std::getenv("BH_REAL_CACHE");
  return dir && *dir ? fs::path(dir) : fs::path("/tmp/bh-cache-test");
}

double mib(const fs::path& file) { return static_cast<double>(fs::file_size(file)) / (1 << 20); }

void resolve_and_check(const std::string& spec_text) {
  TimingRunner runner;
  KernelProvider provider(runner, real_cache());
  const auto start = std::chrono::steady_clock::now();
  auto kernel = provider.resolve(parse_kernel_spec(spec_text).value());
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(kernel) << kernel.error().message;
  std::cout << spec_text << ": " << took.count() << " s, " << kernel.value().source << "\n  boot image "
            << mib(kernel.value().boot_image) << " MiB\n";
  EXPECT_TRUE(fs::exists(kernel.value().modules_dir / "modules.dep"));
  ASSERT_TRUE(kernel.value().pvh_image);
  EXPECT_TRUE(elf_file_has_pvh_note(*kernel.value().pvh_image));
  std::cout << "  pvh image " << *kernel.value().pvh_image << " " << mib(*kernel.value().pvh_image) << " MiB\n";
}

TEST(RealKernel, DISABLED_Debian61) { resolve_and_check("debian:6.1.0-56-amd64"); }

TEST(RealKernel, DISABLED_Debian612Backport) { resolve_and_check("debian:6.12.107+deb12-amd64"); }

TEST(RealKernel, DISABLED_Stock) { resolve_and_check("debian:stock"); }

/// The .deb named by $BH_REAL_DEB, e.g. one fetched with `apt-get download`.
TEST(RealKernel, DISABLED_LocalDeb) {
  const char* deb = std::getenv("BH_REAL_DEB");
  ASSERT_TRUE(deb && *deb) << "set BH_REAL_DEB to a linux-image .deb";
  resolve_and_check(std::string("deb:") + deb);
}

/// The messages users see when apt or dpkg-deb say no.
TEST(RealKernel, DISABLED_ErrorsFromRealTools) {
  TimingRunner runner;
  KernelProvider provider(runner, real_cache());
  auto unknown = provider.resolve(parse_kernel_spec("debian:9.9.9-nope-amd64").value());
  ASSERT_FALSE(unknown);
  std::cout << unknown.error().message << "\n";
  EXPECT_NE(unknown.error().message.find("Debian has no kernel package"), std::string::npos);
  TempDir dir("corrupt");
  std::ofstream(dir.path() / "corrupt.deb") << "garbage";
  auto corrupt = provider.resolve(parse_kernel_spec("deb:" + (dir.path() / "corrupt.deb").string()).value());
  ASSERT_FALSE(corrupt);
  std::cout << corrupt.error().message << "\n";
  EXPECT_NE(corrupt.error().message.find("not a valid .deb"), std::string::npos);
}

/// A build tree with all of Debian 6.1's modules (~4,000), staged with the real depmod:
/// first from nothing, then unchanged, then after one module was rebuilt.
TEST(RealKernel, DISABLED_StagesAFullSizedBuildTreeQuickly) {
  const auto installed = real_cache() / "kernels/6.1.0-56-amd64";
  ASSERT_TRUE(fs::exists(installed / ".complete")) << "run RealKernel.DISABLED_Debian61 first";
  TempDir tree("real-tree");
  const auto modules = installed / "lib/modules/6.1.0-56-amd64";
  fs::create_directories(tree.path() / "arch/x86/boot");
  fs::create_directories(tree.path() / "include/config");
  fs::copy_file(installed / "boot/vmlinuz-6.1.0-56-amd64", tree.path() / "arch/x86/boot/bzImage");
  std::ofstream(tree.path() / "include/config/kernel.release") << "6.1.0-56-amd64\n";
  std::ofstream order(tree.path() / "modules.order");
  for (const auto& entry : fs::recursive_directory_iterator(modules / "kernel")) {
    if (entry.path().extension() != ".ko") continue;
    auto relative = entry.path().lexically_relative(modules / "kernel");
    fs::create_directories((tree.path() / relative).parent_path());
    fs::create_symlink(entry.path(), tree.path() / relative);
    order << relative.replace_extension(".o").string() << "\n";
  }
  order.close();
  fs::copy_file(modules / "modules.builtin", tree.path() / "modules.builtin");
  TimingRunner runner;
  TempDir cache("real-cache");
  KernelProvider provider(runner, cache.path());
  const auto spec = parse_kernel_spec("build:" + tree.path().string()).value();
  const auto bcache = tree.path() / "drivers/md/bcache/bcache.ko";
  for (int round = 0; round < 3; ++round) {
    if (round == 2) {  // as after editing bcache and running make
      fs::remove(bcache);
      fs::copy_file(modules / "kernel/drivers/md/bcache/bcache.ko", bcache);
    }
    const auto start = std::chrono::steady_clock::now();
    auto kernel = provider.resolve(spec);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(kernel) << kernel.error().message;
    std::cout << "build tree resolve " << round << ": " << took.count() << " s\n";
    EXPECT_GT(fs::file_size(kernel.value().modules_dir / "modules.dep"), 100000u);
    if (round > 0) {
      EXPECT_LT(took.count(), 2.0);
    }
  }
}

}  // namespace
}  // namespace bh
