#include "harness/image/module_file.h"

#include <gtest/gtest.h>

#include "util/fake_process_runner.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh::image {
namespace {
namespace fs = std::filesystem;

/// A modules dir whose modules.dep lists bcache at `relative` (written with `content`).
fs::path modules_dir(const TempDir& dir, const std::string& relative, const std::string& content) {
  fs::create_directories((dir.path() / relative).parent_path());
  EXPECT_TRUE(write_file_atomically(dir.path() / relative, content));
  EXPECT_TRUE(write_file_atomically(dir.path() / "modules.dep", relative + ": kernel/lib/crc64.ko\n"));
  return dir.path();
}

TEST(ModuleFile, APlainModuleIsReadAsItIs) {
  TempDir dir("bh-module-file-test");
  const auto modules = modules_dir(dir, "kernel/drivers/md/bcache/bcache.ko",
                                   "\x7f"
                                   "ELF plain");
  testing::FakeProcessRunner runner;
  auto bytes = read_module_file(runner, modules, "bcache");
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(bytes.value(),
            "\x7f"
            "ELF plain");
  EXPECT_TRUE(runner.requests().empty());
}

TEST(ModuleFile, ACompressedModuleIsDecompressedByItsSuffix) {
  TempDir dir("bh-module-file-test");
  const auto modules = modules_dir(dir, "kernel/drivers/md/bcache/bcache.ko.xz", "xz bytes");
  testing::FakeProcessRunner runner;
  runner.on({"xz", "-dc"}, [](const ProcessRequest& request) {
    EXPECT_TRUE(write_file_atomically(*request.stdout_file,
                                      "\x7f"
                                      "ELF decompressed"));
    return ProcessResult{.exit_code = 0, .output = "a warning on stderr"};
  });
  auto bytes = read_module_file(runner, modules, "bcache");
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(bytes.value(),
            "\x7f"
            "ELF decompressed");  // stderr stays out of the bytes
  EXPECT_EQ(runner.calls().front().back(), (modules / "kernel/drivers/md/bcache/bcache.ko.xz").string());
}

TEST(ModuleFile, AModuleTheIndexLacksOrThatDoesNotDecompressIsNamed) {
  TempDir dir("bh-module-file-test");
  const auto modules = modules_dir(dir, "kernel/drivers/md/bcache/bcache.ko.zst", "zst bytes");
  testing::FakeProcessRunner runner;
  runner.on({"zstd", "-dc"}, 1, "zstd: corrupted block");
  auto missing = read_module_file(runner, modules, "dm-delay");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "module dm-delay is not in " + (modules / "modules.dep").string());
  auto corrupt = read_module_file(runner, modules, "bcache");
  ASSERT_FALSE(corrupt);
  EXPECT_NE(corrupt.error().message.find("cannot decompress"), std::string::npos);
  EXPECT_NE(corrupt.error().message.find("zstd: corrupted block"), std::string::npos);
}

}  // namespace
}  // namespace bh::image
