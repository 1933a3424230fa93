#include "harness/nightly/nightly_matrix.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

fs::path write_matrix(const TempDir& dir, const std::string& text) {
  const auto path = dir.path() / "matrix.toml";
  std::ofstream(path) << text;
  return path;
}

constexpr const char* kTwoByThree = R"(
seed = 7
repeat = 2
perf_repeat = 6
scenarios = ["race-seq-bypass", "@controls", "perf-randread"]
[[kernels]]
name = "stock"
spec = "debian:stock"
[[kernels]]
name = "candidate"
spec = "module:/tmp/bcache.ko@debian:stock"
)";

Expected<std::vector<std::string>> controls(std::string_view group) {
  if (group != "controls") return fail("no group '" + std::string(group) + "'");
  return std::vector<std::string>{"control-no-cache", "control-disjoint"};
}

TEST(NightlyMatrix, ReadsKernelsScenariosAndCounts) {
  TempDir dir("bh-matrix");
  auto matrix = load_nightly_matrix(write_matrix(dir, kTwoByThree));
  ASSERT_TRUE(matrix) << matrix.error().message;
  ASSERT_EQ(matrix.value().kernels.size(), 2u);
  EXPECT_EQ(matrix.value().kernels[1].name, "candidate");
  EXPECT_EQ(matrix.value().kernels[1].spec, "module:/tmp/bcache.ko@debian:stock");
  EXPECT_EQ(matrix.value().seed, 7u);
  EXPECT_EQ(matrix.value().repeat, 2);
  EXPECT_EQ(matrix.value().perf_repeat, 6);
  EXPECT_THAT(matrix.value().scenarios, ElementsAre("race-seq-bypass", "@controls", "perf-randread"));
}

TEST(NightlyMatrix, ExpandsGroupsKernelMajorWithoutDuplicates) {
  TempDir dir("bh-matrix");
  auto matrix = load_nightly_matrix(write_matrix(dir, kTwoByThree));
  ASSERT_TRUE(matrix);
  matrix.value().scenarios.push_back("control-disjoint");
  auto cells = matrix_cells(matrix.value(), controls);
  ASSERT_TRUE(cells) << cells.error().message;
  ASSERT_EQ(cells.value().size(), 8u);
  EXPECT_EQ(cells.value()[0].kernel.name, "stock");
  EXPECT_EQ(cells.value()[2].scenario, "control-disjoint");
  EXPECT_EQ(cells.value()[4].kernel.name, "candidate");
  EXPECT_EQ(cells.value()[7].index, 7u);
}

TEST(NightlyMatrix, UnknownGroupIsAnErrorNamingTheFile) {
  TempDir dir("bh-matrix");
  auto matrix = load_nightly_matrix(write_matrix(dir, kTwoByThree));
  ASSERT_TRUE(matrix);
  matrix.value().scenarios = {"@nope"};
  auto cells = matrix_cells(matrix.value(), controls);
  ASSERT_FALSE(cells);
  EXPECT_THAT(cells.error().message, HasSubstr("matrix.toml: scenarios: no group 'nope'"));
}

TEST(NightlyMatrix, ShardsCoverEveryCellExactlyOnce) {
  std::vector<MatrixCell> cells;
  for (std::size_t i = 0; i < 23; ++i) cells.push_back({i, {"k", "debian:stock"}, "s" + std::to_string(i)});
  for (unsigned count : {1u, 2u, 3u, 5u, 23u, 40u}) {
    std::multiset<std::size_t> seen;
    for (unsigned index = 1; index <= count; ++index) {
      for (const auto& cell : shard_cells(cells, {index, count})) seen.insert(cell.index);
    }
    ASSERT_EQ(seen.size(), cells.size()) << count << " shards";
    for (std::size_t i = 0; i < cells.size(); ++i) EXPECT_EQ(seen.count(i), 1u) << "cell " << i << ", " << count;
  }
}

TEST(NightlyMatrix, ShardSplitIsDeterministicAndBalanced) {
  std::vector<MatrixCell> cells;
  for (std::size_t i = 0; i < 6; ++i) cells.push_back({i, {"k", "debian:stock"}, "s" + std::to_string(i)});
  const auto first = shard_cells(cells, {1, 2});
  const auto second = shard_cells(cells, {2, 2});
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(first[1].scenario, "s2");
  EXPECT_EQ(second[0].scenario, "s1");
  EXPECT_EQ(shard_cells(cells, {1, 2})[2].scenario, first[2].scenario);
}

TEST(NightlyMatrix, ParsesShards) {
  auto shard = parse_shard("2/3");
  ASSERT_TRUE(shard);
  EXPECT_EQ(shard.value().index, 2u);
  EXPECT_EQ(shard.value().count, 3u);
  EXPECT_EQ(shard.value().text(), "2/3");
  for (const char* bad : {"0/2", "3/2", "1", "1/", "/2", "a/b", "1/2x", "-1/2", "1/1001"}) {
    auto parsed = parse_shard(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_THAT(parsed.error().message, HasSubstr(std::string("'") + bad + "'"));
  }
}

TEST(NightlyMatrix, BadFilesNameTheProblem) {
  TempDir dir("bh-matrix");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"scenarios = [\"a\"]\n", "no [[kernels]]"},
      {"[[kernels]]\nname = \"x\"\nspec = \"debian:stock\"\n", "'scenarios' must be a non-empty array"},
      {"scenarios = [\"a\"]\nrepaet = 2\n[[kernels]]\nname = \"x\"\nspec = \"debian:stock\"\n",
       "key 'repaet': unknown key"},
      {"scenarios = [\"a\"]\n[[kernels]]\nname = \"Bad Name\"\nspec = \"debian:stock\"\n", "'Bad Name' must be"},
      {"scenarios = [\"a\"]\n[[kernels]]\nname = \"x\"\nspec = \"a\"\n[[kernels]]\nname = \"x\"\nspec = \"b\"\n",
       "'x' appears twice"},
      {"scenarios = [\"a\"]\n[[kernels]]\nname = \"x\"\n", "key 'kernels.spec': missing"},
      {"scenarios = [\"a\"]\nrepeat = 0\n[[kernels]]\nname = \"x\"\nspec = \"s\"\n",
       "key 'repeat': must be an integer"},
      {"scenarios = [\"a\"\n", "matrix.toml:"},
  };
  for (const auto& [text, expected] : cases) {
    auto matrix = load_nightly_matrix(write_matrix(dir, text));
    ASSERT_FALSE(matrix) << text;
    EXPECT_THAT(matrix.error().message, HasSubstr(expected)) << text;
  }
  EXPECT_THAT(load_nightly_matrix(dir.path() / "missing.toml").error().message, HasSubstr("no such matrix file"));
}

TEST(NightlyMatrix, ShippedMatrixLoads) {
  auto matrix = load_nightly_matrix(fs::path(BH_SOURCE_DIR) / "jobs" / "matrices" / "nightly.toml");
  ASSERT_TRUE(matrix) << matrix.error().message;
  EXPECT_GE(matrix.value().kernels.size(), 2u);
}

}  // namespace
}  // namespace bh
