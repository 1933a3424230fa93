#include "harness/runs/memory_trace.h"

#include <gtest/gtest.h>

#include "analysis/memory/memory_probes.h"
#include "harness/runs/race_trace.h"
#include "harness/vm/fake_guest.h"

namespace bh {
namespace {

const std::string kT = kGuestTracefs;
const std::string kI = kMemoryTraceInstance;

/// A 6.1-like guest: kmem tracepoints, bcache's sections, two CPUs, and kprobe_events that
/// accepts only functions 6.1 has (no *_noprof, no vzalloc here, to see one go unprobed).
void make_6_1(testing::FakeGuest& guest) {
  guest.files[kT + "/events/header_page"] = "header";
  guest.files["/proc/sys/kernel/osrelease"] = "6.1.0-fake\n";
  guest.files[kT + "/events/ftrace/print/format"] = "print format";
  for (const char* event : {"kmalloc", "kmem_cache_alloc", "kfree", "kmem_cache_free"})
    guest.files[kT + "/events/kmem/" + event + "/format"] = std::string("format of ") + event;
  guest.files["/sys/module/bcache/sections/.text"] = "0xffffffffc0a00000\n";
  guest.files["/sys/module/bcache/sections/.text.unlikely"] = "0xffffffffc0a20000\n";
  guest.files[kT + "/kprobe_events"] = "";
  guest.files[kT + "/kprobe_profile"] = "  pages  3  0\n";
  for (const char* cpu : {"0", "1"}) {
    guest.files[kT + "/per_cpu/cpu" + cpu + "/stats"] = "overrun: 0\n";
    guest.files[kI + "/per_cpu/cpu" + cpu + "/stats"] = std::string("instance stats ") + cpu;
    guest.files[kI + "/per_cpu/cpu" + cpu + "/trace_pipe_raw"] = std::string("memory pages of cpu") + cpu;
  }
  guest.write_hook = [&guest](const std::string& path, const std::string& value) -> std::string {
    if (path.ends_with("/trace_marker")) return "";  // appended by the fake
    if (path != kT + "/kprobe_events") {
      guest.files[path] = value;
      return "";
    }
    if (value.find("_noprof") != std::string::npos || value.find(" vzalloc ") != std::string::npos)
      return "No such file or directory";
    const auto slash = value.find('/');
    const auto event = value.substr(slash + 1, value.find(' ') - slash - 1);
    guest.files[kT + "/events/bhmem/" + event + "/format"] = "format of bhmem/" + event;
    return "";
  };
}

analysis::ModuleImage bcache_image() {
  return {{{".text", 0x10000}, {".text.unlikely", 0x800}}, {{"bch_cache_set_alloc", ".text", 0x100, 0x400}}};
}

TEST(MemoryTracer, DefinesProbesFiltersEveryEventToTheModulesCodeAndStartsItsOwnInstance) {
  testing::FakeGuest guest;
  make_6_1(guest);
  GuestAgent agent(guest);
  MemoryTracer tracer(agent, "bcache", bcache_image());
  ASSERT_TRUE(tracer.start(1024));
  const std::string kprobes = guest.files[kT + "/kprobe_events"];
  EXPECT_NE(kprobes.find("p:bhmem/pages __get_free_pages order=%si:u32 caller=$stack0:x64\n"), std::string::npos);
  EXPECT_NE(kprobes.find("r256:bhmem/pages_ret __get_free_pages ptr=$retval:x64\n"), std::string::npos);
  EXPECT_EQ(kprobes.find("_noprof"), std::string::npos);
  EXPECT_EQ(guest.files[kT + "/options/record-cmd"], "0");
  EXPECT_TRUE(guest.dirs.contains(kI));
  EXPECT_EQ(guest.files[kI + "/buffer_size_kb"], "1024");
  EXPECT_EQ(guest.files[kI + "/options/overwrite"], "0");
  const std::string code =
      "(call_site >= 0xffffffffc0a00000 && call_site < 0xffffffffc0a10000) || "
      "(call_site >= 0xffffffffc0a20000 && call_site < 0xffffffffc0a20800)";
  EXPECT_EQ(guest.files[kI + "/events/kmem/kmalloc/filter"], code);
  EXPECT_EQ(guest.files[kI + "/events/kmem/kmalloc/enable"], "1");
  // The mempools' and bio sets' caches only when the format has their name: here it does not.
  EXPECT_EQ(guest.files[kI + "/events/kmem/kmem_cache_free/filter"], code);
  EXPECT_EQ(guest.files[kI + "/events/bhmem/pages/filter"].substr(0, 16), "(caller >= 0xfff");
  EXPECT_EQ(guest.files[kI + "/events/bhmem/pages_ret/filter"].substr(0, 24), "(__probe_ret_ip >= 0xfff");
  EXPECT_FALSE(guest.files.contains(kI + "/events/bhmem/vzalloc/enable"));
  EXPECT_EQ(guest.files[kI + "/tracing_on"], "1");
  EXPECT_FALSE(guest.files.contains(kT + "/tracing_on"));  // the race trace's buffer is not touched
  EXPECT_EQ(guest.requests.size(), 4u);
}

TEST(MemoryTracer, KmemCacheFreesIntoBcachesMempoolCachesAreDroppedInTheKernel) {
  testing::FakeGuest guest;
  make_6_1(guest);
  guest.files[kT + "/events/kmem/kmem_cache_free/format"] =
      "name: kmem_cache_free\nID: 7\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
      "\tfield:unsigned long call_site;\toffset:8;\tsize:8;\tsigned:0;\n"
      "\tfield:const void * ptr;\toffset:16;\tsize:8;\tsigned:0;\n"
      "\tfield:__data_loc char[] name;\toffset:24;\tsize:4;\tsigned:1;\n";
  GuestAgent agent(guest);
  ASSERT_TRUE(MemoryTracer(agent, "bcache", bcache_image()).start());
  const auto& filter = guest.files[kI + "/events/kmem/kmem_cache_free/filter"];
  EXPECT_TRUE(filter.starts_with("((call_site >= 0xffffffffc0a00000")) << filter;
  EXPECT_TRUE(filter.ends_with(") && name != \"search\" && !(name ~ \"bio*\")")) << filter;
}

TEST(MemoryTracer, MarksPhasesAndStopMovesPagesCountersProfileAndLayouts) {
  testing::FakeGuest guest;
  make_6_1(guest);
  GuestAgent agent(guest);
  MemoryTracer tracer(agent, "bcache", bcache_image());
  ASSERT_TRUE(tracer.start());
  ASSERT_TRUE(tracer.mark("fill"));
  EXPECT_EQ(guest.files[kI + "/trace_marker"], "bh phase fill");
  auto capture = tracer.stop();
  ASSERT_TRUE(capture) << capture.error().message;
  EXPECT_EQ(guest.files[kI + "/trace_marker"], "bh phase fillbh phase end");
  EXPECT_EQ(guest.files[kI + "/tracing_on"], "0");
  const auto& got = capture.value();
  EXPECT_EQ(got.module, "bcache");
  EXPECT_EQ(got.section_addresses.at(".text"), 0xffffffffc0a00000u);
  EXPECT_EQ(got.unprobed, (std::vector<std::string>{"vzalloc/vzalloc_noprof"}));
  EXPECT_EQ(got.trace.cpu_raw, (std::vector<std::string>{"memory pages of cpu0", "memory pages of cpu1"}));
  EXPECT_EQ(got.trace.cpu_stats[1], "instance stats 1");
  EXPECT_EQ(got.trace.kprobe_profile, "  pages  3  0\n");
  EXPECT_EQ(got.trace.formats.at("bhmem/kvfree"), "format of bhmem/kvfree");
  EXPECT_EQ(got.trace.formats.at("kmem/kfree"), "format of kfree");
  EXPECT_EQ(got.trace.kernel_release, "6.1.0-fake");
  EXPECT_EQ(got.image.functions.at(0).name, "bch_cache_set_alloc");
}

TEST(MemoryTracer, AModuleThatIsNotLoadedOrAKernelWithoutKmemTracepointsFailsNamingIt) {
  testing::FakeGuest unloaded;
  make_6_1(unloaded);
  unloaded.files.erase("/sys/module/bcache/sections/.text");
  unloaded.files.erase("/sys/module/bcache/sections/.text.unlikely");
  GuestAgent agent(unloaded);
  auto started = MemoryTracer(agent, "bcache", bcache_image()).start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message,
            "memory tracing: bcache (/sys/module/bcache/sections/): none of the module's code sections has a load "
            "address");
  testing::FakeGuest bare;
  make_6_1(bare);
  bare.files.erase(kT + "/events/kmem/kfree/format");
  GuestAgent bare_agent(bare);
  auto no_kmem = MemoryTracer(bare_agent, "bcache", bcache_image()).start();
  ASSERT_FALSE(no_kmem);
  EXPECT_EQ(no_kmem.error().message, "memory tracing: the guest kernel has no kmem/kmalloc and kmem/kfree tracepoints");
}

}  // namespace
}  // namespace bh
