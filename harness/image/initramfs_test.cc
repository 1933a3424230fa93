#include "harness/image/initramfs.h"

#include <gtest/gtest.h>

#include "harness/image/test_support.h"

namespace bh::image {
namespace {

namespace fs = std::filesystem;

InitramfsManifest small_manifest(const fs::path& source) {
  InitramfsManifest manifest;
  manifest.add_file("/bin/tool", source, fs::perms{0755});
  manifest.add_content("/etc/bh/modules", "crc64\nbcache\n");
  manifest.add_symlink("/sbin/modprobe", "/bin/tool");
  manifest.add_directory("/tmp", fs::perms{01777});
  return manifest;
}

TEST(InitramfsManifestTest, LaterEntriesReplaceEarlierOnes) {
  InitramfsManifest manifest;
  manifest.add_content("/a", "one");
  manifest.add_content("/a", "two");
  ASSERT_EQ(manifest.entries().size(), 1u);
  EXPECT_EQ(manifest.entries().at("/a").content, "two");
  EXPECT_TRUE(manifest.contains("/a"));
  EXPECT_FALSE(manifest.contains("/b"));
}

TEST(StageManifestTest, CreatesFilesModesSymlinksAndParents) {
  testing::FakeHost host;
  host.write("source", "tool bytes");
  TempDir staging("bh-stage-test");
  ASSERT_TRUE(stage_manifest(small_manifest(host.path() / "source"), staging.path()));

  EXPECT_EQ(read_file(staging.path() / "bin/tool").value(), "tool bytes");
  EXPECT_EQ(fs::status(staging.path() / "bin/tool").permissions(), fs::perms{0755});
  EXPECT_EQ(read_file(staging.path() / "etc/bh/modules").value(), "crc64\nbcache\n");
  EXPECT_EQ(fs::read_symlink(staging.path() / "sbin/modprobe"), "/bin/tool");
  EXPECT_EQ(fs::status(staging.path() / "tmp").permissions(), fs::perms{01777});
}

TEST(StageManifestTest, MissingSourceAndRelativeDestinationAreErrors) {
  TempDir staging("bh-stage-test");
  InitramfsManifest missing;
  missing.add_file("/bin/x", "/nonexistent/file");
  auto result = stage_manifest(missing, staging.path());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("/nonexistent/file"), std::string::npos);

  InitramfsManifest relative;
  relative.add_content("etc/x", "");
  EXPECT_FALSE(stage_manifest(relative, staging.path()));
}

TEST(WriteCpioTest, FeedsCpioASortedNulSeparatedListFromTheStagingDir) {
  testing::FakeHost host;
  host.write("stage/b/z", "");
  host.write("stage/a", "");
  host.write("stage/b-c", "");
  std::string list;
  testing::FakeProcessRunner runner([&](const ProcessRequest& request) {
    list = read_file(*request.stdin_file).value();
    (void)write_file_atomically(*request.stdout_file, "archive");
    return ProcessResult{0, false, ""};
  });
  const auto output = host.path() / "out.cpio";
  ASSERT_TRUE(write_cpio(runner, host.path() / "stage", output));

  const auto& request = runner.requests().at(0);
  EXPECT_EQ(request.argv.at(0), "cpio");
  EXPECT_EQ(request.cwd, host.path() / "stage");
  EXPECT_EQ(list, std::string("a\0b\0b-c\0b/z\0", 12));
  EXPECT_EQ(read_file(output).value(), "archive");
}

TEST(WriteCpioTest, FailedCpioLeavesNoOutput) {
  testing::FakeHost host;
  host.write("stage/a", "");
  testing::FakeProcessRunner runner([](const ProcessRequest& request) {
    (void)write_file_atomically(*request.stdout_file, "half");
    return ProcessResult{2, false, "cpio: disk full\n"};
  });
  const auto output = host.path() / "out.cpio";
  auto result = write_cpio(runner, host.path() / "stage", output);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("disk full"), std::string::npos);
  EXPECT_FALSE(fs::exists(output));
  for (const auto& item : fs::directory_iterator(host.path())) {
    EXPECT_EQ(item.path().filename().string().find("out.cpio"), std::string::npos);
  }
}

// The one end-to-end test with the real cpio: build, then list the archive back.
TEST(BuildInitramfsTest, RealCpioArchiveListsBackTheManifest) {
  testing::FakeHost host;
  host.write("source", "tool bytes");
  SystemProcessRunner runner;
  const auto output = host.path() / "image.cpio";
  auto built = build_initramfs(runner, small_manifest(host.path() / "source"), output);
  ASSERT_TRUE(built) << built.error().message;

  ProcessRequest list;
  list.argv = {"cpio", "-it", "--quiet"};
  list.stdin_file = output;
  auto listed = runner.run(list);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed.value().exit_code, 0) << listed.value().output;
  EXPECT_EQ(listed.value().output, "bin\nbin/tool\netc\netc/bh\netc/bh/modules\nsbin\nsbin/modprobe\ntmp\n");
}

}  // namespace
}  // namespace bh::image
