#include "analysis/fio_json.h"

#include <gtest/gtest.h>

#include "util/files.h"

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
  EXPECT_EQ(report.value().read_ios(), 5514u);
  EXPECT_EQ(job.read.io_bytes, 22585344u);
  EXPECT_EQ(job.read.runtime_ms, 1001u);
}

TEST(ParseFioJson, ReadsCompletionLatencyOfAMixedJob) {
  auto report = parse_fio_json(fixture("randrw-3.33.json"));
  ASSERT_TRUE(report) << report.error().message;
  const auto& read = report.value().jobs[0].read.clat;
  EXPECT_EQ(read.samples, 5514u);
  EXPECT_EQ(read.min_ns, 14156u);
  EXPECT_EQ(read.max_ns, 7980680u);
  EXPECT_DOUBLE_EQ(read.mean_ns, 284901.641821);
  EXPECT_DOUBLE_EQ(read.stddev_ns, 286440.253819);
  EXPECT_EQ(read.percentiles_ns.size(), 17u);  // fio's default percentile_list
  EXPECT_EQ(read.percentile_ns(50), 232448u);
  EXPECT_EQ(read.percentile_ns(90), 415744u);
  EXPECT_EQ(read.percentile_ns(99), 1482752u);
  EXPECT_EQ(read.percentile_ns(99.9), 3457024u);
  EXPECT_EQ(read.percentile_ns(99.99), 7962624u);
  const auto& write = report.value().jobs[0].write;
  EXPECT_EQ(write.clat.percentile_ns(99.9), 6520832u);
  EXPECT_DOUBLE_EQ(write.clat.mean_ns, 326809.650496);
  EXPECT_EQ(write.bw_bytes, 22689630u);
  EXPECT_DOUBLE_EQ(write.iops, 5539.460539);
}

TEST(ParseFioJson, EveryReportedSummaryPercentileIsFound) {
  auto report = parse_fio_json(fixture("randrw-3.33.json"));
  ASSERT_TRUE(report);
  for (double percentile : kSummaryPercentiles)
    EXPECT_TRUE(report.value().jobs[0].write.clat.percentile_ns(percentile)) << percentile;
}

TEST(ParseFioJson, SeparateReadAndWriteJobsLeaveTheOtherDirectionEmpty) {
  auto report = parse_fio_json(fixture("per-direction-3.33.json"));
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report.value().jobs.size(), 2u);
  const auto& reader = report.value().jobs[0];
  const auto& writer = report.value().jobs[1];
  EXPECT_EQ(reader.name, "reader");
  EXPECT_EQ(reader.read.total_ios, 1024u);
  EXPECT_EQ(reader.read.clat.percentile_ns(99), 2310144u);
  EXPECT_EQ(reader.write.total_ios, 0u);
  // fio omits "percentile" for a direction without samples: no value, rather than zero.
  EXPECT_TRUE(reader.write.clat.percentiles_ns.empty());
  EXPECT_EQ(reader.write.clat.percentile_ns(50), std::nullopt);
  EXPECT_EQ(writer.read.clat.samples, 0u);
  EXPECT_EQ(writer.write.clat.samples, 1024u);
  // fio's percentiles are histogram buckets: its p99.99 can lie above the exact maximum.
  EXPECT_EQ(writer.write.clat.percentile_ns(99.99), 12648448u);
  EXPECT_EQ(writer.write.clat.max_ns, 12606699u);
}

TEST(ParseFioJson, ReadsATimeBasedJob) {
  auto report = parse_fio_json(fixture("time-based-3.33.json"));
  ASSERT_TRUE(report) << report.error().message;
  const auto& job = report.value().jobs[0];
  EXPECT_EQ(job.read.total_ios, 200u);
  EXPECT_EQ(job.write.total_ios, 100u);
  EXPECT_EQ(job.read.runtime_ms, 2001u);
  EXPECT_DOUBLE_EQ(job.read.iops, 99.950025);
  EXPECT_EQ(job.read.bw_bytes, 409395u);
  EXPECT_EQ(job.write.clat.percentile_ns(50), 142336u);
  EXPECT_EQ(job.write.clat.min_ns, 2374u);
}

TEST(ParseFioJson, PercentileKeysAreParsedAsNumbers) {
  const std::string text = R"({"jobs":[{"read":{"clat_ns":{"N":3,"percentile":
      {"99.900000":7,"5.000000":2,"not a number":9,"50.000000":-1}}}}]})";
  auto report = parse_fio_json(text);
  ASSERT_TRUE(report);
  const auto& clat = report.value().jobs[0].read.clat;
  EXPECT_EQ(clat.percentiles_ns, (std::map<double, std::uint64_t>{{5.0, 2}, {99.9, 7}}));
  EXPECT_EQ(clat.percentile_ns(99.9), 7u);
  EXPECT_EQ(clat.percentile_ns(99.99), std::nullopt);
  EXPECT_EQ(clat.percentile_ns(50), std::nullopt);
}

TEST(ParseFioJson, SkipsTextPrintedAroundTheJson) {
  auto report = parse_fio_json(fixture("randrw-with-noise-3.33.json"));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().jobs[0].read.total_ios, 5514u);
  EXPECT_EQ(report.value().jobs[0].read.clat.percentile_ns(99.9), 3457024u);
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

/// The error parse_fio_json gives for `text`, "" when it parses.
std::string error_of(const std::string& text) {
  auto report = parse_fio_json(text);
  return report ? "" : report.error().message;
}

TEST(ParseFioJson, JobsThatAreNotAnArrayAreAnErrorNotAnException) {
  // Found by scripts/fuzz (fuzz_fio_json, 2026-12-04): a number for "jobs" threw
  // nlohmann's type_error out of the parser.
  EXPECT_EQ(error_of(R"({"fio version":"fio-3.33","jobs":6800})"), "fio JSON: jobs is not an array");
  EXPECT_EQ(error_of(R"({"jobs":[7]})"), "fio JSON: jobs[0] is not an object");
  EXPECT_EQ(error_of(R"({"fio version":3,"jobs":[]})"), "fio JSON: 'fio version' is not a string");
}

TEST(ParseFioJson, AWronglyTypedFieldIsAnErrorNamingIt) {
  EXPECT_EQ(error_of(R"({"jobs":[{"jobname":1}]})"), "fio JSON: jobs[0].jobname is not a string");
  EXPECT_EQ(error_of(R"({"jobs":[{"error":"EIO"}]})"), "fio JSON: jobs[0].error is not an errno");
  EXPECT_EQ(error_of(R"({"jobs":[{},{"write":[]}]})"), "fio JSON: jobs[1].write is not an object");
  EXPECT_EQ(error_of(R"({"jobs":[{"read":{"total_ios":"12"}}]})"),
            "fio JSON: jobs[0].read.total_ios is not a non-negative integer");
  EXPECT_EQ(error_of(R"({"jobs":[{"read":{"total_ios":-1}}]})"),
            "fio JSON: jobs[0].read.total_ios is not a non-negative integer");
  EXPECT_EQ(error_of(R"({"jobs":[{"write":{"clat_ns":{"mean":"1.5"}}}]})"),
            "fio JSON: jobs[0].write.clat_ns.mean is not a number");
  EXPECT_EQ(error_of(R"({"jobs":[{"read":{"iops":1.5,"clat_ns":{"N":3,"mean":2}}}]})"), "");
}

}  // namespace
}  // namespace bh::analysis
