#include "analysis/memory/module_memory.h"

#include <gtest/gtest.h>

#include "analysis/memory/memory_probes.h"
#include "analysis/memory/synthetic_memory_events.h"

namespace bh::analysis {
namespace {

using testing::SyntheticCpu;
using testing::SyntheticEvent;
using namespace testing;  // the memory events

/// bch_register [0xc100, 0xc180) and bch_write [0xc200, 0xc240) in .text at 0xc000.
MemoryCapture capture_of(std::string raw) {
  MemoryCapture capture;
  capture.trace = testing::synthetic_capture(kMemoryEvents, {std::move(raw)});
  capture.module = "bcache";
  capture.image = {{{".text", 0x1000}}, {{"bch_register", ".text", 0x100, 0x80}, {"bch_write", ".text", 0x200, 0x40}}};
  capture.section_addresses = {{".text", 0xc000}};
  return capture;
}

SyntheticCpu& mark(SyntheticCpu& cpu, std::uint32_t delta, const std::string& phase) {
  return cpu.add(kMarker, delta, 1, {}, phase_mark(phase));
}

TEST(ModuleMemory, ReportsBaselinePeakEndPhasesAndCallSitesInBytes) {
  SyntheticCpu cpu(1'000'000'000);
  cpu.add(kKmalloc, 10, 7, {{"call_site", 0xc110}, {"ptr", 0xa000}, {"bytes_alloc", 4096}});  // registration
  mark(cpu, 1'000'000, "fill");
  mark(cpu, 1'000'000, "race");
  cpu.add(kKmalloc, 500'000, 9, {{"call_site", 0xc208}, {"ptr", 0xb000}, {"bytes_alloc", 64}})
      .add(kKmalloc, 10, 9, {{"call_site", 0xc208}, {"ptr", 0xb040}, {"bytes_alloc", 64}})
      .add(kKfree, 10, 9, {{"call_site", 0xc210}, {"ptr", 0xb000}});
  mark(cpu, 1'000'000, "end");
  auto memory = module_memory(capture_of(cpu.bytes()));
  ASSERT_TRUE(memory) << memory.error().message;
  const auto& summary = memory.value().summary;
  EXPECT_EQ(summary["baseline_bytes"], 4096);
  EXPECT_EQ(summary["peak_bytes"], 4224);
  EXPECT_EQ(summary["peak_minus_baseline_bytes"], 128);
  EXPECT_EQ(summary["held_at_end_bytes"], 4160);
  EXPECT_NEAR(summary["peak_t_s"].get<double>(), 0.00150001, 1e-7);
  ASSERT_EQ(summary["phases"].size(), 2u);
  EXPECT_EQ(summary["phases"][1]["name"], "race");
  EXPECT_EQ(summary["phases"][1]["peak_minus_baseline_bytes"], 128);
  EXPECT_EQ(summary["phases"][0]["peak_minus_baseline_bytes"], 0);
  EXPECT_EQ(summary["by_call_site"][0]["call_site"], "bch_register+0x10");
  EXPECT_EQ(summary["by_call_site"][1]["call_site"], "bch_write+0x8");
  EXPECT_EQ(summary["by_call_site"][1]["held_at_end_bytes"], 64);
  EXPECT_EQ(summary["trace"]["lost_events"], 0);
  EXPECT_EQ(memory.value().held_over_time.front(), (std::pair<double, std::uint64_t>{0.0, 4096}));
  EXPECT_EQ(memory.value().held_over_time.back().second, 4160u);
}

TEST(ModuleMemory, LostEventsOrMissingMarksGiveNoFigures) {
  SyntheticCpu cpu(1000);
  cpu.add(kKmalloc, 10, 7, {{"call_site", 0xc110}, {"ptr", 0xa000}, {"bytes_alloc", 4096}});
  auto unmarked = module_memory(capture_of(cpu.bytes()));
  ASSERT_FALSE(unmarked);
  EXPECT_EQ(unmarked.error().message, "the memory trace has no phase mark");
  SyntheticCpu unstopped(1000);
  mark(unstopped, 1, "fill");
  auto open_ended = module_memory(capture_of(unstopped.bytes()));
  ASSERT_FALSE(open_ended);
  EXPECT_EQ(open_ended.error().message, "the memory trace has no end mark (it was not stopped)");
  SyntheticCpu unpaired(1000);
  mark(unpaired, 1, "fill");
  unpaired.add(kPagesRet, 1, 3, {{"__probe_ret_ip", 0xc110}, {"ptr", 0x9000}});
  mark(unpaired, 1, "end");
  auto unsized = module_memory(capture_of(unpaired.bytes()));
  ASSERT_FALSE(unsized);
  EXPECT_EQ(unsized.error().message,
            "1 allocator returns and 0 entries of the memory trace found no partner: allocations it cannot size, so "
            "its figures would under-count");
  SyntheticCpu marked(1000);
  mark(marked, 1, "fill");
  mark(marked, 1, "end");
  auto capture = capture_of(marked.bytes());
  capture.trace.cpu_stats[0].replace(capture.trace.cpu_stats[0].find("dropped events: 0"), 17, "dropped events: 4");
  auto lost = module_memory(capture);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().message,
            "the memory trace lost 4 events (cpu0: 4 dropped events): its figures would under-count");
  EXPECT_TRUE(is_trace_loss(lost.error().message));
  EXPECT_TRUE(is_trace_loss("/run/memory.trace: " + unsized.error().message)) << "a prefixed error too";
  EXPECT_FALSE(is_trace_loss(open_ended.error().message)) << "an unstopped trace is no loss a rerun avoids";
}

TEST(AllocinfoCheck, ComparesAllocinfoWithTheTracedBytesAsTheMeasuredPhaseStarted) {
  const nlohmann::json memory = {
      {"phases",
       {{{"name", "fill"}, {"held_at_start_bytes", 100}}, {{"name", "race"}, {"held_at_start_bytes", 2'257'516}}}}};
  const auto agree = allocinfo_check(memory, {{"allocinfo", {{"baseline_kib", 2204}}}}, "race");
  EXPECT_EQ(agree["allocinfo_bytes"], 2'256'896);
  EXPECT_EQ(agree["difference_bytes"], -620);
  EXPECT_EQ(agree["agree"], true);  // within allocinfo's KiB
  const auto apart = allocinfo_check(memory, {{"allocinfo", {{"baseline_kib", 2600}}}}, "race");
  EXPECT_EQ(apart["agree"], false);
  EXPECT_EQ(allocinfo_check(memory, {{"allocinfo", nullptr}}, "race")["available"], false);
  EXPECT_EQ(allocinfo_check(memory, {{"allocinfo", {{"baseline_kib", 1}}}}, "measure")["why"],
            "bcache_memory has no phase 'measure'");
}

TEST(AllocinfoCheck, IllTypedGuestFiguresAreUnavailableNotThrown) {
  const nlohmann::json memory = {{"phases", {"garbage", {{"name", "race"}, {"held_at_start_bytes", 100}}}}};
  const auto text = allocinfo_check(memory, {{"allocinfo", {{"baseline_kib", "2204"}}}}, "race");
  EXPECT_EQ(text["available"], false);
  EXPECT_EQ(text["why"], "allocinfo's baseline_kib is not a number of KiB: \"2204\"");
  const nlohmann::json no_held = {{"phases", {{{"name", "race"}, {"held_at_start_bytes", "100"}}}}};
  EXPECT_EQ(allocinfo_check(no_held, {{"allocinfo", {{"baseline_kib", 1}}}}, "race")["why"],
            "phase 'race' has no held_at_start_bytes");
  EXPECT_EQ(allocinfo_check({{"phases", 3}}, {{"allocinfo", {{"baseline_kib", 1}}}}, "race")["available"], false);
}

}  // namespace
}  // namespace bh::analysis
