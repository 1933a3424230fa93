#include "harness/reports/block_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "util/files.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

Json map_json() {
  return {{"block_size", 4096},
          {"start_offset", 1048576},
          {"blocks", 8},
          {"classes", "..SS.L.T"},
          {"legend", {{".", "current"}, {"S", "stale"}}},
          {"write_offset", 1048576 + 4096},
          {"write_size", 4 * 4096}};
}

BlockMap map_of(std::string classes, std::uint64_t write_block = 0, std::uint64_t write_blocks = 0) {
  BlockMap map;
  map.classes = std::move(classes);
  map.write_offset = write_block * 4096;
  map.write_size = write_blocks * 4096;
  return map;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

/// The text of the <g class="CLASS" ...>...</g> in `svg`; "" when there is none.
std::string group(const std::string& svg, const std::string& css_class) {
  const auto start = svg.find("<g class=\"" + css_class + "\"");
  if (start == std::string::npos) return "";
  return svg.substr(start, svg.find("</g>", start) - start);
}

TEST(ParseBlockMap, ReadsWhatTheRunWrote) {
  auto map = parse_block_map(map_json().dump(), "run/block-map.json");
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_EQ(map.value().block_size, 4096u);
  EXPECT_EQ(map.value().start_offset, 1048576u);
  EXPECT_EQ(map.value().classes, "..SS.L.T");
  EXPECT_EQ(map.value().write_offset, 1048576u + 4096);
  EXPECT_EQ(map.value().write_size, 4u * 4096);
}

TEST(ParseBlockMap, TheWritersRangeIsOptional) {
  auto json = map_json();
  json.erase("write_offset");
  json.erase("write_size");
  auto map = parse_block_map(json.dump(), "x");
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_EQ(map.value().write_size, 0u);
  EXPECT_EQ(writer_blocks(map.value()), (std::pair<std::size_t, std::size_t>{0, 0}));
}

TEST(ParseBlockMap, FailsNamingTheFileAndTheKey) {
  EXPECT_THAT(parse_block_map("{", "f.json").error().message, HasSubstr("f.json: not JSON"));
  EXPECT_THAT(parse_block_map("[]", "f.json").error().message, HasSubstr("not a JSON object"));
  auto json = map_json();
  json.erase("start_offset");
  EXPECT_THAT(parse_block_map(json.dump(), "f.json").error().message, HasSubstr("f.json: \"start_offset\" missing"));
  json = map_json();
  json["block_size"] = -1;
  EXPECT_THAT(parse_block_map(json.dump(), "f.json").error().message,
              HasSubstr("\"block_size\" is not an unsigned integer"));
  json = map_json();
  json["classes"] = 3;
  EXPECT_THAT(parse_block_map(json.dump(), "f.json").error().message, HasSubstr("\"classes\" is not a string"));
}

TEST(ParseBlockMap, FailsOnClassesItDoesNotKnowOrOfTheWrongLength) {
  auto json = map_json();
  json["classes"] = "..SS.L.?";
  EXPECT_THAT(parse_block_map(json.dump(), "f.json").error().message, HasSubstr("'?' at block 7"));
  json["classes"] = "...";
  EXPECT_THAT(parse_block_map(json.dump(), "f.json").error().message,
              HasSubstr("\"classes\" has 3 characters but \"blocks\" is 8"));
}

TEST(BlockClassCounts, InLegendOrderOnlyClassesPresent) {
  const auto map = map_of("..SS.L.T");
  EXPECT_EQ(block_class_counts(map),
            (std::vector<std::pair<char, std::uint64_t>>{{'.', 4}, {'S', 2}, {'L', 1}, {'T', 1}}));
  EXPECT_EQ(non_current_blocks(map), 4u);
  EXPECT_EQ(block_class_name('L'), "lost write");
  EXPECT_EQ(block_class_name('?'), "unknown");
  EXPECT_NE(block_class_colour('S'), block_class_colour('.'));
}

TEST(BlockMapColumns, APowerOfTwoAboutFourTimesWiderThanHigh) {
  EXPECT_EQ(block_map_columns(0), 1u);
  EXPECT_EQ(block_map_columns(10), 10u);
  EXPECT_EQ(block_map_columns(300), 64u);
  EXPECT_EQ(block_map_columns(4096), 128u);
  EXPECT_EQ(block_map_columns(65536), 512u);
}

TEST(WriterBlocks, TheRangeInBlocksClampedToTheRegion) {
  BlockMap map = map_of(std::string(10, '.'), 2, 3);
  map.start_offset = 0;
  EXPECT_EQ(writer_blocks(map), (std::pair<std::size_t, std::size_t>{2, 5}));
  map.write_size = 100 * 4096;
  EXPECT_EQ(writer_blocks(map), (std::pair<std::size_t, std::size_t>{2, 10}));
  map.start_offset = 100 * 4096;  // the writer's blocks 2..101 begin before the region
  EXPECT_EQ(writer_blocks(map), (std::pair<std::size_t, std::size_t>{0, 2}));
  map.write_size = 3 * 4096;  // now wholly before it
  EXPECT_EQ(writer_blocks(map), (std::pair<std::size_t, std::size_t>{0, 0}));
}

TEST(BlockMapSvg, MergesRunsOfOneClassWithinARow) {
  // 70 blocks: 64 a row; the stale run 62..65 crosses a row and becomes two rects.
  std::string classes(70, '.');
  classes.replace(62, 4, "SSSS");
  classes[68] = 'L';
  const auto svg = block_map_svg(map_of(classes));
  EXPECT_EQ(svg.rfind("<svg class=\"block-map\" viewBox=\"0 0 64 2\"", 0), 0u) << svg;
  EXPECT_THAT(group(svg, "bm-current"), HasSubstr("<rect x=\"0\" y=\"0\" width=\"64\" height=\"1\"/>"));
  EXPECT_THAT(group(svg, "bm-current"), HasSubstr("<rect x=\"0\" y=\"1\" width=\"6\" height=\"1\"/>"));
  const auto stale = group(svg, "bm-stale");
  EXPECT_EQ(count(stale, "<rect"), 2u) << stale;
  EXPECT_THAT(stale, HasSubstr("<rect x=\"62\" y=\"0\" width=\"2\" height=\"1\"/>"));
  EXPECT_THAT(stale, HasSubstr("<rect x=\"0\" y=\"1\" width=\"2\" height=\"1\"/>"));
  EXPECT_THAT(group(svg, "bm-lost-write"), HasSubstr("<rect x=\"4\" y=\"1\" width=\"1\" height=\"1\"/>"));
  EXPECT_EQ(group(svg, "bm-torn"), "");
  EXPECT_THAT(svg, HasSubstr("aria-label=\"Block map of 70 blocks: 65 current, 4 stale, 1 lost write.\""));
  EXPECT_EQ(svg.find("http"), std::string::npos);
  EXPECT_EQ(svg.find(" id="), std::string::npos) << "ids would clash between maps";
}

TEST(BlockMapSvg, OutlinesTheWritersRange) {
  const std::string classes(256, '.');  // 64 a row, 4 rows
  auto path = [](const std::string& svg) {
    std::smatch m;
    return std::regex_search(svg, m, std::regex("class=\"bm-writer\" d=\"([^\"]*)\"")) ? m[1].str() : "";
  };
  EXPECT_EQ(path(block_map_svg(map_of(classes, 3, 10))), "M3 0H13V1H3Z");
  EXPECT_EQ(path(block_map_svg(map_of(classes, 10, 64 + 20))), "M10 0H64V1H30V2H0V1H10Z");
  EXPECT_EQ(path(block_map_svg(map_of(classes, 60, 10))), "M60 0H64V1H60ZM0 1H6V2H0Z");
  EXPECT_EQ(path(block_map_svg(map_of(classes, 0, 256))), "M0 0H64V3H64V4H0V1H0Z");
  EXPECT_EQ(path(block_map_svg(map_of(classes))), "") << "no range recorded, none drawn";
}

TEST(BlockMapSvg, StaysSmallFor4096BlocksWhateverTheirNumber) {
  std::string classes(4096, '.');
  for (std::size_t i = 100; i < 4096; i += 397) classes[i] = 'S';
  classes.replace(3000, 3, "LLL");
  const auto few = block_map_svg(map_of(classes, 0, 2000));
  std::cout << "block map of 4096 blocks with 14 non-current runs: " << few.size() << " bytes\n";
  EXPECT_LT(few.size(), 2048u);
  std::string alternating;
  for (std::size_t i = 0; i < 4096; ++i) alternating += i % 2 ? 'S' : '.';
  const auto worst = block_map_svg(map_of(alternating, 0, 2000));
  std::cout << "block map of 4096 alternating blocks: " << worst.size() << " bytes\n";
  EXPECT_LT(worst.size(), 100'000u);
}

TEST(BlockMapSvg, TheFixtureMapParses) {
  const auto path =
      std::string(BH_SOURCE_DIR) + "/tests/fixtures/report/race-writearound-4k/run-1-seed-11/block-map.json";
  auto text = read_file(path);
  ASSERT_TRUE(text) << text.error().message;
  auto map = parse_block_map(text.value(), path);
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_GT(block_class_counts(map.value()).size(), 2u) << "current, stale and lost at least";
}

}  // namespace
}  // namespace bh::analysis
