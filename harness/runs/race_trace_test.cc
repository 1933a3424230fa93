#include "harness/runs/race_trace.h"

#include <gtest/gtest.h>

#include "analysis/trace/bcache_events.h"
#include "harness/vm/fake_guest.h"

namespace bh {
namespace {

const std::string kT = kGuestTracefs;

/// A guest whose tracefs has bcache's formats and two CPUs.
testing::FakeGuest guest_with_tracefs() {
  testing::FakeGuest guest;
  guest.files[kT + "/events/header_page"] = "header";
  guest.files["/proc/sys/kernel/osrelease"] = "6.1.0-traced\n";
  for (const auto event : analysis::kBcacheTraceEvents)
    guest.files[kT + "/events/" + std::string(event) + "/format"] = "format of " + std::string(event);
  for (const char* cpu : {"0", "1"}) {
    guest.files[kT + "/per_cpu/cpu" + cpu + "/stats"] = std::string("overrun: ") + cpu + "\n";
    guest.files[kT + "/per_cpu/cpu" + cpu + "/trace_pipe_raw"] = std::string("pages of cpu") + cpu;
  }
  return guest;
}

TEST(RaceTrace, ArmsAFixedSizeNonOverwritingBufferAndOnlyBcachesEventsWithTracingOff) {
  auto guest = guest_with_tracefs();
  GuestAgent agent(guest);
  RaceTrace trace(agent);
  ASSERT_TRUE(trace.arm(4096));
  EXPECT_EQ(guest.files[kT + "/buffer_size_kb"], "4096");
  EXPECT_EQ(guest.files[kT + "/trace_clock"], "mono");
  EXPECT_EQ(guest.files[kT + "/options/overwrite"], "0");
  EXPECT_EQ(guest.files[kT + "/options/record-cmd"], "0");  // no sched_switch hook
  EXPECT_EQ(guest.files[kT + "/events/bcache/bcache_read/enable"], "1");
  EXPECT_EQ(guest.files[kT + "/events/bcache/bcache_read/filter"], "cache_hit == 0");
  EXPECT_FALSE(guest.files.contains(kT + "/events/enable"));  // no other event touched
  EXPECT_EQ(guest.files[kT + "/tracing_on"], "0");            // armed, not recording
  // Two round trips: the layouts read, then every write in one request, tracing off first.
  ASSERT_EQ(guest.requests.size(), 2u);
  const auto& writes = guest.requests[1]["writes"];
  EXPECT_EQ(writes.front()["path"], kT + "/tracing_on");
  EXPECT_EQ(writes.front()["content"], "0");
  EXPECT_EQ(writes.back()["path"], kT + "/events/bcache/bcache_read_retry/enable");
}

TEST(RaceTrace, StartClearsTheBufferAndTurnsTracingOnInOneRoundTrip) {
  auto guest = guest_with_tracefs();
  GuestAgent agent(guest);
  RaceTrace trace(agent);
  ASSERT_TRUE(trace.arm());
  guest.files[kT + "/trace"] = "events of the fill";
  ASSERT_TRUE(trace.start());
  EXPECT_EQ(guest.files[kT + "/trace"], "");
  EXPECT_EQ(guest.files[kT + "/tracing_on"], "1");
  ASSERT_EQ(guest.requests.size(), 3u);
  EXPECT_EQ(guest.requests[2]["writes"].back()["path"], kT + "/tracing_on");
}

TEST(RaceTrace, StartBeforeArmFailsAndTouchesNothing) {
  auto guest = guest_with_tracefs();
  GuestAgent agent(guest);
  RaceTrace trace(agent);
  auto started = trace.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message, "tracing: started before it was armed");
  EXPECT_TRUE(guest.requests.empty());
}

TEST(RaceTrace, ARefusedWriteFailsNamingIt) {
  auto guest = guest_with_tracefs();
  guest.write_hook = [](const std::string& path, const std::string&) {
    return path.ends_with("buffer_size_kb") ? std::string("Cannot allocate memory") : std::string();
  };
  GuestAgent agent(guest);
  RaceTrace trace(agent);
  auto armed = trace.arm();
  ASSERT_FALSE(armed);
  EXPECT_NE(armed.error().message.find("tracing: "), std::string::npos);
  EXPECT_NE(armed.error().message.find("buffer_size_kb: Cannot allocate memory"), std::string::npos);
}

TEST(RaceTrace, StopMovesLayoutsPagesAndLossCountersOfEveryCpu) {
  auto guest = guest_with_tracefs();
  GuestAgent agent(guest);
  RaceTrace trace(agent);
  ASSERT_TRUE(trace.arm());
  ASSERT_TRUE(trace.start());
  auto capture = trace.stop();
  ASSERT_TRUE(capture) << capture.error().message;
  EXPECT_EQ(guest.files[kT + "/tracing_on"], "0");
  EXPECT_EQ(capture.value().header_page, "header");
  EXPECT_EQ(capture.value().formats.size(), analysis::kBcacheTraceEvents.size());
  EXPECT_EQ(capture.value().formats.at("bcache/bcache_write"), "format of bcache/bcache_write");
  EXPECT_EQ(capture.value().cpu_raw, (std::vector<std::string>{"pages of cpu0", "pages of cpu1"}));
  EXPECT_EQ(capture.value().cpu_stats[1], "overrun: 1\n");
  EXPECT_EQ(capture.value().kernel_release, "6.1.0-traced");
  EXPECT_EQ(guest.files[kT + "/per_cpu/cpu0/trace_pipe_raw"], "");  // consumed
  // Two round trips (tracing off, then every CPU's counters and pages); events stay on.
  EXPECT_EQ(guest.requests.size(), 5u);
  EXPECT_EQ(guest.files[kT + "/events/bcache/bcache_write/enable"], "1");
}

TEST(RaceTrace, ReadsEveryCpuTheGuestHasAndNoMore) {
  auto guest = guest_with_tracefs();
  guest.files[kT + "/per_cpu/cpu2/stats"] = "overrun: 2\n";
  guest.files[kT + "/per_cpu/cpu2/trace_pipe_raw"] = "pages of cpu2";
  GuestAgent agent(guest);
  RaceTrace trace(agent);
  ASSERT_TRUE(trace.arm());
  ASSERT_TRUE(trace.start());
  auto capture = trace.stop();
  ASSERT_TRUE(capture) << capture.error().message;
  EXPECT_EQ(capture.value().cpu_raw.size(), 3u);
  EXPECT_EQ(capture.value().cpu_raw[2], "pages of cpu2");
}

TEST(RaceTrace, AKernelWithoutBcachesTracepointsFailsNamingTheFormat) {
  auto guest = guest_with_tracefs();
  guest.files.erase(kT + "/events/bcache/bcache_cache_insert/format");
  GuestAgent agent(guest);
  RaceTrace trace(agent);
  auto armed = trace.arm();
  ASSERT_FALSE(armed);
  EXPECT_NE(armed.error().message.find("bcache_cache_insert/format"), std::string::npos);
  EXPECT_FALSE(guest.files.contains(kT + "/tracing_on"));
}

}  // namespace
}  // namespace bh
