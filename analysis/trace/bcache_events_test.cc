// Decoding real recordings: a race-seq-bypass run over 1 MiB (tests/fixtures/scenarios/
// race-seq-bypass-1m.toml, seed 1, TCG) traced on Debian's 6.1 and 6.12 kernels, whose
// event IDs and some field signedness differ. Each fixture keeps the run's block-map.json,
// so the trace's explanation of stale blocks is checked against what was read back.
#include "analysis/trace/bcache_events.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "analysis/trace/race_evidence.h"
#include "util/files.h"

namespace bh::analysis {
namespace {
namespace fs = std::filesystem;

const fs::path kTestdata = fs::path(BH_SOURCE_DIR) / "analysis/trace/testdata";

/// make-bcache's default data offset (BDEV_DATA_START_DEFAULT): the fixtures' backing
/// devices start their data 16 sectors in.
constexpr std::uint64_t kDataOffsetSectors = 16;
constexpr SectorRange kWriteRange{kDataOffsetSectors, kDataOffsetSectors + (1u << 20) / 512};

class RecordedTrace : public ::testing::TestWithParam<const char*> {
 protected:
  fs::path dir() const { return kTestdata / GetParam(); }
  BcacheTrace decoded() const {
    auto capture = load_trace_capture(dir() / "race.trace");
    EXPECT_TRUE(capture) << capture.error().message;
    auto trace = decode_bcache_trace(capture.value());
    EXPECT_TRUE(trace) << trace.error().message;
    return trace ? std::move(trace).value() : BcacheTrace{};
  }
  std::string block_map() const {
    auto text = read_file(dir() / "block-map.json");
    EXPECT_TRUE(text);
    return nlohmann::json::parse(text.value()).at("classes").get<std::string>();
  }
};

TEST_P(RecordedTrace, DecodesEveryRecordInTimeOrderWithoutLoss) {
  const auto trace = decoded();
  EXPECT_EQ(trace.lost_events, 0u) << trace.loss_detail;
  EXPECT_GT(trace.events.size(), 1000u);
  EXPECT_EQ(trace.records, trace.events.size()) << "only bcache's events were enabled";
  EXPECT_TRUE(std::is_sorted(trace.events.begin(), trace.events.end(),
                             [](const auto& a, const auto& b) { return a.t_ns < b.t_ns; }));
  for (auto type :
       {BcacheEventType::kRequestStart, BcacheEventType::kRequestEnd, BcacheEventType::kRead, BcacheEventType::kWrite,
        BcacheEventType::kBypassSequential, BcacheEventType::kCacheInsert, BcacheEventType::kBtreeInsertKey}) {
    EXPECT_TRUE(std::any_of(trace.events.begin(), trace.events.end(), [&](const auto& e) { return e.type == type; }))
        << "no event of type " << static_cast<int>(type);
  }
  for (const auto& event : trace.events) {
    if (event.type == BcacheEventType::kRead) EXPECT_FALSE(event.hit) << "the filter keeps misses only";
    if (event.type == BcacheEventType::kBtreeInsertKey) EXPECT_EQ(event.level, 0u) << "the filter keeps leaves only";
  }
}

TEST_P(RecordedTrace, ShowsTheEightDelayedBypassWritesOfTheWriter) {
  const auto evidence = find_race_evidence(decoded(), {kWriteRange, false});
  EXPECT_EQ(evidence.writer_writes, 8u);
  ASSERT_EQ(evidence.bypass_writes.size(), 8u);
  EXPECT_EQ(evidence.bypass_by_reason.at("sequential"), 8u);
  std::uint64_t next = kWriteRange.begin;
  for (const auto& write : evidence.bypass_writes) {
    EXPECT_EQ(write.range.begin, next) << "the writer writes front to back, 256 sectors at a time";
    EXPECT_EQ(write.range.end - write.range.begin, 256u);
    next = write.range.end;
    ASSERT_TRUE(write.completed_ns);
    // dm-delay held each write 100 ms (delay_write_ms = 100).
    EXPECT_GE(*write.completed_ns - write.issued_ns, 100'000'000u);
  }
}

TEST_P(RecordedTrace, ExplainsEveryStaleBlockTheRunReadBack) {
  const auto evidence = find_race_evidence(decoded(), {kWriteRange, false});
  EXPECT_GT(evidence.read_misses.size(), 0u);
  EXPECT_GE(evidence.race_windows, evidence.stale_inserts);
  const auto classes = block_map();
  const auto stale = std::count(classes.begin(), classes.end(), 'S');
  ASSERT_GT(stale, 0) << "the recorded run found stale blocks on a stock kernel";
  EXPECT_GE(evidence.stale_inserts, static_cast<std::uint64_t>(stale));
  for (std::size_t block = 0; block < classes.size(); ++block) {
    const SectorRange sectors{kDataOffsetSectors + block * 8, kDataOffsetSectors + block * 8 + 8};
    const auto* miss = evidence.explain(sectors);
    if (classes[block] != 'S') continue;
    ASSERT_NE(miss, nullptr) << "stale block " << block << " has no stale insert";
    const auto& write = evidence.bypass_writes[*miss->raced_write];
    EXPECT_TRUE(write.in_flight_at(miss->miss_ns));
    EXPECT_TRUE(write.range.overlaps(miss->range));
    EXPECT_GT(*miss->inserted_ns, miss->miss_ns);
  }
}

INSTANTIATE_TEST_SUITE_P(Debian, RecordedTrace, ::testing::Values("race-1m-6.1", "race-1m-6.12"), [](const auto& info) {
  return std::string(info.param).substr(8) == "6.1" ? "Linux61" : "Linux612";
});

TEST(DecodeBcacheTrace, AFormatWithoutAFieldTheEvidenceNeedsIsNamed) {
  auto capture = load_trace_capture(kTestdata / "race-1m-6.1/race.trace");
  ASSERT_TRUE(capture);
  auto& format = capture.value().formats.at("bcache/bcache_read");
  format.replace(format.find("cache_hit"), 9, "cache_hot");
  auto trace = decode_bcache_trace(capture.value());
  ASSERT_FALSE(trace);
  EXPECT_EQ(trace.error().message, "bcache/bcache_read format has no field 'cache_hit'");
}

TEST(DecodeBcacheTrace, LossCountersAreAddedUp) {
  auto capture = load_trace_capture(kTestdata / "race-1m-6.1/race.trace");
  ASSERT_TRUE(capture);
  capture.value().cpu_stats[1] = "overrun: 0\ncommit overrun: 0\ndropped events: 12\n";
  auto trace = decode_bcache_trace(capture.value());
  ASSERT_TRUE(trace) << trace.error().message;
  EXPECT_EQ(trace.value().lost_events, 12u);
  EXPECT_EQ(trace.value().loss_detail, "cpu1: 12 dropped events");
}

}  // namespace
}  // namespace bh::analysis
