#include "util/files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <fstream>

#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

/// Files in `dir` other than `keep`.
std::vector<std::string> other_files(const fs::path& dir, const std::string& keep) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename() != keep) names.push_back(entry.path().filename().string());
  }
  return names;
}

/// Limits the size of files this process writes (RLIMIT_FSIZE) while it lives: writes past
/// the limit fail with EFBIG, as writes on a full disk fail with ENOSPC.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved_;
    limited.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
};

TEST(WriteFileAtomically, ReplacesTheContentAndLeavesNoTemporaryFile) {
  TempDir dir("bh-files");
  const auto path = dir.path() / "summary.json";
  ASSERT_TRUE(write_file_atomically(path, "old"));
  ASSERT_TRUE(write_file_atomically(path, "new content"));
  EXPECT_EQ(read_file(path).value(), "new content");
  EXPECT_TRUE(other_files(dir.path(), "summary.json").empty());
}

TEST(WriteFileAtomically, AFailedWriteSaysWhyKeepsTheOldContentAndRemovesItsTemporaryFile) {
  TempDir dir("bh-files");
  const auto path = dir.path() / "summary.json";
  ASSERT_TRUE(write_file_atomically(path, "old"));
  Expected<void> written = outcome::success();
  {
    FileSizeLimit limit(4096);
    written = write_file_atomically(path, std::string(100000, 'x'));
  }
  ASSERT_FALSE(written);
  EXPECT_THAT(written.error().message, HasSubstr("cannot write " + path.string() + ".tmp."));
  EXPECT_THAT(written.error().message, HasSubstr(std::strerror(EFBIG)));
  EXPECT_EQ(read_file(path).value(), "old");
  EXPECT_TRUE(other_files(dir.path(), "summary.json").empty());
}

TEST(WriteFileAtomically, ADirectoryThatCannotExistIsAnErrorNamingThePath) {
  TempDir dir("bh-files");
  std::ofstream(dir.path() / "plain") << "a file, not a directory";
  const auto written = write_file_atomically(dir.path() / "plain" / "summary.json", "{}");
  ASSERT_FALSE(written);
  EXPECT_THAT(written.error().message, HasSubstr((dir.path() / "plain" / "summary.json").string()));
  EXPECT_THAT(written.error().message, HasSubstr(std::strerror(ENOTDIR)));
}

TEST(FreeBytes, ATemporaryDirectoryHasSomeAndAMissingPathIsAnError) {
  TempDir dir("bh-files");
  auto free = free_bytes(dir.path());
  ASSERT_TRUE(free) << free.error().message;
  EXPECT_GT(free.value(), 0u);
  auto missing = free_bytes(dir.path() / "absent");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("absent"));
}

}  // namespace
}  // namespace bh
