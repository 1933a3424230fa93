#include "util/json_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "util/temp_dir.h"

namespace bh {
namespace {

using ::testing::HasSubstr;

TEST(JsonFile, ParsesOrNamesTheFile) {
  TempDir dir("bh-json-file");
  std::ofstream(dir.path() / "good.json") << R"({"a": [1, 2]})";
  std::ofstream(dir.path() / "bad.json") << "{nope";
  auto good = read_json_file(dir.path() / "good.json");
  ASSERT_TRUE(good);
  EXPECT_EQ(good.value()["a"][1], 2);
  auto bad = read_json_file(dir.path() / "bad.json");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr((dir.path() / "bad.json").string() + ": not JSON: "));
  auto missing = read_json_file(dir.path() / "missing.json");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr((dir.path() / "missing.json").string() + ": "));
}

}  // namespace
}  // namespace bh
