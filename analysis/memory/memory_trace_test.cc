#include "analysis/memory/memory_trace.h"

#include <gtest/gtest.h>

#include "analysis/memory/synthetic_memory_events.h"

namespace bh::analysis {
namespace {

using testing::SyntheticCpu;
using testing::SyntheticEvent;
using namespace testing;  // the memory events

/// A module whose code is [0xc000, 0xd000).
LoadedModuleCode module_code() {
  ModuleImage image{{{".text", 0x1000}}, {{"bch_alloc", ".text", 0x100, 0x80}}};
  return LoadedModuleCode::place(image, {{".text", 0xc000}}).value();
}

MemoryTrace decode(std::vector<std::string> cpus, const std::string& profile = "") {
  auto capture = testing::synthetic_capture(kMemoryEvents, std::move(cpus));
  capture.kprobe_profile = profile;
  auto trace = decode_memory_trace(capture, module_code());
  EXPECT_TRUE(trace) << trace.error().message;
  return trace ? trace.value() : MemoryTrace{};
}

TEST(DecodeMemoryTrace, SlabEventsOfEveryCpuComeInTimeOrderAndOnlyTheModulesCount) {
  auto trace = decode({SyntheticCpu(1000)
                           .add(kKmalloc, 5, 7, {{"call_site", 0xc123}, {"ptr", 0xa000}, {"bytes_alloc", 96}})
                           .add(kKfree, 20, 7, {{"call_site", 0xc200}, {"ptr", 0xa000}})
                           .bytes(),
                       SyntheticCpu(1010)
                           .add(kKmalloc, 0, 8, {{"call_site", 0xc555}, {"ptr", 0xb000}, {"bytes_alloc", 4096}})
                           .add(kKmalloc, 1, 8, {{"call_site", 0xd000}, {"ptr", 0xe000}, {"bytes_alloc", 64}})
                           .bytes()});
  ASSERT_EQ(trace.events.size(), 3u);
  EXPECT_EQ(trace.events[0].t_ns, 1005u);
  EXPECT_EQ(trace.events[0].bytes, 96u);
  EXPECT_EQ(trace.events[0].call_site, 0xc123u);
  EXPECT_EQ(trace.events[1].t_ns, 1010u);  // cpu1's, between cpu0's two
  EXPECT_EQ(trace.events[2].kind, MemoryEvent::Kind::kFree);
  EXPECT_EQ(trace.records, 4u);
  EXPECT_EQ(trace.outside_module, 1u);  // 0xd000 is one past the module's code
  EXPECT_EQ(trace.lost_events, 0u);
}

TEST(DecodeMemoryTrace, APageProbeEntryAndItsReturnMakeOneAllocationOfItsOrder) {
  auto trace = decode({SyntheticCpu(100)
                           .add(kPages, 1, 42, {{"order", 2}, {"caller", 0xc110}})
                           .add(kPages, 1, 43, {{"order", 0}, {"caller", 0xc120}})
                           .add(kPagesRet, 1, 42, {{"__probe_ret_ip", 0xc110}, {"ptr", 0x10000}})
                           .add(kPagesRet, 1, 43, {{"__probe_ret_ip", 0xc120}, {"ptr", 0x20000}})
                           .add(kFreePages, 1, 42, {{"ptr", 0x10000}, {"caller", 0xc130}})
                           .bytes()});
  ASSERT_EQ(trace.events.size(), 3u);
  EXPECT_EQ(trace.events[0].kind, MemoryEvent::Kind::kAlloc);
  EXPECT_EQ(trace.events[0].t_ns, 103u);  // when the pointer is known
  EXPECT_EQ(trace.events[0].ptr, 0x10000u);
  EXPECT_EQ(trace.events[0].bytes, 16384u);  // order 2
  EXPECT_EQ(trace.events[0].call_site, 0xc110u);
  EXPECT_EQ(trace.events[1].bytes, 4096u);
  EXPECT_EQ(trace.events[2].kind, MemoryEvent::Kind::kFree);
  EXPECT_EQ(trace.unpaired_entries + trace.unpaired_returns, 0u);
}

TEST(DecodeMemoryTrace, AZeroedPageIsOnePage) {
  auto trace = decode({SyntheticCpu(100)
                           .add(kZeroedPage, 1, 42, {{"caller", 0xc110}})
                           .add(kZeroedPageRet, 1, 42, {{"__probe_ret_ip", 0xc110}, {"ptr", 0x30000}})
                           .bytes()});
  ASSERT_EQ(trace.events.size(), 1u);
  EXPECT_EQ(trace.events[0].bytes, 4096u);
  EXPECT_EQ(trace.events[0].ptr, 0x30000u);
}

TEST(DecodeMemoryTrace, EntriesAndReturnsThatFindNoPartnerAreCounted) {
  auto trace = decode({SyntheticCpu(100)
                           .add(kPagesRet, 1, 9, {{"__probe_ret_ip", 0xc110}, {"ptr", 0x10000}})
                           .add(kPages, 1, 9, {{"order", 0}, {"caller", 0xc110}})
                           .add(kPagesRet, 1, 10, {{"__probe_ret_ip", 0xc110}, {"ptr", 0x20000}})  // other task
                           .bytes()});
  EXPECT_TRUE(trace.events.empty());
  EXPECT_EQ(trace.unpaired_returns, 2u);
  EXPECT_EQ(trace.unpaired_entries, 1u);
}

TEST(DecodeMemoryTrace, AKreallocThatMovedFreesTheOldPointerAndOneInPlaceFreesNothing) {
  auto trace = decode({SyntheticCpu(100)
                           .add(kKrealloc, 1, 5, {{"ptr", 0xa000}, {"size", 256}, {"caller", 0xc150}})
                           .add(kKmalloc, 1, 5, {{"call_site", 0xc150}, {"ptr", 0xb000}, {"bytes_alloc", 256}})
                           .add(kKreallocRet, 1, 5, {{"__probe_ret_ip", 0xc150}, {"ptr", 0xb000}})
                           .add(kKrealloc, 1, 5, {{"ptr", 0xb000}, {"size", 200}, {"caller", 0xc150}})
                           .add(kKreallocRet, 1, 5, {{"__probe_ret_ip", 0xc150}, {"ptr", 0xb000}})
                           .add(kKrealloc, 1, 5, {{"ptr", 0}, {"size", 64}, {"caller", 0xc150}})
                           .add(kKreallocRet, 1, 5, {{"__probe_ret_ip", 0xc150}, {"ptr", 0}})
                           .bytes()});
  ASSERT_EQ(trace.events.size(), 2u);
  EXPECT_EQ(trace.events[0].ptr, 0xb000u);
  EXPECT_EQ(trace.events[1].kind, MemoryEvent::Kind::kFree);
  EXPECT_EQ(trace.events[1].ptr, 0xa000u);
  EXPECT_EQ(trace.events[1].t_ns, 103u);
}

TEST(DecodeMemoryTrace, MarksKeepTheirTextAndTime) {
  auto trace = decode({SyntheticCpu(100).add(kMarker, 4, 1, {}, "bh phase fill\n").bytes()});
  ASSERT_EQ(trace.marks.size(), 1u);
  EXPECT_EQ(trace.marks[0].t_ns, 104u);
  EXPECT_EQ(trace.marks[0].text, "bh phase fill");
}

TEST(DecodeMemoryTrace, KprobeMissesOfTheHarnesssProbesAreLostEvents) {
  auto trace = decode({SyntheticCpu(100).bytes()},
                      "  pages                                     12               3\n"
                      "  someone_elses_probe                       5                9\n"
                      "  kvfree                                    4                0\n");
  EXPECT_EQ(trace.lost_events, 3u);
  EXPECT_EQ(trace.loss_detail, "pages: 3 missed");
}

TEST(DecodeMemoryTrace, ABadProfileLineOrAFormatWithoutItsFieldIsNamed) {
  auto capture = testing::synthetic_capture(kMemoryEvents, {SyntheticCpu(1).bytes()});
  capture.kprobe_profile = "  pages twelve 0\n";
  auto bad_profile = decode_memory_trace(capture, module_code());
  ASSERT_FALSE(bad_profile);
  EXPECT_EQ(bad_profile.error().message, "kprobe_profile line 1: expected EVENT HITS MISSES");
  capture.kprobe_profile.clear();
  capture.formats["kmem/kmalloc"] = SyntheticEvent{"kmem/kmalloc", 500, {"call_site", "ptr"}}.format();
  auto no_bytes = decode_memory_trace(capture, module_code());
  ASSERT_FALSE(no_bytes);
  EXPECT_EQ(no_bytes.error().message, "kmem/kmalloc format has no field 'bytes_alloc'");
  capture.formats = {{"ftrace/print", kMarker.format()}};
  auto none = decode_memory_trace(capture, module_code());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "the trace has the format of no kmem or bhmem event");
}

}  // namespace
}  // namespace bh::analysis
