#include "analysis/trace/event_hist.h"

#include <gtest/gtest.h>

namespace bh::analysis {
namespace {

/// Read from a 6.1.0-57 guest after 200 direct 4 KiB reads of /dev/bcache0.
constexpr std::string_view kReads = R"(# event histogram
#
# trigger info: hist:keys=cache_hit,bypass:vals=hitcount:sort=hitcount:size=2048 [active]
#

{ cache_hit:          0, bypass:          0 } hitcount:         97
{ cache_hit:          1, bypass:          0 } hitcount:        103

Totals:
    Hits: 200
    Entries: 2
    Dropped: 0
)";

/// The same guest's kprobe event with a sum (8 MiB written, 5 MiB of it bypassed).
constexpr std::string_view kBypassed = R"(# event histogram
#
# trigger info: hist:keys=dc:vals=hitcount,sectors:sort=hitcount:size=2048 [active]
#

{ dc: 18446612683111792640 } hitcount:          5  sectors:      10240

Totals:
    Hits: 5
    Entries: 1
    Dropped: 0
)";

TEST(EventHist, ReadsEachEntrysKeysAndValuesAndTheTotals) {
  const auto hist = parse_event_hist(kReads);
  ASSERT_TRUE(hist) << hist.error().message;
  ASSERT_EQ(hist.value().entries.size(), 2u);
  EXPECT_EQ(hist.value().entries[1].keys, (HistFields{{"cache_hit", 1}, {"bypass", 0}}));
  EXPECT_EQ(hist.value().entries[1].values, (HistFields{{"hitcount", 103}}));
  EXPECT_EQ(hist.value().hits, 200u);
  EXPECT_EQ(hist.value().dropped, 0u);
}

TEST(EventHist, SumsAValueOverTheEntriesWhoseKeysMatch) {
  const auto reads = parse_event_hist(kReads).value();
  EXPECT_EQ(hist_sum(reads, "hitcount", {{"cache_hit", 0}, {"bypass", 0}}), 97u);
  EXPECT_EQ(hist_sum(reads, "hitcount", {{"bypass", 0}}), 200u);
  EXPECT_EQ(hist_sum(reads, "hitcount", {{"bypass", 1}}), 0u);
  EXPECT_EQ(hist_sum(reads, "hitcount", {{"no_such_key", 0}}), 0u);
  const auto bypassed = parse_event_hist(kBypassed).value();
  EXPECT_EQ(hist_sum(bypassed, "sectors"), 10240u);
  EXPECT_EQ(hist_sum(bypassed, "hitcount"), 5u);
}

TEST(EventHist, AnEmptyHistogramHasNoEntriesButItsTotals) {
  const auto hist =
      parse_event_hist("# event histogram\n#\n\n\nTotals:\n    Hits: 0\n    Entries: 0\n    Dropped: 0\n");
  ASSERT_TRUE(hist) << hist.error().message;
  EXPECT_TRUE(hist.value().entries.empty());
}

TEST(EventHist, DroppedEventsAreReported) {
  const auto hist = parse_event_hist("{ d: 1 } hitcount: 2048\nTotals:\n Hits: 2051\n Entries: 2048\n Dropped: 3\n");
  ASSERT_TRUE(hist) << hist.error().message;
  EXPECT_EQ(hist.value().dropped, 3u);
}

TEST(EventHist, ACutShortOrGarbledFileIsAnErrorNamingTheLine) {
  EXPECT_EQ(parse_event_hist("{ cache_hit: 0 } hitcount: 5\n").error().message,
            "hist: no Totals (the file is cut short, or is no histogram)");
  EXPECT_EQ(parse_event_hist("\n{ comm: fio } hitcount: 5\nTotals:\n").error().message,
            "hist line 2: not an entry of numeric keys and values: '{ comm: fio } hitcount: 5'");
  EXPECT_FALSE(parse_event_hist("{ d: 1 } hitcount:\nTotals:\n"));
  EXPECT_FALSE(parse_event_hist("{ d: 1 hitcount: 5\nTotals:\n"));
  EXPECT_FALSE(parse_event_hist("{ d: 0x10 } hitcount: 5\nTotals:\n"));
  EXPECT_EQ(parse_event_hist("ERROR: something\nTotals:\n").error().message,
            "hist line 1: unexpected 'ERROR: something'");
}

}  // namespace
}  // namespace bh::analysis
