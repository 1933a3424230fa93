#include "harness/reports/report_markdown.h"

#include <gtest/gtest.h>

#include "util/files.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

ReportInput fixture() {
  const auto path = std::string(BH_SOURCE_DIR) + "/tests/fixtures/report/summary.json";
  return {Json::parse(read_file(path).value()), {}, {}};
}

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in:\n" << text;
}

TEST(MarkdownCell, EscapesPipesAndFlattensLines) { EXPECT_EQ(markdown_cell("a|b\nc\r\nd"), "a\\|b c  d"); }

TEST(RenderMarkdown, HeaderHasStatusKernelAccelAndSeed) {
  const auto md = render_markdown(fixture());
  EXPECT_EQ(md.rfind("# bcache-harness report\n\n", 0), 0u);
  EXPECT_TRUE(Contains(md, "- **status:** FAIL\n"));
  EXPECT_TRUE(Contains(md, "- **kernel:** debian:stock (6.1.0-28-amd64)\n"));
  EXPECT_TRUE(Contains(md, "- **accel:** tcg\n"));
  EXPECT_TRUE(Contains(md, "- **seed:** 7\n"));
}

TEST(RenderMarkdown, RunsTableEscapesReasonsAndShowsDashesNotZeros) {
  const auto md = render_markdown(fixture());
  EXPECT_TRUE(Contains(md,
                       "| scenario | run | seed | status | reason | stale blocks | blocks checked "
                       "| race windows | stale inserts | stale after power cuts |\n| --- | ---: | ---: | --- | --- "
                       "| ---: | ---: | ---: | ---: | ---: |\n"));
  EXPECT_TRUE(Contains(md,
                       "| race-writearound-4k | 1 | 11 | FAIL | 2 stale blocks \\| first at "
                       "0x1000 | 2 | 4096 | 41 | 2 | 3 |\n"));
  EXPECT_TRUE(Contains(md,
                       "| race-writearound-4k | 2 | 12 | ERROR | guest did not answer <ping> "
                       "& gave up | – | – | – | – | – |\n"));
}

TEST(RenderMarkdown, HasLatencyMemoryAndCounterTables) {
  const auto md = render_markdown(fixture());
  EXPECT_TRUE(Contains(md,
                       "| perf-randread | 1 | read | 11734.2 | 80.0 | 120.5 | 300.0 | 900.0 "
                       "| 1500.0 | 85.2 |\n"));
  EXPECT_TRUE(Contains(md,
                       "| perf-randread | 1 | Percpu | unavailable | unavailable | "
                       "unavailable |\n"));
  EXPECT_TRUE(Contains(md, "| perf-randread | 1 | measure | 5000 | 1000 | 0 | 12 | 1 | 96 |\n"));
}

TEST(RenderMarkdown, EveryTableLineHasTheHeadersColumnCount) {
  const auto md = render_markdown(fixture());
  std::size_t columns = 0;
  std::size_t pos = 0;
  while (pos < md.size()) {
    const auto end = md.find('\n', pos);
    const std::string line = md.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] != '|') {
      columns = 0;
      continue;
    }
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i) pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    if (columns == 0) columns = pipes;
    EXPECT_EQ(pipes, columns) << line;
  }
}

TEST(RenderMarkdown, EmptySummaryStillRenders) {
  const auto md = render_markdown({Json::object(), {}, {}});
  EXPECT_TRUE(Contains(md, "- **status:** –\n"));
  EXPECT_TRUE(Contains(md, "## Scenarios and runs"));
}

}  // namespace
}  // namespace bh::analysis
