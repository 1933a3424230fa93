#include "analysis/report_html.h"

#include <gtest/gtest.h>

#include "harness/base/files.h"

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
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
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
  EXPECT_EQ(inline_svg("<svg><text> id='x' url(#y)</text></svg>", "p-"),
            "<svg><text> id='x' url(#y)</text></svg>");
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
  EXPECT_TRUE(Contains(
      html, "<td class=\"number\"><a href=\"race-writearound-4k/run-1-seed-11/\">1</a></td>"));
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
