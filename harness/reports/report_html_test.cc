#include "harness/reports/report_html.h"

#include <gtest/gtest.h>

#include "util/files.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

ReportInput fixture() {
  const auto path = std::string(BH_SOURCE_DIR) + "/tests/fixtures/report/summary.json";
  ReportInput input{Json::parse(read_file(path).value()), {}, {}};
  RunSeries run;
  run.scenario = "perf-randread";
  run.seed = 21;
  run.latency_cdf["read"] = {{50'000, 0.5}, {2'000'000, 1.0}};
  input.runs.push_back(run);
  return input;
}

/// fixture() with a block map for the first race run: 200 blocks, two stale, one lost.
ReportInput fixture_with_map() {
  auto input = fixture();
  BlockMap map;
  map.scenario = "race-writearound-4k";
  map.classes = std::string(200, '.');
  map.classes[1] = map.classes[150] = 'S';
  map.classes[170] = 'L';
  map.write_size = 160 * 4096;
  input.block_maps.push_back(map);
  return input;
}

/// A standalone SVG like gnuplot's, naming the plot it draws.
constexpr const char* kSvg =
    "<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n<svg \n viewBox=\"0 0 10 10\"\n"
    " xmlns=\"http://www.w3.org/2000/svg\"\n xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n>\n"
    "<g id=\"gnuplot_canvas\"><defs><path id='gpPt0' d='M0,0'/></defs>"
    "<use xlink:href='#gpPt0'/><path fill='url(#grad)' d='M1,1'/><text>a &lt; b</text></g></svg>\n";

/// Answers every plot with kSvg, or fails for the plot ids in `failing`.
class FakeRenderer : public PlotRenderer {
 public:
  Expected<std::string> svg(const PlotSpec& spec) override {
    drawn.push_back(spec.id);
    if (spec.id == failing) return fail("plot " + spec.id + ": gnuplot said no");
    return std::string(kSvg);
  }
  std::vector<std::string> drawn;
  std::string failing;
};

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in:\n" << text;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(InlineSvg, DropsPrologAndNamespacesAndPrefixesIds) {
  const auto svg = inline_svg(kSvg, "plot-x-");
  EXPECT_EQ(svg.rfind("<svg \n viewBox=\"0 0 10 10\"\n>", 0), 0u) << svg;
  EXPECT_FALSE(Contains(svg, "http"));
  EXPECT_TRUE(Contains(svg, "<g id=\"plot-x-gnuplot_canvas\">"));
  EXPECT_TRUE(Contains(svg, "<path id='plot-x-gpPt0' d='M0,0'/>"));
  EXPECT_TRUE(Contains(svg, "<use xlink:href='#plot-x-gpPt0'/>"));
  EXPECT_TRUE(Contains(svg, "fill='url(#plot-x-grad)'"));
  EXPECT_TRUE(Contains(svg, "<text>a &lt; b</text>"));
}

TEST(InlineSvg, LeavesTextThatLooksLikeAnAttributeAlone) {
  EXPECT_EQ(inline_svg("<svg><text> id='x' url(#y)</text></svg>", "p-"), "<svg><text> id='x' url(#y)</text></svg>");
  EXPECT_EQ(inline_svg("no svg here", "p-"), "");
}

TEST(RenderHtml, OneFigureWithCaptionPerPlot) {
  FakeRenderer renderer;
  const auto html = render_html(fixture(), renderer).value();
  EXPECT_EQ(renderer.drawn, (std::vector<std::string>{"latency-cdf-read", "stale-blocks"}));
  EXPECT_TRUE(Contains(html, "<figure class=\"plot\" id=\"plot-latency-cdf-read\">\n<svg"));
  EXPECT_TRUE(Contains(html, "<figure class=\"plot\" id=\"plot-stale-blocks\">\n<svg"));
  EXPECT_TRUE(Contains(html, "<figcaption>Completion latency CDF (read)</figcaption>"));
  EXPECT_EQ(count(html, "<figcaption>"), 2u);
  EXPECT_TRUE(Contains(html, "id='plot-stale-blocks-gpPt0'"));
}

TEST(RenderHtml, IsSelfContained) {
  FakeRenderer renderer;
  const auto html = render_html(fixture(), renderer).value();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_TRUE(Contains(html, "<style>"));
  for (const char* external : {"http", "//", "src=", "<link", "<script", "@import", "file:"}) {
    EXPECT_FALSE(Contains(html, external)) << external;
  }
}

TEST(RenderHtml, EscapesTextFromTheSummary) {
  auto input = fixture();
  input.summary["scenarios"][0]["name"] = "race<b>&\"x\"";
  FakeRenderer renderer;
  const auto html = render_html(input, renderer).value();
  EXPECT_FALSE(Contains(html, "<b>"));
  EXPECT_TRUE(Contains(html, "<td>race&lt;b&gt;&amp;&quot;x&quot;</td>"));
  EXPECT_TRUE(Contains(html, "<td>guest did not answer &lt;ping&gt; &amp; gave up</td>"));
}

TEST(RenderHtml, ColoursStatusCellsAndLinksRunDirectories) {
  FakeRenderer renderer;
  const auto html = render_html(fixture(), renderer).value();
  EXPECT_TRUE(Contains(html, "<td class=\"status status-fail\">FAIL</td>"));
  EXPECT_TRUE(Contains(html, "<td class=\"status status-error\">ERROR</td>"));
  EXPECT_TRUE(Contains(html, "<td class=\"status status-pass\">PASS</td>"));
  EXPECT_TRUE(Contains(html, "<td class=\"status status-skip\">SKIP</td>"));
  EXPECT_TRUE(Contains(html, "<dd class=\"status status-fail\">FAIL</dd>"));
  EXPECT_TRUE(Contains(html, ".status-pass {"));
  EXPECT_TRUE(Contains(html, "<td class=\"number\"><a href=\"race-writearound-4k/run-1-seed-11/\">1</a></td>"));
}

TEST(RenderHtml, HasTheSameTablesAsMarkdown) {
  FakeRenderer renderer;
  const auto html = render_html(fixture(), renderer).value();
  for (const char* id : {"runs", "latency", "memory", "counters"}) {
    EXPECT_TRUE(Contains(html, std::string("<section id=\"table-") + id + "\">")) << id;
  }
  EXPECT_TRUE(Contains(html, "<td class=\"number\">1500.0</td>"));
  EXPECT_TRUE(Contains(html, "<td>unavailable</td>"));
}

TEST(RenderHtml, LeadsWithTheVerdictThenScenariosThenPlotsThenCollapsedTables) {
  FakeRenderer renderer;
  const auto html = render_html(fixture_with_map(), renderer).value();
  const auto verdict = html.find("<header class=\"verdict\" id=\"verdict\">");
  const auto map = html.find("<figure class=\"block-map\"");
  const auto plot = html.find("<figure class=\"plot\"");
  const auto details = html.find("<details>");
  ASSERT_NE(verdict, std::string::npos);
  ASSERT_NE(map, std::string::npos);
  ASSERT_NE(plot, std::string::npos);
  ASSERT_NE(details, std::string::npos);
  EXPECT_LT(verdict, map);
  EXPECT_LT(map, plot);
  EXPECT_LT(plot, details);
  EXPECT_LT(html.find("id=\"plot-stale-blocks\""), details) << "the stale plot is no longer last";
  EXPECT_LT(html.find("<h1><span class=\"status status-fail\">FAIL</span>"), map);
  EXPECT_TRUE(Contains(html, "<p class=\"runs\">4 runs: 1 FAIL, 1 ERROR, 1 PASS, 1 SKIP</p>"));
}

TEST(RenderHtml, EveryTableIsCollapsedUnderItsTitle) {
  FakeRenderer renderer;
  const auto html = render_html(fixture(), renderer).value();
  EXPECT_TRUE(Contains(html,
                       "<section id=\"table-memory\">\n<details>\n"
                       "<summary>Kernel memory (KiB) (8 rows)</summary>\n<table>"));
  EXPECT_EQ(count(html, "<details>"), 5u);  // runs, stale blocks explained, latency, memory, counters
  EXPECT_EQ(count(html, "<details open"), 0u);
}

TEST(RenderHtml, EachScenarioShowsItsStatusAndTheNumbersThatMatter) {
  FakeRenderer renderer;
  const auto html = render_html(fixture(), renderer).value();
  const auto race = html.find("<section class=\"scenario\" id=\"scenario-race-writearound-4k\">");
  const auto perf = html.find("<section class=\"scenario\" id=\"scenario-perf-randread\">");
  ASSERT_NE(race, std::string::npos);
  ASSERT_NE(perf, std::string::npos);
  const auto race_part = html.substr(race, perf - race);
  EXPECT_TRUE(Contains(race_part,
                       "<h3><span class=\"status status-fail\">FAIL</span> "
                       "race-writearound-4k <span class=\"kind\">race</span></h3>"));
  EXPECT_TRUE(Contains(race_part,
                       "<th>stale / checked blocks</th><th>bypass writes</th><th>race windows</th>"
                       "<th>stale inserts</th><th>stale after power cuts</th>"));
  EXPECT_TRUE(Contains(race_part,
                       "<td class=\"number\">2 / 4096</td><td class=\"number\">128</td><td "
                       "class=\"number\">41</td><td class=\"number\">2</td><td class=\"number\">3</td>"));
  const auto perf_part = html.substr(perf, html.find("</section>", perf) - perf);
  EXPECT_TRUE(Contains(perf_part,
                       "<td class=\"number\">11734.2</td><td class=\"number\">–</td>"
                       "<td class=\"number\">300.0</td><td class=\"number\">–</td>"
                       "<td class=\"number\">6000</td>"));
  EXPECT_FALSE(Contains(html, "<figure class=\"block-map\"")) << "no block-map.json, no map";
}

TEST(RenderHtml, DrawsABlockMapWithLegendAndCountsInItsScenario) {
  FakeRenderer renderer;
  const auto html = render_html(fixture_with_map(), renderer).value();
  const auto figure = html.find(
      "<figure class=\"block-map\" id=\"scenario-race-writearound-4k-block-map-run-1\">\n"
      "<svg class=\"block-map\"");
  ASSERT_NE(figure, std::string::npos) << html;
  EXPECT_GT(figure, html.find("id=\"scenario-race-writearound-4k\""));
  EXPECT_LT(figure, html.find("id=\"scenario-perf-randread\""));
  const auto caption = html.substr(figure, html.find("</figure>", figure) - figure);
  EXPECT_TRUE(Contains(caption, "<b>Run 1</b> (seed 11): 200 blocks of 4 KiB from offset 0x0 (800 KiB), 64 a row."));
  EXPECT_TRUE(Contains(caption, "</span>current: 197</li>"));
  EXPECT_TRUE(Contains(caption, "</span>stale: 2</li>"));
  EXPECT_TRUE(Contains(caption, "</span>lost write: 1</li>"));
  EXPECT_TRUE(Contains(caption, "writer's range (outlined): 0x0, 640 KiB, blocks 0–159"));
  EXPECT_TRUE(Contains(caption, "class=\"bm-writer\""));
}

TEST(RenderHtml, AScenarioOfManyRunsDrawsTheMapsThatFoundSomethingFirst) {
  auto input = fixture();
  auto& runs = input.summary["scenarios"][0]["runs"];
  for (std::size_t i = 0; i < 6; ++i) {
    if (i >= runs.size()) runs.push_back({{"seed", 100 + i}, {"status", "PASS"}});
    BlockMap map;
    map.scenario = "race-writearound-4k";
    map.run_index = i;
    map.classes = (i == 5) ? "..S." : "....";
    input.block_maps.push_back(map);
  }
  FakeRenderer renderer;
  const auto html = render_html(input, renderer).value();
  EXPECT_EQ(count(html, "<figure class=\"block-map\""), 4u);
  EXPECT_TRUE(Contains(html, "-block-map-run-6\""));
  EXPECT_FALSE(Contains(html, "-block-map-run-4\""));
  EXPECT_TRUE(Contains(html, "2 more runs have a block map, not drawn here"));
}

TEST(RenderHtml, APlotThatCannotBeDrawnFailsTheReportNamingIt) {
  FakeRenderer renderer;
  renderer.failing = "stale-blocks";
  const auto html = render_html(fixture(), renderer);
  ASSERT_FALSE(html);
  EXPECT_TRUE(Contains(html.error().message, "stale-blocks"));
  EXPECT_TRUE(Contains(html.error().message, "gnuplot said no"));
}

}  // namespace
}  // namespace bh::analysis
