#include "analysis/fio_json.h"

#include <gtest/gtest.h>

#include "harness/base/files.h"

namespace bh::analysis {
namespace {

std::string fixture(const std::string& name) {
  return read_file(std::string(BH_SOURCE_DIR) + "/tests/fixtures/fio/" + name).value();
}

TEST(ParseFioJson, ReadsARealFio333MixedJob) {
  auto report = parse_fio_json(fixture("randrw-3.33.json"));
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report.value().jobs.size(), 1u);
  const auto& job = report.value().jobs[0];
  EXPECT_EQ(report.value().fio_version, "fio-3.33");
  EXPECT_EQ(job.name, "mixed");
  EXPECT_EQ(job.error, 0);
  // Values from the fixture, read independently with Python's json module.
  EXPECT_EQ(job.read.total_ios, 5514u);
  EXPECT_EQ(job.write.total_ios, 5545u);
  EXPECT_EQ(report.value().total_ios(), 5514u + 5545u);
  EXPECT_EQ(job.read.io_bytes, 22585344u);
  EXPECT_EQ(job.read.runtime_ms, 1001u);
}

TEST(ParseFioJson, SkipsTextPrintedAroundTheJson) {
  auto report = parse_fio_json(fixture("randrw-with-noise-3.33.json"));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().jobs[0].read.total_ios, 5514u);
}

TEST(ParseFioJson, TakesTheLastOfSeveralObjects) {
  const std::string text = R"({"jobs":[{"jobname":"a","read":{"total_ios":1}}]}
{"jobs":[{"jobname":"a","read":{"total_ios":7,"note":"brace } in a string"}}]})";
  auto report = parse_fio_json(text);
  ASSERT_TRUE(report);
  EXPECT_EQ(report.value().total_ios(), 7u);
}

TEST(ParseFioJson, NoJsonIsAnErrorQuotingTheText) {
  auto report = parse_fio_json("fio: failed to open /dev/bcache0");
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("failed to open"), std::string::npos);
}

}  // namespace
}  // namespace bh::analysis
