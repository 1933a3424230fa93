#include "harness/reports/plot.h"

#include <gtest/gtest.h>

#include "util/fake_process_runner.h"

namespace bh::analysis {
namespace {

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in:\n" << text;
}

PlotSpec lines_plot() {
  PlotSpec spec;
  spec.id = "latency-cdf-read";
  spec.title = "Read latency";
  spec.x_label = "latency (µs)";
  spec.y_label = "fraction";
  spec.lines = {{"run 1", {{1, 0.5}, {2.5, 1}}}, {"run 2", {{3, 1}}}};
  return spec;
}

PlotSpec bars_plot() {
  PlotSpec spec;
  spec.id = "stale-blocks";
  spec.title = "Stale blocks";
  spec.kind = PlotKind::kBars;
  spec.bars = {{"stale", {{"race a", 3}, {"race b", 0}}}, {"after cuts", {{"race a", 5}}}};
  return spec;
}

using bh::testing::FakeProcessRunner;

TEST(GnuplotJob, DrawsSvgOfTheRequestedSizeIntoTheOutputFile) {
  const auto job = gnuplot_job(lines_plot(), {640, 320});
  EXPECT_TRUE(Contains(job.script, "set terminal svg size 640,320 dynamic enhanced font 'sans,10'\n"));
  EXPECT_TRUE(Contains(job.script, "set output '" + job.output_file + "'\n"));
}

TEST(GnuplotJob, WritesOneDataFilePerLineSeries) {
  const auto job = gnuplot_job(lines_plot(), {});
  ASSERT_EQ(job.data_files.size(), 2u);
  EXPECT_EQ(job.data_files.at("line-0.dat"), "1\t0.5\n2.5\t1\n");
  EXPECT_EQ(job.data_files.at("line-1.dat"), "3\t1\n");
  EXPECT_TRUE(Contains(job.script,
                       "'line-0.dat' using 1:2 with lines linewidth 1.5 "
                       "title 'run 1' noenhanced"));
  EXPECT_TRUE(Contains(job.script, "'line-1.dat' using 1:2"));
}

TEST(GnuplotJob, MarksEveryPointOnlyWhenAsked) {
  auto spec = lines_plot();
  EXPECT_FALSE(Contains(gnuplot_job(spec, {}).script, "linespoints"));
  spec.mark_points = true;
  EXPECT_TRUE(Contains(gnuplot_job(spec, {}).script, "'line-1.dat' using 1:2 with linespoints pointtype 7"));
}

TEST(GnuplotJob, LogAxisOnlyWhenAskedAndDropsPointsItCannotDraw) {
  auto spec = lines_plot();
  EXPECT_FALSE(Contains(gnuplot_job(spec, {}).script, "logscale"));
  spec.x_scale = XScale::kLog;
  spec.lines = {{"a", {{0, 0.1}, {-1, 0.2}, {4, 1}}}, {"only zero", {{0, 1}}}};
  const auto job = gnuplot_job(spec, {});
  EXPECT_TRUE(Contains(job.script, "set logscale x 10\n"));
  ASSERT_EQ(job.data_files.size(), 1u);
  EXPECT_EQ(job.data_files.at("line-0.dat"), "4\t1\n");
  EXPECT_FALSE(Contains(job.script, "only zero"));
}

TEST(GnuplotJob, QuotesTextSoItCannotEndTheStringOrTheLine) {
  auto spec = lines_plot();
  spec.title = "it's\nset output '/etc/x'";
  const auto job = gnuplot_job(spec, {});
  EXPECT_TRUE(Contains(job.script, "set title 'it''s set output ''/etc/x''' noenhanced\n"));
}

TEST(GnuplotJob, AlignsBarSetsByLabelLeavingGapsAsNaN) {
  const auto job = gnuplot_job(bars_plot(), {});
  ASSERT_EQ(job.data_files.size(), 1u);
  EXPECT_EQ(job.data_files.at("bars.dat"), "\"race a\"\t3\t5\n\"race b\"\t0\tNaN\n");
  EXPECT_TRUE(Contains(job.script, "set style data histograms\n"));
  EXPECT_TRUE(Contains(job.script, "'bars.dat' using 2:xtic(1) title 'stale' noenhanced"));
  EXPECT_TRUE(Contains(job.script, "'' using 3 title 'after cuts' noenhanced"));
}

TEST(GnuplotJob, NoPointsMeansNoDataFiles) {
  auto spec = lines_plot();
  spec.lines = {{"empty", {}}};
  EXPECT_TRUE(gnuplot_job(spec, {}).data_files.empty());
  spec = bars_plot();
  spec.bars = {{"empty", {}}};
  EXPECT_TRUE(gnuplot_job(spec, {}).data_files.empty());
}

TEST(GnuplotRenderer, RunsGnuplotOnTheScriptFileWithoutAShell) {
  FakeProcessRunner runner({.exit_code = 0});
  GnuplotRenderer renderer(runner);
  (void)renderer.svg(lines_plot());  // fails: the fake writes no SVG
  ASSERT_EQ(runner.requests().size(), 1u);
  EXPECT_EQ(runner.requests()[0].argv, (std::vector<std::string>{"gnuplot", "plot.gp"}));
  EXPECT_FALSE(runner.requests()[0].cwd.empty());
}

TEST(GnuplotRenderer, FailureNamesThePlotAndQuotesGnuplot) {
  FakeProcessRunner runner({.exit_code = 1, .output = "line 7: undefined variable: foo\n"});
  GnuplotRenderer renderer(runner);
  const auto svg = renderer.svg(lines_plot());
  ASSERT_FALSE(svg);
  EXPECT_TRUE(Contains(svg.error().message, "latency-cdf-read"));
  EXPECT_TRUE(Contains(svg.error().message, "line 7: undefined variable: foo"));
}

TEST(GnuplotRenderer, NothingToDrawIsAnErrorWithoutRunningGnuplot) {
  FakeProcessRunner runner({.exit_code = 0});
  GnuplotRenderer renderer(runner);
  auto spec = lines_plot();
  spec.lines.clear();
  const auto svg = renderer.svg(spec);
  ASSERT_FALSE(svg);
  EXPECT_TRUE(Contains(svg.error().message, "latency-cdf-read"));
  EXPECT_TRUE(runner.requests().empty());
}

TEST(GnuplotRenderer, RealGnuplotDrawsLinesAndBarsAsSvgPaths) {
  SystemProcessRunner runner;
  GnuplotRenderer renderer(runner);
  auto lines = lines_plot();
  lines.x_scale = XScale::kLog;
  for (const auto& spec : {lines, bars_plot()}) {
    const auto svg = renderer.svg(spec);
    ASSERT_TRUE(svg) << svg.error().message;
    EXPECT_TRUE(Contains(svg.value(), "<svg"));
    EXPECT_TRUE(Contains(svg.value(), "<path"));
    EXPECT_TRUE(Contains(svg.value(), spec.title));
  }
}

}  // namespace
}  // namespace bh::analysis
