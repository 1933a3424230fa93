#include "harness/nightly/kcidb_export.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ::testing::HasSubstr;

const fs::path kFixtures = fs::path(BH_SOURCE_DIR) / "tests" / "fixtures" / "kcidb";

Json fixture(const std::string& name) { return Json::parse(read_file(kFixtures / name).value()); }

void write(const fs::path& file, const Json& json) {
  fs::create_directories(file.parent_path());
  ASSERT_TRUE(write_file_atomically(file, json.dump()));
}

TEST(KcidbExport, ARunDirectoryIsOneKernelNamedByItsSpecWithItsStartTimeInEveryId) {
  TempDir dir("bh-kcidb-export");
  auto summary = fixture("control-no-cache-6.12.summary.json");
  summary["provenance"] = {{"started_at", "2026-12-04T13:53:00Z"}};
  write(dir.path() / "run" / "summary.json", summary);
  auto tests = write_kcidb_file(dir.path() / "run", dir.path() / "k.json", {});
  ASSERT_TRUE(tests) << tests.error().message;
  EXPECT_GE(tests.value(), 1u);
  const auto document = Json::parse(read_file(dir.path() / "k.json").value());
  EXPECT_EQ(document["version"]["major"], 5);
  EXPECT_EQ(document["version"]["minor"], 3);
  for (const auto& test : document["tests"]) EXPECT_THAT(test["id"].get<std::string>(), HasSubstr("_20261204T135300Z"));
  EXPECT_EQ(document["tests"].size(), tests.value());
}

TEST(KcidbExport, ANightlyDirectoryHoldsEveryKernelThatGotASummaryByItsMatrixName) {
  TempDir dir("bh-kcidb-export");
  write(dir.path() / "night" / "nightly.json", {{"schema", 1},
                                                {"night", "2026-12-05"},
                                                {"kernels",
                                                 {{{"name", "stock"}, {"dir", "stock"}},
                                                  {{"name", "candidate"}, {"dir", "candidate"}},
                                                  {{"name", "never-ran"}, {"dir", "never-ran"}}}}});
  write(dir.path() / "night" / "stock" / "summary.json", fixture("race-writearound-6.12.summary.json"));
  write(dir.path() / "night" / "candidate" / "summary.json", fixture("control-no-cache-6.12.summary.json"));
  auto sources = kcidb_sources(dir.path() / "night");
  ASSERT_TRUE(sources) << sources.error().message;
  ASSERT_EQ(sources.value().size(), 2u);
  EXPECT_EQ(sources.value()[0].kernel_name, "stock");
  EXPECT_EQ(sources.value()[1].kernel_name, "candidate");
  ASSERT_TRUE(write_kcidb_file(dir.path() / "night", dir.path() / "k.json", {}));
  const auto document = Json::parse(read_file(dir.path() / "k.json").value());
  EXPECT_EQ(document["builds"].size(), 2u);
  for (const auto& test : document["tests"]) EXPECT_THAT(test["id"].get<std::string>(), HasSubstr("_2026-12-05"));
}

TEST(KcidbExport, ADirectoryWithNeitherFileIsAnErrorNamingIt) {
  TempDir dir("bh-kcidb-export");
  auto sources = kcidb_sources(dir.path());
  ASSERT_FALSE(sources);
  EXPECT_THAT(sources.error().message, HasSubstr(dir.path().string() + ": neither summary.json nor nightly.json"));
  EXPECT_FALSE(write_kcidb_file(dir.path(), dir.path() / "k.json", {}));
  EXPECT_FALSE(fs::exists(dir.path() / "k.json"));
}

}  // namespace
}  // namespace bh
