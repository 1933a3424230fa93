#include "analysis/trace/race_evidence.h"

#include <gtest/gtest.h>

namespace bh::analysis {
namespace {

/// Builds a timeline of bcache events, one per call, in the order a real trace has them.
class Timeline {
 public:
  /// A bypassed write: request start, its bypass tracepoint, bcache_write(bypass).
  Timeline& write_issued(std::uint64_t t, std::uint64_t sector, std::uint32_t sectors, bool sequential = true) {
    add(t, BcacheEventType::kRequestStart, sector, sectors, true);
    if (sequential) add(t, BcacheEventType::kBypassSequential, sector, sectors, true);
    auto& write = add(t, BcacheEventType::kWrite, sector, sectors, true);
    write.bypass = true;
    return *this;
  }
  Timeline& write_done(std::uint64_t t, std::uint64_t sector, std::uint32_t sectors) {
    add(t, BcacheEventType::kRequestEnd, sector, sectors, true);
    return *this;
  }
  Timeline& read_issued(std::uint64_t t, std::uint64_t sector, std::uint32_t sectors = 8) {
    add(t, BcacheEventType::kRequestStart, sector, sectors, false);
    return *this;
  }
  Timeline& placeholder(std::uint64_t t, std::uint64_t sector, std::uint32_t sectors = 8) {
    add(t, BcacheEventType::kBtreeInsertKey, sector, sectors, false);
    return *this;
  }
  Timeline& read_done(std::uint64_t t, std::uint64_t sector, bool hit, std::uint32_t sectors = 8) {
    add(t, BcacheEventType::kRead, sector, sectors, false).hit = hit;
    add(t, BcacheEventType::kRequestEnd, sector, sectors, false);
    return *this;
  }
  Timeline& insert_attempt(std::uint64_t t, std::uint64_t sector, std::uint32_t sectors = 8) {
    add(t, BcacheEventType::kWrite, sector, sectors, false);
    add(t, BcacheEventType::kCacheInsert, sector, sectors, false);
    return *this;
  }
  Timeline& insert_landed(std::uint64_t t, std::uint64_t sector, std::uint32_t sectors = 8) {
    add(t, BcacheEventType::kBtreeInsertKey, sector, sectors, false).replace = true;
    return *this;
  }
  /// A whole miss: issued, placeholder, read back, insert attempted and (or not) landed.
  Timeline& miss(std::uint64_t t, std::uint64_t sector, bool lands = true) {
    read_issued(t, sector).placeholder(t + 1, sector).read_done(t + 5, sector, false).insert_attempt(t + 6, sector);
    if (lands) insert_landed(t + 7, sector);
    return *this;
  }
  const BcacheTrace& evidence_trace() const { return trace_; }
  RaceEvidence evidence(SectorRange write_range = {0, 1024}, bool writearound = false) const {
    return find_race_evidence(trace_, {write_range, writearound});
  }

 private:
  BcacheEvent& add(std::uint64_t t, BcacheEventType type, std::uint64_t sector, std::uint32_t sectors, bool write) {
    BcacheEvent event;
    event.t_ns = t;
    event.type = type;
    event.sector = sector;
    event.sectors = sectors;
    event.write = write;
    trace_.events.push_back(event);
    return trace_.events.back();
  }
  BcacheTrace trace_;
};

TEST(RaceEvidence, AMissInsideAnInFlightBypassWriteIsAWindowAndItsLandedInsertIsStale) {
  const auto evidence = Timeline().write_issued(100, 256, 256).miss(200, 300).write_done(400, 256, 256).evidence();
  EXPECT_EQ(evidence.writer_writes, 1u);
  ASSERT_EQ(evidence.bypass_writes.size(), 1u);
  EXPECT_EQ(evidence.bypass_by_reason.at("sequential"), 1u);
  EXPECT_EQ(evidence.bypass_writes[0].completed_ns, 400u);
  ASSERT_EQ(evidence.read_misses.size(), 1u);
  EXPECT_TRUE(evidence.read_misses[0].placeholder);
  EXPECT_EQ(evidence.read_misses[0].miss_ns, 201u);
  EXPECT_EQ(evidence.race_windows, 1u);
  EXPECT_EQ(evidence.stale_inserts, 1u);
  EXPECT_EQ(evidence.insert_collisions, 0u);
  const auto* explained = evidence.explain({300, 308});
  ASSERT_NE(explained, nullptr);
  EXPECT_EQ(*explained->inserted_ns, 207u);
  EXPECT_EQ(*explained->raced_write, 0u);
  EXPECT_EQ(evidence.explain({308, 316}), nullptr);
}

TEST(RaceEvidence, AnInsertDroppedByTheCollisionCheckIsAWindowButNotStale) {
  const auto evidence =
      Timeline().write_issued(100, 256, 256).miss(200, 300, false).write_done(400, 256, 256).evidence();
  EXPECT_EQ(evidence.race_windows, 1u);
  EXPECT_EQ(evidence.stale_inserts, 0u);
  EXPECT_EQ(evidence.insert_collisions, 1u);
}

TEST(RaceEvidence, AMissIssuedBeforeTheWriteAndCompletedAfterItIsNoWindow) {
  // The placeholder landed before the write was issued: the write's invalidation
  // overwrites it, which is the case bcache's collision check catches.
  Timeline timeline;
  timeline.read_issued(90, 300).placeholder(95, 300).write_issued(100, 256, 256).read_done(150, 300, false);
  timeline.insert_attempt(151, 300).write_done(400, 256, 256);
  const auto evidence = timeline.evidence();
  ASSERT_EQ(evidence.read_misses.size(), 1u);
  EXPECT_EQ(evidence.race_windows, 0u);
}

TEST(RaceEvidence, TheMissTimeIsItsPlaceholderNotItsIssue) {
  // Issued before the write, but its lookup (the placeholder) came while the write was in flight.
  Timeline timeline;
  timeline.read_issued(90, 300).write_issued(100, 256, 256).placeholder(110, 300).read_done(150, 300, false);
  timeline.insert_attempt(151, 300).insert_landed(152, 300).write_done(400, 256, 256);
  EXPECT_EQ(timeline.evidence().race_windows, 1u);
  EXPECT_EQ(timeline.evidence().stale_inserts, 1u);
}

TEST(RaceEvidence, WithoutAPlaceholderTheMissCountsFromItsIssue) {
  Timeline timeline;
  timeline.write_issued(100, 256, 256).read_issued(110, 300).read_done(150, 300, false).write_done(400, 256, 256);
  const auto evidence = timeline.evidence();
  ASSERT_EQ(evidence.read_misses.size(), 1u);
  EXPECT_FALSE(evidence.read_misses[0].placeholder);
  EXPECT_EQ(evidence.race_windows, 1u);
  EXPECT_EQ(evidence.stale_inserts, 0u);
}

TEST(RaceEvidence, AdjacentSectorsDoNotOverlap) {
  Timeline timeline;
  timeline.write_issued(100, 256, 256).miss(200, 248).miss(210, 512).write_done(400, 256, 256);
  const auto evidence = timeline.evidence();
  EXPECT_EQ(evidence.read_misses.size(), 2u);
  EXPECT_EQ(evidence.race_windows, 0u);
  // One sector of overlap is enough.
  EXPECT_EQ(Timeline().write_issued(100, 256, 256).miss(200, 249).write_done(400, 256, 256).evidence().race_windows,
            1u);
}

TEST(RaceEvidence, AMissAtTheWritesCompletionIsNoWindowAndAtItsIssueIsOne) {
  Timeline ends;
  ends.write_issued(100, 256, 256).read_issued(300, 300).write_done(301, 256, 256).placeholder(301, 300);
  ends.read_done(350, 300, false);
  EXPECT_EQ(ends.evidence().race_windows, 0u);
  Timeline starts;
  starts.read_issued(90, 300).write_issued(100, 256, 256).placeholder(100, 300).read_done(150, 300, false);
  starts.write_done(400, 256, 256);
  EXPECT_EQ(starts.evidence().race_windows, 1u);
}

TEST(RaceEvidence, HitsAreNoMissesAndMissesOutsideTheWriteRangeAreLeftOut) {
  Timeline timeline;
  timeline.write_issued(100, 256, 256).read_issued(110, 300).read_done(120, 300, true).miss(130, 4096);
  timeline.write_done(400, 256, 256);
  const auto evidence = timeline.evidence({0, 1024});
  EXPECT_EQ(evidence.reads, 2u);
  EXPECT_TRUE(evidence.read_misses.empty());
  EXPECT_EQ(evidence.race_windows, 0u);
}

TEST(RaceEvidence, AWriteThatWasNotBypassedOpensNoWindow) {
  BcacheTrace trace;
  const BcacheEvent start{BcacheEventType::kRequestStart, 100, 0, 0, 256, 256, true};
  const BcacheEvent cached{BcacheEventType::kWrite, 100, 0, 0, 256, 256, true};  // bypass false
  trace.events = {start, cached};
  Timeline miss;
  miss.miss(200, 300);
  for (const auto& event : miss.evidence_trace().events) trace.events.push_back(event);
  trace.events.push_back({BcacheEventType::kRequestEnd, 400, 0, 0, 256, 256, true});
  const auto evidence = find_race_evidence(trace, {{0, 1024}, false});
  EXPECT_EQ(evidence.writer_writes, 1u);
  EXPECT_TRUE(evidence.bypass_writes.empty());
  EXPECT_EQ(evidence.read_misses.size(), 1u);
  EXPECT_EQ(evidence.race_windows, 0u);
}

TEST(RaceEvidence, BypassReasonsFollowTheTracepointOrTheCacheMode) {
  Timeline timeline;
  timeline.write_issued(100, 256, 256, false).write_done(200, 256, 256);
  EXPECT_EQ(timeline.evidence({0, 1024}, true).bypass_by_reason.at("writearound"), 1u);
  EXPECT_EQ(timeline.evidence({0, 1024}, false).bypass_by_reason.at("other"), 1u);
}

TEST(RaceEvidence, AWriteStillInFlightWhenTheTraceEndsKeepsItsWindowOpen) {
  const auto evidence = Timeline().write_issued(100, 256, 256).miss(200, 300).evidence();
  ASSERT_EQ(evidence.bypass_writes.size(), 1u);
  EXPECT_FALSE(evidence.bypass_writes[0].completed_ns);
  EXPECT_EQ(evidence.race_windows, 1u);
}

TEST(RaceEvidence, ABypassedReadEndingDoesNotEndAnotherReadOfTheSameBlock) {
  Timeline timeline;
  timeline.write_issued(100, 256, 256).read_issued(200, 300).read_issued(201, 300);
  // The first read is bypassed (bcache_read with bypass), the second misses after it ended.
  BcacheTrace trace = timeline.evidence_trace();
  BcacheEvent bypassed{BcacheEventType::kRead, 202, 0, 0, 300, 8, false};
  bypassed.bypass = true;
  trace.events.push_back(bypassed);
  trace.events.push_back({BcacheEventType::kRequestEnd, 203, 0, 0, 300, 8, false});
  Timeline rest;
  rest.placeholder(204, 300).read_done(210, 300, false).write_done(400, 256, 256);
  for (const auto& event : rest.evidence_trace().events) trace.events.push_back(event);
  const auto evidence = find_race_evidence(trace, {{0, 1024}, false});
  ASSERT_EQ(evidence.read_misses.size(), 1u);
  EXPECT_EQ(evidence.read_misses[0].issued_ns, 201u);
  EXPECT_EQ(evidence.race_windows, 1u);
  EXPECT_EQ(evidence.bypassed_read_misses, 1u);  // counted apart: it could not race
}

TEST(RaceEvidence, OfTwoMissesOnOneBlockTheNewerPlaceholderOwnsTheInsert) {
  Timeline timeline;
  timeline.write_issued(100, 256, 256);
  timeline.read_issued(200, 300).placeholder(201, 300).read_issued(202, 300).placeholder(203, 300);
  timeline.read_done(210, 300, false).read_done(211, 300, false).insert_attempt(212, 300).insert_attempt(213, 300);
  timeline.insert_landed(214, 300).write_done(400, 256, 256);
  const auto evidence = timeline.evidence();
  ASSERT_EQ(evidence.read_misses.size(), 2u);
  EXPECT_EQ(evidence.race_windows, 2u);
  EXPECT_EQ(evidence.stale_inserts, 1u);
  EXPECT_EQ(evidence.insert_collisions, 1u);
  EXPECT_EQ(evidence.explain({300, 308})->miss_ns, 203u);
}

}  // namespace
}  // namespace bh::analysis
