#include "harness/image/image_manifest.h"

#include <gtest/gtest.h>

#include "harness/image/init_script.h"
#include "harness/image/module_closure.h"
#include "harness/image/test_support.h"

namespace bh::image {
namespace {

namespace fs = std::filesystem;

TEST(DecompressedModulePathTest, DropsOnlyCompressionSuffixes) {
  EXPECT_EQ(decompressed_module_path("kernel/a/dm-mod.ko.xz"), "kernel/a/dm-mod.ko");
  EXPECT_EQ(decompressed_module_path("kernel/a/b.ko.zst"), "kernel/a/b.ko");
  EXPECT_EQ(decompressed_module_path("kernel/a/b.ko.gz"), "kernel/a/b.ko");
  EXPECT_EQ(decompressed_module_path("kernel/a/b.ko"), "kernel/a/b.ko");
}

TEST(FilteredModulesDepTest, ListsOnlyIncludedModulesWithDecompressedPaths) {
  auto index = load_modules_dep(testing::fixture_modules_dir());
  ASSERT_TRUE(index);
  auto closure = module_closure(index.value(), {}, {"bcache", "dm_delay"}, "6.1.0-56-amd64");
  ASSERT_TRUE(closure);
  EXPECT_EQ(filtered_modules_dep(closure.value()),
            "kernel/lib/crc64.ko:\n"
            "kernel/drivers/md/bcache/bcache.ko: kernel/lib/crc64.ko\n"
            "kernel/drivers/md/dm-mod.ko:\n"
            "kernel/drivers/md/dm-delay.ko: kernel/drivers/md/dm-mod.ko\n");

  std::vector<ModuleEntry> compressed{{"crc64", "kernel/lib/crc64.ko.zst", {}},
                                      {"bcache", "kernel/bcache.ko.xz", {"crc64", "builtin_x"}}};
  EXPECT_EQ(filtered_modules_dep(compressed), "kernel/lib/crc64.ko:\nkernel/bcache.ko: kernel/lib/crc64.ko\n");
}

TEST(BusyboxAppletsTest, LinksAppletsExceptBusyboxAndExistingEntries) {
  InitramfsManifest manifest;
  manifest.add_file("/usr/sbin/dmsetup", "/usr/sbin/dmsetup");
  add_busybox_applets(manifest, "bin/busybox\nbin/sh\nusr/sbin/dmsetup\nusr/bin/[[\nlinuxrc\n");
  EXPECT_FALSE(manifest.contains("/bin/busybox"));
  EXPECT_EQ(manifest.entries().at("/bin/sh").link_target, "/bin/busybox");
  EXPECT_EQ(manifest.entries().at("/usr/bin/[[").kind, EntryKind::kSymlink);
  EXPECT_EQ(manifest.entries().at("/usr/sbin/dmsetup").kind, EntryKind::kFile);
  EXPECT_EQ(manifest.entries().size(), 4u);
}

TEST(GuestImageManifestTest, HasInitAgentToolsModulesAndLoadOrder) {
  testing::FakeHost host;
  testing::FakeProcessRunner runner(testing::fake_host_response);
  auto plan = plan_guest_image(runner, host.inputs());
  ASSERT_TRUE(plan) << plan.error().message;
  plan.value().libraries = {"/lib/x86_64-linux-gnu/libc.so.6"};
  TempDir scratch("bh-manifest-test");
  auto manifest = guest_image_manifest(runner, plan.value(), scratch.path());
  ASSERT_TRUE(manifest) << manifest.error().message;
  const auto& entries = manifest.value().entries();

  EXPECT_EQ(entries.at("/init").content, init_script_text());
  EXPECT_EQ(entries.at("/init").mode, fs::perms{0755});
  EXPECT_EQ(entries.at("/bin/bh-agent").source, host.path() / "agent");
  EXPECT_EQ(entries.at("/bin/busybox").source, host.path() / "bin/busybox");
  EXPECT_EQ(entries.at("/bin/sh").link_target, "/bin/busybox");
  EXPECT_EQ(entries.at("/usr/bin/fio").source, host.path() / "bin/fio");
  EXPECT_EQ(entries.at("/lib/x86_64-linux-gnu/libc.so.6").source, "/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_EQ(entries.at("/etc/bh/modules").content, "crc64\nbcache\n");
  EXPECT_EQ(entries.at("/lib/modules/6.1.0-test/modules.dep").content,
            "kernel/lib/crc64.ko:\n"
            "kernel/drivers/md/bcache/bcache.ko: kernel/lib/crc64.ko\n");
  EXPECT_EQ(entries.at("/lib/modules/6.1.0-test/kernel/lib/crc64.ko").source,
            host.path() / "lib/modules/6.1.0-test/kernel/lib/crc64.ko");
  // The .ko.xz went through `xz -dc` into the scratch directory.
  const auto& bcache = entries.at("/lib/modules/6.1.0-test/kernel/drivers/md/bcache/bcache.ko");
  EXPECT_EQ(bcache.source.parent_path(), scratch.path());
  ASSERT_EQ(runner.count("xz"), 1u);
  for (const auto& request : runner.requests()) {
    if (request.argv.at(0) != "xz") continue;
    EXPECT_EQ(request.argv.at(1), "-dc");
    EXPECT_EQ(request.stdout_file, bcache.source);
  }
}

TEST(InitScriptTest, EmbeddedScriptIsTheCheckedInFile) {
  auto text = read_file(fs::path(BH_SOURCE_DIR) / "harness/image/init.sh");
  ASSERT_TRUE(text);
  EXPECT_EQ(init_script_text(), text.value());
  EXPECT_NE(init_script_text().find("bh-init: modules loaded"), std::string_view::npos);
  EXPECT_NE(init_script_text().find("poweroff -f"), std::string_view::npos);
}

}  // namespace
}  // namespace bh::image
