#include "analysis/memory/allocation_ledger.h"

#include <gtest/gtest.h>

namespace bh::analysis {
namespace {

MemoryEvent alloc(std::uint64_t t, std::uint64_t ptr, std::uint64_t bytes, std::uint64_t site = 0x10) {
  return {MemoryEvent::Kind::kAlloc, t, ptr, bytes, site};
}
MemoryEvent release(std::uint64_t t, std::uint64_t ptr) { return {MemoryEvent::Kind::kFree, t, ptr, 0, 0}; }

TEST(AllocationLedger, MatchesFreesToAllocationsByPointer) {
  AllocationLedger ledger;
  ledger.apply(alloc(1, 0xa000, 64));
  ledger.apply(alloc(2, 0xb000, 4096, 0x20));
  ledger.apply(release(3, 0xa000));
  EXPECT_EQ(ledger.held_bytes(), 4096u);
  EXPECT_EQ(ledger.peak_bytes(), 4160u);
  EXPECT_EQ(ledger.peak_t_ns(), 2u);
  EXPECT_EQ(ledger.sites().at(0x10).held_bytes, 0u);
  EXPECT_EQ(ledger.sites().at(0x10).peak_bytes, 64u);
  EXPECT_EQ(ledger.sites().at(0x10).frees, 1u);
  EXPECT_EQ(ledger.anomalies().untracked_frees, 0u);
}

TEST(AllocationLedger, ADoubleFreeIsCountedAndChangesNothing) {
  AllocationLedger ledger;
  ledger.apply(alloc(1, 0xa000, 64));
  ledger.apply(alloc(2, 0xb000, 32));
  ledger.apply(release(3, 0xa000));
  ledger.apply(release(4, 0xa000));
  EXPECT_EQ(ledger.held_bytes(), 32u);
  EXPECT_EQ(ledger.anomalies().double_frees, 1u);
  EXPECT_EQ(ledger.anomalies().untracked_frees, 0u);
}

TEST(AllocationLedger, AFreeOfAnAddressNeverSeenAllocatedIsUntracked) {
  AllocationLedger ledger;
  ledger.apply(alloc(1, 0xa000, 64));
  ledger.apply(release(2, 0xc000));
  ledger.apply(release(3, 0));  // kfree(NULL) is no free at all
  EXPECT_EQ(ledger.held_bytes(), 64u);
  EXPECT_EQ(ledger.anomalies().untracked_frees, 1u);
  EXPECT_EQ(ledger.anomalies().double_frees, 0u);
}

TEST(AllocationLedger, AnAddressReusedAfterItsFreeIsANewAllocation) {
  AllocationLedger ledger;
  ledger.apply(alloc(1, 0xa000, 64));
  ledger.apply(release(2, 0xa000));
  ledger.apply(alloc(3, 0xa000, 128, 0x20));
  ledger.apply(release(4, 0xa000));  // frees the new one: no double free
  EXPECT_EQ(ledger.held_bytes(), 0u);
  EXPECT_EQ(ledger.anomalies().double_frees, 0u);
  EXPECT_EQ(ledger.sites().at(0x20).frees, 1u);
}

TEST(AllocationLedger, AnAddressReusedWhileHeldReleasesTheOlderAllocation) {
  AllocationLedger ledger;
  ledger.apply(alloc(1, 0xa000, 64));  // its free happened where the trace does not look
  ledger.apply(alloc(2, 0xa000, 128, 0x20));
  EXPECT_EQ(ledger.held_bytes(), 128u);
  EXPECT_EQ(ledger.sites().at(0x10).held_bytes, 0u);
  EXPECT_EQ(ledger.anomalies().reused_live_addresses, 1u);
  EXPECT_EQ(ledger.anomalies().reused_live_bytes, 64u);
}

TEST(AllocationLedger, AFailedAllocationHoldsNothing) {
  AllocationLedger ledger;
  ledger.apply(alloc(1, 0, 4096));
  EXPECT_EQ(ledger.held_bytes(), 0u);
  EXPECT_EQ(ledger.anomalies().failed_allocations, 1u);
}

TEST(SummarizeAllocations, TakesTheBaselineThenThePeakAfterItAndWhatIsLeft) {
  const std::vector<MemoryEvent> events = {
      alloc(10, 0xa000, 1000),       // registration
      alloc(20, 0xb000, 200, 0x20),  // registration, freed in the load
      release(150, 0xb000),          // during the load: the peak falls below the baseline
      alloc(160, 0xc000, 64, 0x30),  // per in-flight write
      alloc(170, 0xd000, 64, 0x30), release(180, 0xc000),
      release(190, 0xd000),         alloc(200, 0xe000, 8, 0x30),  // still held at the end
  };
  const auto summary = summarize_allocations(events, {{"load", 100}}, 1000);
  EXPECT_EQ(summary.baseline_bytes, 1200u);
  EXPECT_EQ(summary.peak_bytes, 1200u);  // never below the baseline
  EXPECT_EQ(summary.peak_minus_baseline_bytes(), 0u);
  EXPECT_EQ(summary.held_at_end_bytes, 1008u);
  EXPECT_EQ(summary.by_call_site.at(0x30).baseline_bytes, 0u);
  EXPECT_EQ(summary.by_call_site.at(0x30).peak_bytes, 128u);
  EXPECT_EQ(summary.by_call_site.at(0x30).held_at_end_bytes, 8u);
  EXPECT_EQ(summary.by_call_site.at(0x20).baseline_bytes, 200u);
  EXPECT_EQ(summary.by_call_site.at(0x20).held_at_end_bytes, 0u);
  ASSERT_FALSE(summary.held_over_time.empty());
  EXPECT_EQ(summary.held_over_time.back(), (std::pair<std::uint64_t, std::uint64_t>{200, 1008}));
}

TEST(SummarizeAllocations, APeakAboveTheBaselineIsTimedAtTheAllocationThatMadeIt) {
  const std::vector<MemoryEvent> events = {alloc(10, 0xa000, 1000), alloc(160, 0xc000, 64, 0x30),
                                           alloc(170, 0xd000, 64, 0x30), release(180, 0xc000)};
  const auto summary = summarize_allocations(events, {{"load", 100}}, 1000);
  EXPECT_EQ(summary.peak_bytes, 1128u);
  EXPECT_EQ(summary.peak_t_ns, 170u);
  EXPECT_EQ(summary.peak_minus_baseline_bytes(), 128u);
}

TEST(SummarizeAllocations, WithEveryEventInTheBaselineThePeakIsTheBaseline) {
  const auto summary = summarize_allocations({alloc(10, 0xa000, 1000), alloc(20, 0xb000, 24)}, {{"load", 100}}, 1000);
  EXPECT_EQ(summary.baseline_bytes, 1024u);
  EXPECT_EQ(summary.peak_bytes, 1024u);
  EXPECT_EQ(summary.peak_t_ns, 100u);
}

TEST(SummarizeAllocations, EachPhaseHasItsOwnStartPeakAndEnd) {
  const std::vector<MemoryEvent> events = {
      alloc(10, 0xa000, 1000),                                                           // registration: the baseline
      alloc(110, 0xb000, 64, 0x30), release(120, 0xb000),                                // fill
      alloc(210, 0xc000, 64, 0x30), alloc(220, 0xd000, 64, 0x30), release(230, 0xc000),  // race: peak 1128 at 220
      alloc(400, 0xe000, 8, 0x30),                                                       // after the end: not counted
  };
  const auto summary = summarize_allocations(events, {{"fill", 100}, {"race", 200}}, 300);
  ASSERT_EQ(summary.phases.size(), 2u);
  const auto& fill = summary.phases[0];
  EXPECT_EQ(fill.name, "fill");
  EXPECT_EQ(fill.start_ns, 100u);
  EXPECT_EQ(fill.end_ns, 200u);
  EXPECT_EQ(fill.held_at_start_bytes, 1000u);
  EXPECT_EQ(fill.peak_bytes, 1064u);
  EXPECT_EQ(fill.peak_t_ns, 110u);
  EXPECT_EQ(fill.held_at_end_bytes, 1000u);
  const auto& race = summary.phases[1];
  EXPECT_EQ(race.end_ns, 300u);
  EXPECT_EQ(race.peak_bytes, 1128u);
  EXPECT_EQ(race.peak_t_ns, 220u);
  EXPECT_EQ(race.held_at_end_bytes, 1064u);
  EXPECT_EQ(summary.baseline_bytes, 1000u);
  EXPECT_EQ(summary.peak_bytes, 1128u);
  EXPECT_EQ(summary.held_at_end_bytes, 1064u);
}

TEST(SummarizeAllocations, APhaseWithNoEventsHoldsWhatItStartedWith) {
  const auto summary = summarize_allocations({alloc(10, 0xa000, 1000)}, {{"fill", 100}, {"race", 200}}, 300);
  ASSERT_EQ(summary.phases.size(), 2u);
  EXPECT_EQ(summary.phases[1].held_at_start_bytes, 1000u);
  EXPECT_EQ(summary.phases[1].peak_bytes, 1000u);
  EXPECT_EQ(summary.phases[1].peak_t_ns, 200u);
  EXPECT_EQ(summary.phases[1].held_at_end_bytes, 1000u);
}

}  // namespace
}  // namespace bh::analysis
