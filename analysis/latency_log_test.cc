#include "analysis/latency_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "analysis/fio_json.h"
#include "util/files.h"

namespace bh::analysis {
namespace {

std::string fixture_path(const std::string& name) { return std::string(BH_SOURCE_DIR) + "/tests/fixtures/fio/" + name; }

LatencyLog parsed(std::string_view text, LogOffset offset = LogOffset::kPresent) {
  auto log = parse_latency_log(text, "test.log", offset);
  EXPECT_TRUE(log) << log.error().message;
  return log ? std::move(log).value() : LatencyLog{};
}

std::string error_of(std::string_view text, LogOffset offset = LogOffset::kPresent) {
  auto log = parse_latency_log(text, "test.log", offset);
  return log ? "(parsed)" : log.error().message;
}

TEST(ParseLatencyLog, ReadsARealFio333LogWithOffsets) {
  auto log = parse_latency_log_file(fixture_path("time-based-3.33_clat.1.log"));
  ASSERT_TRUE(log) << log.error().message;
  const auto& read = log.value().read;
  const auto& write = log.value().write;
  ASSERT_EQ(read.size(), 200u);
  ASSERT_EQ(write.size(), 100u);
  EXPECT_TRUE(log.value().trim.empty());
  EXPECT_EQ(log.value().total_samples(), 300u);
  // The log's first lines "2, 2802663, 0, ..." and "3, 123740, 1, ...", and its last line
  // "1990, 129772, 0, ...".
  EXPECT_EQ(read.time_ms.front(), 2u);
  EXPECT_EQ(read.latency_ns.front(), 2802663u);
  EXPECT_EQ(write.time_ms.front(), 3u);
  EXPECT_EQ(write.latency_ns.front(), 123740u);
  EXPECT_EQ(read.time_ms.back(), 1990u);
  EXPECT_EQ(read.latency_ns.back(), 129772u);
  EXPECT_EQ(&log.value().samples(IoDirection::kWrite), &log.value().write);
}

TEST(ParseLatencyLog, AgreesWithFiosJsonForTheSameRun) {
  auto log = parse_latency_log_file(fixture_path("time-based-3.33_clat.1.log"));
  auto report = parse_fio_json(read_file(fixture_path("time-based-3.33.json")).value());
  ASSERT_TRUE(log && report);
  const auto& job = report.value().jobs[0];
  for (const auto& [samples, direction] :
       {std::pair{&log.value().read, &job.read}, std::pair{&log.value().write, &job.write}}) {
    const auto& ns = samples->latency_ns;
    EXPECT_EQ(ns.size(), direction->total_ios);
    EXPECT_EQ(*std::min_element(ns.begin(), ns.end()), direction->clat.min_ns);
    EXPECT_EQ(*std::max_element(ns.begin(), ns.end()), direction->clat.max_ns);
    const double mean = std::accumulate(ns.begin(), ns.end(), 0.0) / ns.size();
    EXPECT_NEAR(mean, direction->clat.mean_ns, 0.01);
  }
}

TEST(ParseLatencyLog, ReadsAHexPriorityColumn) {
  // log_prio=1: "975, 389328, 1, 4096, 2240512, 0x0000".
  auto log = parse_latency_log_file(fixture_path("log-prio-3.33_clat.1.log"));
  ASSERT_TRUE(log) << log.error().message;
  EXPECT_EQ(log.value().write.size(), 40u);
  EXPECT_EQ(log.value().write.latency_ns.back(), 389328u);
  EXPECT_TRUE(log.value().read.empty());
}

TEST(ParseLatencyLog, ReadsALogWithoutOffsets) {
  auto log = parse_latency_log_file(fixture_path("log-no-offset-3.33_clat.2.log"), LogOffset::kAbsent);
  ASSERT_TRUE(log) << log.error().message;
  EXPECT_EQ(log.value().read.size(), 41u);
  EXPECT_EQ(log.value().read.time_ms.back(), 1000u);
  EXPECT_EQ(log.value().read.latency_ns.back(), 10861u);
}

TEST(ParseLatencyLog, AcceptsEveryLayoutFioWrites) {
  EXPECT_EQ(parsed("1, 10, 0, 4096, 0, 0\n").read.size(), 1u);                   // 3.33, log_offset=1
  EXPECT_EQ(parsed("1, 10, 0, 4096, 0\n").read.size(), 1u);                      // before 3.18, log_offset=1
  EXPECT_EQ(parsed("1, 10, 0, 4096, 0\n", LogOffset::kAbsent).read.size(), 1u);  // 3.33
  EXPECT_EQ(parsed("1, 10, 0, 4096\n", LogOffset::kAbsent).read.size(), 1u);     // before 3.18
}

TEST(ParseLatencyLog, SkipsBlankLinesAndToleratesCrLfAndAMissingFinalNewline) {
  const auto log = parsed("\n1, 10, 0, 4096, 0, 0\r\n\n  \n2, 20, 2, 4096, 0, 0");
  EXPECT_EQ(log.read.latency_ns, (std::vector<std::uint64_t>{10}));
  EXPECT_EQ(log.trim.time_ms, (std::vector<std::uint64_t>{2}));
}

TEST(ParseLatencyLog, AnEmptyLogHasNoSamples) {
  // fio leaves the slat log of a psync job empty.
  EXPECT_EQ(parsed("").total_samples(), 0u);
  EXPECT_EQ(parsed("\n \n").total_samples(), 0u);
}

TEST(ParseLatencyLog, ErrorsNameTheFileAndLine) {
  EXPECT_EQ(error_of("1, 10, 0, 4096, 0, 0\n2, x1, 0, 4096, 0, 0\n"),
            "test.log:2: value 'x1' is not an unsigned 64-bit number");
  EXPECT_EQ(error_of("1, 10, 0, 4096, 0, 0\n\n2, -5, 0, 4096, 0, 0\n"),
            "test.log:3: value '-5' is not an unsigned 64-bit number");
  EXPECT_EQ(error_of("1, 10, 0, 4096, 0, 0\n2, 20, 0, 4096, 0\n"), "test.log:2: fewer columns than the first line");
  EXPECT_EQ(error_of("1, 10, 0, 4096, 0, 0\n2, 20, 0, 4096, 0, 0, 7\n"),
            "test.log:2: more columns than the first line");
  EXPECT_EQ(error_of("1, 10, 0, 4096, 0, 0\n2, 20, 3, 4096, 0, 0\n"),
            "test.log:2: direction 3 is none of 0 (read), 1 (write), 2 (trim)");
  EXPECT_EQ(error_of("1, 99999999999999999999, 0, 4096, 0, 0\n"),
            "test.log:1: value '99999999999999999999' is not an unsigned 64-bit number");
}

TEST(ParseLatencyLog, ReadsTheWholeUnsigned64BitRange) {
  const auto log = parsed("18446744073709551615, 000000000000000000000042, 1, 4096, 0, 0\n");
  EXPECT_EQ(log.write.time_ms, (std::vector<std::uint64_t>{18446744073709551615u}));
  EXPECT_EQ(log.write.latency_ns, (std::vector<std::uint64_t>{42}));
  EXPECT_EQ(error_of("18446744073709551616, 1, 0, 4096, 0, 0\n"),
            "test.log:1: time '18446744073709551616' is not an unsigned 64-bit number");
  EXPECT_EQ(error_of("1, 2 3, 0, 4096, 0, 0\n"), "test.log:1: value '2 3' is not an unsigned 64-bit number");
  EXPECT_EQ(error_of("1, , 0, 4096, 0, 0\n"), "test.log:1: value '' is not an unsigned 64-bit number");
}

TEST(ParseLatencyLog, AColumnCountFioNeverWritesIsAnError) {
  EXPECT_EQ(error_of("\n1, 10, 0\n"), "test.log:2: 3 columns, but fio writes 6 (5 before fio 3.18) with log_offset=1");
  EXPECT_NE(error_of("1, 10, 0, 4096, 0, 0\n", LogOffset::kAbsent).find("6 columns"), std::string::npos);
}

TEST(ParseLatencyLog, AMissingFileIsAnErrorNamingIt) {
  auto log = parse_latency_log_file("/nonexistent/x_clat.1.log");
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().message.rfind("/nonexistent/x_clat.1.log: cannot open", 0), 0u) << log.error().message;
}

}  // namespace
}  // namespace bh::analysis
