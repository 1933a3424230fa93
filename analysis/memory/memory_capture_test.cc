#include "analysis/memory/memory_capture.h"

#include <gtest/gtest.h>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh::analysis {
namespace {

TEST(MemoryCapture, SavesAndLoadsTheTraceAndTheModulesCode) {
  MemoryCapture capture;
  capture.trace.header_page = "header";
  capture.trace.formats["kmem/kmalloc"] = "name: kmalloc\nID: 5\n";
  capture.trace.cpu_raw = {"raw"};
  capture.trace.cpu_stats = {"overrun: 0\n"};
  capture.trace.kprobe_profile = "  pages 1 0\n";
  capture.module = "bcache";
  capture.image = {{{".text", 0x2000}}, {{"bch_alloc", ".text", 0x10, 0x40}}};
  capture.section_addresses = {{".text", 0xffffffffc0a00000}};
  capture.unprobed = {"vzalloc/vzalloc_noprof"};
  TempDir dir("bh-memory-capture-test");
  ASSERT_TRUE(save_memory_capture(capture, dir.path() / "memory.trace"));
  auto loaded = load_memory_capture(dir.path() / "memory.trace");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded.value().trace.cpu_raw, capture.trace.cpu_raw);
  EXPECT_EQ(loaded.value().trace.kprobe_profile, capture.trace.kprobe_profile);
  EXPECT_EQ(loaded.value().module, "bcache");
  EXPECT_EQ(loaded.value().section_addresses, capture.section_addresses);
  EXPECT_EQ(loaded.value().unprobed, capture.unprobed);
  ASSERT_EQ(loaded.value().image.functions.size(), 1u);
  EXPECT_EQ(loaded.value().image.functions[0].name, "bch_alloc");
  EXPECT_EQ(loaded.value().image.functions[0].size, 0x40u);
  EXPECT_EQ(loaded.value().image.text_sections[0].size, 0x2000u);
}

TEST(MemoryCapture, AMalformedModuleFileIsNamed) {
  MemoryCapture capture;
  TempDir dir("bh-memory-capture-test");
  ASSERT_TRUE(save_memory_capture(capture, dir.path() / "m"));
  ASSERT_TRUE(write_file_atomically(dir.path() / "m" / "module.json", "{\"module\": 3}"));
  auto loaded = load_memory_capture(dir.path() / "m");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("module.json: not a memory capture's module.json"), std::string::npos);
}

}  // namespace
}  // namespace bh::analysis
