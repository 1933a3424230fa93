#include "analysis/memory/module_code.h"

#include <gtest/gtest.h>

#include "util/files.h"

namespace bh::analysis {
namespace {

// testdata/tiny_module.o (built from tiny_module.c, see its comment): .text holds
// tiny_helper (0x0, 21 bytes), tiny_alloc (0x15, 24) and tiny_free (0x2d, 46) in 0x5b
// bytes; .text.unlikely holds tiny_error (0x0, 5); tiny_table is data.
ModuleImage tiny_image() {
  auto bytes = read_file(std::string(BH_SOURCE_DIR) + "/analysis/memory/testdata/tiny_module.o");
  EXPECT_TRUE(bytes) << bytes.error().message;
  auto image = read_module_image(bytes.value());
  EXPECT_TRUE(image) << image.error().message;
  return image.value();
}

TEST(ModuleCode, ReadsExecutableSectionsAndFunctionsButNoData) {
  const auto image = tiny_image();
  ASSERT_EQ(image.text_sections.size(), 2u);
  EXPECT_EQ(image.text_sections[0].name, ".text");
  EXPECT_EQ(image.text_sections[0].size, 0x5bu);
  EXPECT_EQ(image.text_sections[1].name, ".text.unlikely");
  std::map<std::string, std::string> where;
  for (const auto& function : image.functions) where[function.name] = function.section;
  EXPECT_EQ(where, (std::map<std::string, std::string>{{"tiny_alloc", ".text"},
                                                       {"tiny_error", ".text.unlikely"},
                                                       {"tiny_free", ".text"},
                                                       {"tiny_helper", ".text"}}));
}

TEST(ModuleCode, PlacedCodeNamesCallSitesByFunctionAndKnowsItsBounds) {
  auto code =
      LoadedModuleCode::place(tiny_image(), {{".text", 0xffffffffc0a00000}, {".text.unlikely", 0xffffffffc0a00060}});
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(code.value().describe(0xffffffffc0a00015 + 7), "tiny_alloc+0x7");
  EXPECT_EQ(code.value().describe(0xffffffffc0a00060 + 2), "tiny_error+0x2");
  EXPECT_EQ(code.value().describe(0xffffffffc0a0005b), "0xffffffffc0a0005b");  // one past .text
  EXPECT_TRUE(code.value().contains(0xffffffffc0a0005a));
  EXPECT_FALSE(code.value().contains(0xffffffffc0a0005b));
  EXPECT_TRUE(code.value().contains(0xffffffffc0a00064));
  EXPECT_FALSE(code.value().contains(0xffffffffc0a00065));
  EXPECT_FALSE(code.value().contains(0xffffffffc09fffff));
}

TEST(ModuleCode, AFilterKeepsEveryLoadedRangeAndNothingElse) {
  auto apart = LoadedModuleCode::place(tiny_image(), {{".text", 0x1000}, {".text.unlikely", 0x8000}});
  ASSERT_TRUE(apart);
  EXPECT_EQ(apart.value().filter("call_site"),
            "(call_site >= 0x1000 && call_site < 0x105b) || (call_site >= 0x8000 && call_site < 0x8005)");
  // Sections that touch merge into one range.
  auto touching = LoadedModuleCode::place(tiny_image(), {{".text", 0x1000}, {".text.unlikely", 0x105b}});
  ASSERT_TRUE(touching);
  EXPECT_EQ(touching.value().filter("caller"), "(caller >= 0x1000 && caller < 0x1060)");
}

TEST(ModuleCode, ASectionTheKernelDidNotListIsLeftOutAndNoneAtAllIsAnError) {
  auto text_only = LoadedModuleCode::place(tiny_image(), {{".text", 0x1000}});
  ASSERT_TRUE(text_only);
  EXPECT_EQ(text_only.value().ranges().size(), 1u);
  auto none = LoadedModuleCode::place(tiny_image(), {{".data", 0x1000}});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "none of the module's code sections has a load address");
}

TEST(ModuleCode, NonElfBytesAreRefused) {
  auto image = read_module_image("not an ELF file at all");
  ASSERT_FALSE(image);
  EXPECT_EQ(image.error().message, "not an ELF file");
}

}  // namespace
}  // namespace bh::analysis
