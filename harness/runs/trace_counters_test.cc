#include "harness/runs/trace_counters.h"

#include <gtest/gtest.h>

#include "harness/vm/fake_guest.h"

namespace bh {
namespace {

const std::string kI = kTraceCounterInstance;
const std::string kProfile = "/sys/kernel/tracing/kprobe_profile";

std::string totals(int hits) {
  return "\nTotals:\n    Hits: " + std::to_string(hits) + "\n    Entries: 1\n    Dropped: 0\n";
}

const std::string kReads =
    "# event histogram\n#\n"
    "{ cache_hit:          0, bypass:          0 } hitcount:         97\n"
    "{ cache_hit:          1, bypass:          0 } hitcount:        103\n"
    "{ cache_hit:          0, bypass:          1 } hitcount:          7\n"
    "{ cache_hit:          1, bypass:          1 } hitcount:          2\n" +
    totals(209);
const std::string kCollisions = "{ d: 18446612683111792640 } hitcount:          4\n" + totals(4);
const std::string kBypassed = "{ dc: 18446612683111792640 } hitcount:          5  sectors:      10240\n" + totals(5);
const std::string kNoMisses = "  miss_collision   4   0\n  sectors_bypassed   5   0\n";

/// A guest whose kernel has everything the counters need, with the counts above.
void make_armed(testing::FakeGuest& guest) {
  guest.files[kI + "/events/bcache/bcache_read/hist"] = kReads;
  guest.files[kI + "/events/bhcount/miss_collision/hist"] = kCollisions;
  guest.files[kI + "/events/bhcount/sectors_bypassed/hist"] = kBypassed;
  guest.files[kProfile] = kNoMisses;
}

TEST(TraceCounters, ArmingDefinesBothProbesThenTheThreeTriggersInTheirOwnInstance) {
  testing::FakeGuest guest;
  GuestAgent agent(guest);
  TraceCounterSource source(agent);
  ASSERT_TRUE(source.arm());
  EXPECT_TRUE(guest.dirs.contains(kI));
  EXPECT_EQ(guest.files["/sys/kernel/tracing/kprobe_events"],
            "p:bhcount/miss_collision bch_mark_cache_miss_collision d=$arg2:x64\n"
            "p:bhcount/sectors_bypassed bch_mark_sectors_bypassed dc=$arg2:x64 sectors=$arg3:u32\n");
  EXPECT_EQ(guest.files[kI + "/events/bcache/bcache_read/trigger"], "hist:keys=cache_hit,bypass:vals=hitcount");
  EXPECT_EQ(guest.files[kI + "/events/bhcount/miss_collision/trigger"], "hist:keys=d:vals=hitcount");
  EXPECT_EQ(guest.files[kI + "/events/bhcount/sectors_bypassed/trigger"], "hist:keys=dc:vals=sectors");
  EXPECT_EQ(guest.requests.size(), 1u);
}

TEST(TraceCounters, AKernelThatRefusesAWriteCannotArmThemAndSaysWhichWrite) {
  testing::FakeGuest guest;
  guest.write_hook = [](const std::string& path, const std::string&) -> std::string {
    return path.ends_with("bcache_read/trigger") ? "No such file or directory" : "";
  };
  GuestAgent agent(guest);
  TraceCounterSource source(agent);
  const auto armed = source.arm();
  ASSERT_FALSE(armed);
  EXPECT_NE(armed.error().message.find("tracefs counters: "), std::string::npos) << armed.error().message;
  EXPECT_NE(armed.error().message.find("write 3 of 5"), std::string::npos) << armed.error().message;
  EXPECT_NE(armed.error().message.find("bcache_read/trigger: No such file or directory"), std::string::npos);
}

TEST(TraceCounters, ReadsEveryCounterUnderStatsTotalsNamesInOneRoundTrip) {
  testing::FakeGuest guest;
  make_armed(guest);
  GuestAgent agent(guest);
  TraceCounterSource source(agent);
  const auto values = source.read();
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(values.value(), (BcacheCounterValues{{"cache_hits", 103},
                                                 {"cache_misses", 97},
                                                 {"cache_bypass_hits", 2},
                                                 {"cache_bypass_misses", 7},
                                                 {"cache_miss_collisions", 4},
                                                 {"bypassed_bytes", 10240 * 512},
                                                 {"probe_misses", 0}}));
  EXPECT_EQ(guest.requests.size(), 1u);
}

TEST(TraceCounters, MissedProbeHitsAreCountedNotHidden) {
  testing::FakeGuest guest;
  make_armed(guest);
  guest.files[kProfile] = "  pages  90  1\n  miss_collision   4   2\n  sectors_bypassed   5   1\n";
  GuestAgent agent(guest);
  TraceCounterSource source(agent);
  EXPECT_EQ(source.read().value().at("probe_misses"), 3u);  // the memory trace's "pages" miss is not ours
}

TEST(TraceCounters, AMissingFileADroppedEventOrAnUnknownProbeIsAnErrorNamingIt) {
  testing::FakeGuest guest;
  make_armed(guest);
  guest.files.erase(kI + "/events/bhcount/miss_collision/hist");
  GuestAgent agent(guest);
  TraceCounterSource source(agent);
  EXPECT_EQ(source.read().error().message,
            "tracefs counters: the guest has no " + kI + "/events/bhcount/miss_collision/hist");

  EXPECT_EQ(
      trace_counter_values(kReads, kCollisions, "{ dc: 1 } hitcount: 9 sectors: 8\nTotals:\n Dropped: 2\n", kNoMisses)
          .error()
          .message,
      kI + "/events/bhcount/sectors_bypassed/hist: 2 events dropped (the histogram's map is full)");
  EXPECT_EQ(trace_counter_values(kReads, kCollisions, kBypassed, "  miss_collision 4 0\n").error().message,
            "/sys/kernel/tracing/kprobe_profile has no bhcount/sectors_bypassed");
  EXPECT_NE(trace_counter_values("garbage", kCollisions, kBypassed, kNoMisses)
                .error()
                .message.find(kI + "/events/bcache/bcache_read/hist: hist line 1: unexpected 'garbage'"),
            std::string::npos);
}

}  // namespace
}  // namespace bh
