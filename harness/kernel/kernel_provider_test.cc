#include "harness/kernel/kernel_provider.h"

#include <gtest/gtest.h>

#include "util/content_hash.h"
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

/// Scripts dpkg-deb and depmod the way a package holding `releases` behaves.
void script_package(FakeProcessRunner& runner, std::string package, std::vector<std::string> releases) {
  runner.on({"dpkg-deb", "-f"}, 0, "Package: " + package + "\nVersion: 6.1.192-2\n");
  runner.on({"dpkg-deb", "-x"}, [releases](const ProcessRequest& request) {
    const fs::path root = request.argv.at(3);
    for (const auto& release : releases) {
      touch(root / "lib/modules" / release / "kernel/drivers/md/bcache/bcache.ko");
      touch(root / "boot" / ("vmlinuz-" + release), std::string(4096, 'k'));
    }
    return ProcessResult{.exit_code = 0};
  });
  runner.on({"depmod"}, [](const ProcessRequest& request) {
    touch(fs::path(request.argv.at(2)) / "lib/modules" / request.argv.at(3) / "modules.dep",
          "kernel/drivers/md/bcache/bcache.ko:\n");
    return ProcessResult{.exit_code = 0};
  });
}

/// Scripts apt-get download to leave a .deb for `package` in its working directory.
void script_download(FakeProcessRunner& runner, const std::string& package) {
  runner.on({"apt-get", "download", package}, [package](const ProcessRequest& request) {
    touch(request.cwd / (package + "_6.1.192-2_amd64.deb"), "deb");
    return ProcessResult{.exit_code = 0, .output = "Fetched 70.6 MB in 0s\n"};
  });
}

void script_unknown(FakeProcessRunner& runner, const std::string& package) {
  runner.on({"apt-get", "download", package}, 100,
            "E: Unable to locate package " + package + "\nE: Couldn't find any package by regex '" + package + "'\n");
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class KernelProviderTest : public ::testing::Test {
 protected:
  Expected<Kernel> resolve(std::string_view spec_text) {
    KernelProvider provider(runner_, cache_.path());
    return provider.resolve(parse_kernel_spec(spec_text).value());
  }

  TempDir cache_{"provider-test"};
  FakeProcessRunner runner_;
};

TEST_F(KernelProviderTest, DownloadsUnpacksIndexesAndCaches) {
  script_download(runner_, "linux-image-6.1.0-56-amd64");
  script_package(runner_, "linux-image-6.1.0-56-amd64", {kRelease});
  auto kernel = resolve("debian:6.1.0-56-amd64");
  ASSERT_TRUE(kernel) << kernel.error().message;
  const auto dir = cache_.path() / "kernels" / kRelease;
  EXPECT_EQ(kernel.value().spec_text, "debian:6.1.0-56-amd64");
  EXPECT_EQ(kernel.value().release, kRelease);
  EXPECT_EQ(kernel.value().boot_image, dir / "boot/vmlinuz-6.1.0-56-amd64");
  EXPECT_EQ(kernel.value().modules_dir, dir / "lib/modules/6.1.0-56-amd64");
  EXPECT_TRUE(fs::exists(kernel.value().modules_dir / "modules.dep"));
  EXPECT_FALSE(kernel.value().pvh_image);  // the fake vmlinuz holds no compressed payload
  EXPECT_EQ(kernel.value().source, "debian package linux-image-6.1.0-56-amd64 6.1.192-2");
  EXPECT_EQ(entries(cache_.path() / "kernels"), std::vector<std::string>{kRelease});
  EXPECT_TRUE(contains(read_file(dir / ".complete").value(), "\"version\": \"6.1.192-2\""));
}

TEST_F(KernelProviderTest, CacheHitRunsNoProcess) {
  script_download(runner_, "linux-image-6.1.0-56-amd64");
  script_package(runner_, "linux-image-6.1.0-56-amd64", {kRelease});
  ASSERT_TRUE(resolve("debian:6.1.0-56-amd64"));
  const auto calls = runner_.calls().size();
  auto again = resolve("debian:6.1.0-56-amd64");
  ASSERT_TRUE(again);
  EXPECT_EQ(runner_.calls().size(), calls);
  EXPECT_EQ(again.value().source, "debian package linux-image-6.1.0-56-amd64 6.1.192-2");
}

TEST_F(KernelProviderTest, StockAsksAptCacheForTheRelease) {
  runner_.on({"apt-cache", "depends", "linux-image-amd64"}, 0,
             "linux-image-amd64\n  Depends: linux-image-6.1.0-56-amd64\n");
  script_download(runner_, "linux-image-6.1.0-56-amd64");
  script_package(runner_, "linux-image-6.1.0-56-amd64", {kRelease});
  auto kernel = resolve("debian:stock");
  ASSERT_TRUE(kernel) << kernel.error().message;
  EXPECT_EQ(kernel.value().release, kRelease);
  EXPECT_EQ(kernel.value().spec_text, "debian:stock");
}

TEST_F(KernelProviderTest, FallsBackToTheUnsignedPackage) {
  const std::string release = "6.12.107+deb12-amd64";
  script_unknown(runner_, "linux-image-" + release);
  script_download(runner_, "linux-image-" + release + "-unsigned");
  script_package(runner_, "linux-image-" + release + "-unsigned", {release});
  auto kernel = resolve("debian:" + release);
  ASSERT_TRUE(kernel) << kernel.error().message;
  EXPECT_EQ(kernel.value().release, release);
  EXPECT_TRUE(contains(kernel.value().source, "linux-image-6.12.107+deb12-amd64-unsigned"));
}

TEST_F(KernelProviderTest, UnknownReleaseTriesBothPackagesThenExplains) {
  script_unknown(runner_, "linux-image-9.9.9-amd64");
  script_unknown(runner_, "linux-image-9.9.9-amd64-unsigned");
  auto kernel = resolve("debian:9.9.9-amd64");
  ASSERT_FALSE(kernel);
  const auto& message = kernel.error().message;
  EXPECT_TRUE(contains(message,
                       "Debian has no kernel package for release '9.9.9-amd64' (tried "
                       "linux-image-9.9.9-amd64 and linux-image-9.9.9-amd64-unsigned"))
      << message;
  EXPECT_TRUE(contains(message,
                       "E: Couldn't find any package by regex "
                       "'linux-image-9.9.9-amd64-unsigned'"));
  EXPECT_TRUE(contains(message,
                       "run 'apt-get update' or list candidates with "
                       "'apt-cache search linux-image-'"));
  EXPECT_EQ(runner_.count("apt-get"), 2u);
  EXPECT_EQ(runner_.count("dpkg-deb"), 0u);
  EXPECT_EQ(entries(cache_.path() / "kernels"), std::vector<std::string>{});
}

TEST_F(KernelProviderTest, NetworkFailureIsReportedWithoutGuessingAnotherPackage) {
  runner_.on({"apt-get", "download"}, 100,
             "Err:1 http://deb.debian.org/debian-security bookworm-security/main amd64 "
             "linux-image-6.1.0-56-amd64 amd64 6.1.192-2\n"
             "  Temporary failure resolving 'deb.debian.org'\n");
  auto kernel = resolve("debian:6.1.0-56-amd64");
  ASSERT_FALSE(kernel);
  EXPECT_TRUE(contains(kernel.error().message, "Temporary failure resolving"));
  EXPECT_EQ(runner_.count("apt-get"), 1u);
}

TEST_F(KernelProviderTest, PackageForAnotherReleaseIsRejectedAndLeavesNothing) {
  script_download(runner_, "linux-image-6.1.0-56-amd64");
  script_package(runner_, "linux-image-6.1.0-56-amd64", {"6.1.0-55-amd64"});
  auto kernel = resolve("debian:6.1.0-56-amd64");
  ASSERT_FALSE(kernel);
  EXPECT_TRUE(contains(kernel.error().message,
                       "holds no lib/modules/6.1.0-56-amd64 (it has: "
                       "6.1.0-55-amd64)"))
      << kernel.error().message;
  EXPECT_EQ(entries(cache_.path() / "kernels"), std::vector<std::string>{});
}

TEST_F(KernelProviderTest, KeepsTheCopyAProcessThatWonTheRaceFinished) {
  script_download(runner_, "linux-image-6.1.0-56-amd64");
  script_package(runner_, "linux-image-6.1.0-56-amd64", {kRelease});
  const auto theirs = cache_.path() / "kernels" / kRelease;
  runner_.on({"depmod"}, [&](const ProcessRequest& request) {
    touch(fs::path(request.argv.at(2)) / "lib/modules" / kRelease / "modules.dep");
    touch(theirs / ".complete", R"({"release": "6.1.0-56-amd64", "source": "theirs"})");
    return ProcessResult{.exit_code = 0};
  });
  auto kernel = resolve("debian:6.1.0-56-amd64");
  ASSERT_TRUE(kernel) << kernel.error().message;
  EXPECT_EQ(kernel.value().source, "theirs");
  EXPECT_EQ(entries(cache_.path() / "kernels"), std::vector<std::string>{kRelease});
}

TEST_F(KernelProviderTest, MissingDebFileIsNamed) {
  auto kernel = resolve("deb:/nonexistent/linux-image.deb");
  ASSERT_FALSE(kernel);
  EXPECT_TRUE(contains(kernel.error().message, "/nonexistent/linux-image.deb does not exist"));
  EXPECT_TRUE(runner_.calls().empty());
}

TEST_F(KernelProviderTest, CorruptDebQuotesDpkgDeb) {
  const auto deb = cache_.path() / "corrupt.deb";
  touch(deb, "garbage");
  runner_.on({"dpkg-deb", "-f"}, 2, "dpkg-deb: error: '" + deb.string() + "' is not a Debian format archive\n");
  auto kernel = resolve("deb:" + deb.string());
  ASSERT_FALSE(kernel);
  EXPECT_EQ(kernel.error().message, "not a valid .deb: " + deb.string() + ": dpkg-deb: error: '" + deb.string() +
                                        "' is not a Debian format archive");
}

TEST_F(KernelProviderTest, DebMustBeAKernelImage) {
  const auto deb = cache_.path() / "fio.deb";
  touch(deb, "deb");
  runner_.on({"dpkg-deb", "-f"}, 0, "Package: fio\nVersion: 3.33-3\n");
  auto kernel = resolve("deb:" + deb.string());
  ASSERT_FALSE(kernel);
  EXPECT_TRUE(contains(kernel.error().message, "not a linux-image-* kernel package"));
}

TEST_F(KernelProviderTest, LocalDebIsKeyedByContentAndFindsItsRelease) {
  const auto deb = cache_.path() / "custom.deb";
  touch(deb, "abc");  // sha256: ba7816bf8f01cfea...
  script_package(runner_, "linux-image-6.18.0-custom", {"6.18.0-custom"});
  auto kernel = resolve("deb:" + deb.string());
  ASSERT_TRUE(kernel) << kernel.error().message;
  EXPECT_EQ(kernel.value().release, "6.18.0-custom");
  EXPECT_EQ(kernel.value().modules_dir, cache_.path() / "kernels/deb-ba7816bf8f01cfea/lib/modules/6.18.0-custom");
  EXPECT_TRUE(contains(kernel.value().source, "local package " + deb.string()));
  ASSERT_TRUE(resolve("deb:" + deb.string()));
  EXPECT_EQ(runner_.count("depmod"), 1u);  // the second resolve hit the cache
}

TEST_F(KernelProviderTest, LocalDebWithSeveralReleasesIsRejected) {
  const auto deb = cache_.path() / "odd.deb";
  touch(deb, "odd");
  script_package(runner_, "linux-image-odd", {"6.1.0-a", "6.1.0-b"});
  auto kernel = resolve("deb:" + deb.string());
  ASSERT_FALSE(kernel);
  EXPECT_TRUE(contains(kernel.error().message,
                       "exactly one lib/modules/RELEASE directory, found "
                       "6.1.0-a, 6.1.0-b"))
      << kernel.error().message;
}

TEST_F(KernelProviderTest, BuildTreeWithoutBzImageSaysRunMake) {
  TempDir tree("tree");
  auto kernel = resolve("build:" + tree.path().string());
  ASSERT_FALSE(kernel);
  EXPECT_TRUE(contains(kernel.error().message, "has no arch/x86/boot/bzImage; run make first"));
}

TEST_F(KernelProviderTest, BuildTreeIsStaged) {
  TempDir tree("tree");
  touch(tree.path() / "arch/x86/boot/bzImage", std::string(4096, 'b'));
  touch(tree.path() / "include/config/kernel.release", "6.18.0-rc1+\n");
  touch(tree.path() / "modules.order", "drivers/md/bcache/bcache.o\n");
  touch(tree.path() / "drivers/md/bcache/bcache.ko");
  script_package(runner_, "unused", {});
  auto kernel = resolve("build:" + tree.path().string());
  ASSERT_TRUE(kernel) << kernel.error().message;
  EXPECT_EQ(kernel.value().release, "6.18.0-rc1+");
  EXPECT_EQ(kernel.value().boot_image, tree.path() / "arch/x86/boot/bzImage");
  EXPECT_TRUE(fs::exists(kernel.value().modules_dir / "modules.dep"));
  EXPECT_TRUE(fs::is_symlink(kernel.value().modules_dir / "kernel/drivers/md/bcache/bcache.ko"));
  EXPECT_EQ(kernel.value().modules_dir.parent_path().parent_path().parent_path().parent_path(),
            cache_.path() / "build");
}

/// Scripts modinfo: `vermagic` for a path containing `marker`, the stock vermagic otherwise.
void script_modinfo(FakeProcessRunner& runner, std::string marker = "", std::string vermagic = "") {
  runner.on({"modinfo", "-F", "vermagic"}, [=](const ProcessRequest& request) {
    const bool other = !marker.empty() && contains(request.argv.at(3), marker);
    return ProcessResult{.exit_code = 0, .output = (other ? vermagic : std::string(kRelease) + " SMP preempt") + " \n"};
  });
  runner.on({"modinfo", "-F", "name"}, 0, "bcache\n");
}

class ModuleSpecTest : public KernelProviderTest {
 protected:
  void SetUp() override {
    script_download(runner_, "linux-image-6.1.0-56-amd64");
    script_package(runner_, "linux-image-6.1.0-56-amd64", {kRelease});
    touch(module_, "patched bcache");
  }
  std::string spec() const { return "module:" + module_.string() + "@debian:" + kRelease; }
  std::vector<std::string> overlays() {
    std::vector<std::string> found;
    for (const auto& name : entries(cache_.path() / "kernels")) {
      if (name.starts_with("module-")) found.push_back(name);
    }
    return found;
  }

  TempDir build_{"module-build"};
  fs::path module_ = build_.path() / "bcache.ko";
};

TEST_F(ModuleSpecTest, ReplacesBcacheInAnOverlayOfTheBase) {
  script_modinfo(runner_);
  auto kernel = resolve(spec());
  ASSERT_TRUE(kernel) << kernel.error().message;
  const auto base = cache_.path() / "kernels" / kRelease;
  EXPECT_EQ(kernel.value().spec_text, spec());
  EXPECT_EQ(kernel.value().release, kRelease);
  EXPECT_EQ(kernel.value().boot_image, base / "boot/vmlinuz-6.1.0-56-amd64");
  ASSERT_EQ(overlays().size(), 1u);
  const auto overlay = cache_.path() / "kernels" / overlays().front();
  EXPECT_EQ(overlays().front().size(), std::string("module-").size() + 16);
  EXPECT_EQ(kernel.value().modules_dir, overlay / "lib/modules" / kRelease);
  EXPECT_EQ(read_file(kernel.value().modules_dir / "kernel/drivers/md/bcache/bcache.ko").value(), "patched bcache");
  EXPECT_EQ(read_file(base / "lib/modules" / kRelease / "kernel/drivers/md/bcache/bcache.ko").value(), "x");
  EXPECT_TRUE(fs::exists(kernel.value().modules_dir / "modules.dep"));
  EXPECT_EQ(kernel.value().source, "bcache.ko from " + module_.string() + " (sha256 " +
                                       file_sha256_hex(module_).value() +
                                       ") on debian package linux-image-6.1.0-56-amd64 6.1.192-2");
  EXPECT_EQ(runner_.count("modinfo"), 4u);  // vermagic and name, of both modules
}

TEST_F(ModuleSpecTest, TheSameModuleReusesItsOverlayAndARebuiltOneGetsANewOne) {
  script_modinfo(runner_);
  auto first = resolve(spec());
  ASSERT_TRUE(first) << first.error().message;
  const auto calls = runner_.calls().size();
  auto again = resolve(spec());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again.value().modules_dir, first.value().modules_dir);
  EXPECT_EQ(runner_.calls().size(), calls);  // base and overlay both cached: nothing runs
  touch(module_, "patched bcache, rebuilt");
  auto rebuilt = resolve(spec());
  ASSERT_TRUE(rebuilt) << rebuilt.error().message;
  EXPECT_NE(rebuilt.value().modules_dir, first.value().modules_dir);
  EXPECT_EQ(overlays().size(), 2u);
  EXPECT_EQ(read_file(first.value().modules_dir / "kernel/drivers/md/bcache/bcache.ko").value(), "patched bcache");
}

TEST_F(ModuleSpecTest, AModuleForAnotherKernelIsRefusedNamingBothVermagics) {
  script_modinfo(runner_, module_.string(), "6.12.107+deb12-amd64 SMP preempt");
  auto kernel = resolve(spec());
  ASSERT_FALSE(kernel);
  const auto& message = kernel.error().message;
  EXPECT_TRUE(contains(message, "module " + module_.string() +
                                    " has vermagic '6.12.107+deb12-amd64 SMP preempt' but the "
                                    "base kernel's "))
      << message;
  EXPECT_TRUE(contains(message,
                       "/lib/modules/6.1.0-56-amd64/kernel/drivers/md/bcache/bcache.ko "
                       "has '6.1.0-56-amd64 SMP preempt'"))
      << message;
  EXPECT_TRUE(overlays().empty());
  EXPECT_EQ(runner_.count("depmod"), 1u);  // the base's only
}

TEST_F(ModuleSpecTest, AMissingModuleIsNamedBeforeTheBaseIsFetched) {
  auto kernel = resolve("module:" + (build_.path() / "nope.ko").string() + "@debian:stock");
  ASSERT_FALSE(kernel);
  EXPECT_EQ(kernel.error().message, "module file " + (build_.path() / "nope.ko").string() + " (kernel spec 'module:" +
                                        (build_.path() / "nope.ko").string() + "@debian:stock') does not exist");
  EXPECT_TRUE(runner_.calls().empty());
}

TEST_F(ModuleSpecTest, ABaseWithoutBcacheIsExplained) {
  script_modinfo(runner_);
  runner_.on({"depmod"}, [](const ProcessRequest& request) {
    touch(fs::path(request.argv.at(2)) / "lib/modules" / request.argv.at(3) / "modules.dep",
          "kernel/drivers/md/dm-mod.ko:\n");
    return ProcessResult{.exit_code = 0};
  });
  auto kernel = resolve(spec());
  ASSERT_FALSE(kernel);
  EXPECT_TRUE(
      contains(kernel.error().message, "base kernel debian:6.1.0-56-amd64: the base kernel has no bcache module"))
      << kernel.error().message;
}

}  // namespace
}  // namespace bh
