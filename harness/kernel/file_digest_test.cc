#include "harness/kernel/file_digest.h"

#include <gtest/gtest.h>

#include "harness/base/files.h"
#include "harness/base/temp_dir.h"

namespace bh {
namespace {

TEST(FileDigest, MatchesSha256sum) {
  TempDir dir("digest-test");
  ASSERT_TRUE(write_file_atomically(dir.path() / "abc", "abc"));
  // printf abc | sha256sum
  EXPECT_EQ(file_sha256_hex(dir.path() / "abc").value(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FileDigest, MissingFileNamesIt) {
  auto digest = file_sha256_hex("/nonexistent/x.deb");
  ASSERT_FALSE(digest);
  EXPECT_NE(digest.error().message.find("/nonexistent/x.deb"), std::string::npos);
}

}  // namespace
}  // namespace bh
