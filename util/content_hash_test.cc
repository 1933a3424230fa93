#include "util/content_hash.h"

#include <gtest/gtest.h>

#include <fstream>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

TEST(ContentHash, MatchesSha256sumOfTheLengthPrefixedBytes) {
  // Independent value from coreutils: printf '0:' | sha256sum
  EXPECT_EQ(sha256_hex(""), "ba768b331fd86cec803be04e56ab2b3d4c0e98ef4ee4fcd4e72ad7cce61a1d1f");
  EXPECT_NE(sha256_hex("a"), sha256_hex("b"));
}

TEST(ContentHash, BoundariesBetweenPartsMatter) {
  ContentHasher first, second;
  first.add("ab");
  first.add("c");
  second.add("a");
  second.add("bc");
  EXPECT_NE(first.hex(), second.hex());
}

TEST(ContentHash, FileContentChangesTheDigest) {
  TempDir dir("hash-test");
  const auto file = dir.path() / "f";
  std::ofstream(file) << "one";
  ContentHasher before;
  ASSERT_TRUE(before.add_file_content(file));
  std::ofstream(file) << "two";
  ContentHasher after;
  ASSERT_TRUE(after.add_file_content(file));
  EXPECT_NE(before.hex(), after.hex());
  EXPECT_EQ(before.hex().size(), 64u);
}

TEST(ContentHash, MissingFileIsAnErrorNamingIt) {
  ContentHasher hasher;
  auto result = hasher.add_file_identity("/nonexistent/file");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("/nonexistent/file"), std::string::npos);
}

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
