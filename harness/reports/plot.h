#pragma once
/// A plot as data (PlotSpec) and the one way it becomes a picture: an SVG drawn by gnuplot.
/// Specs are built by report_plots.h; the HTML report inlines the SVGs.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/reports/report_model.h"
#include "util/process_runner.h"

namespace bh::analysis {

/// How the x axis is scaled.
enum class XScale { kLinear, kLog };

/// What a plot draws.
enum class PlotKind {
  kLines,  ///< one line per LineSeries
  kBars,   ///< clustered bars: one cluster per label, one bar per BarSeries
};

/// A named line of a kLines plot.
struct LineSeries {
  std::string name;  ///< the legend entry
  std::vector<XY> points;

  bool operator==(const LineSeries&) const = default;
};

/// One bar: its cluster's label and its height.
struct Bar {
  std::string label;
  double value = 0;

  bool operator==(const Bar&) const = default;
};

/// A named set of bars of a kBars plot. A label one set has and another lacks leaves a gap
/// in the other set's cluster, never a bar of height 0.
struct BarSeries {
  std::string name;  ///< the legend entry
  std::vector<Bar> bars;

  bool operator==(const BarSeries&) const = default;
};

/// A labelled vertical line across a kLines plot, e.g. where a phase starts.
struct VerticalMarker {
  double x = 0;
  std::string label;

  bool operator==(const VerticalMarker&) const = default;
};

/// Everything needed to draw one plot. Text is shown literally (no markup).
struct PlotSpec {
  std::string id;  ///< [A-Za-z0-9_-]+, unique within a report; names the plot in errors
  std::string title;
  std::string x_label;
  std::string y_label;
  XScale x_scale = XScale::kLinear;
  PlotKind kind = PlotKind::kLines;
  std::vector<LineSeries> lines;        ///< for kLines
  std::vector<BarSeries> bars;          ///< for kBars
  std::vector<VerticalMarker> markers;  ///< for kLines
  bool mark_points = false;             ///< kLines: a mark at every point (a line of one point shows)

  bool operator==(const PlotSpec&) const = default;
};

/// Draws plots as SVG. Fakes implement it in unit tests of the views.
class PlotRenderer {
 public:
  virtual ~PlotRenderer() = default;
  /// The plot as a standalone SVG document, or an error naming spec.id.
  virtual Expected<std::string> svg(const PlotSpec& spec) = 0;
};

/// The pixel size of a drawn plot.
struct PlotSize {
  int width = 800;
  int height = 400;
};

/// What gnuplot is given for one plot: a script and the data files it reads, by file name
/// relative to gnuplot's working directory. The script writes `output_file` there.
struct GnuplotJob {
  std::string script;
  std::map<std::string, std::string> data_files;
  std::string output_file;
};

/// The gnuplot job drawing `spec` as SVG of `size`. A line series with no points (after
/// points with x <= 0 are left out on a log axis, where they cannot be drawn) is left out.
GnuplotJob gnuplot_job(const PlotSpec& spec, PlotSize size);

/// Draws with the `gnuplot` program, run through `runner` in a fresh temporary directory.
class GnuplotRenderer : public PlotRenderer {
 public:
  explicit GnuplotRenderer(ProcessRunner& runner, PlotSize size = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(60));
  /// Fails, naming the plot id, when the spec has nothing to draw, or gnuplot cannot be
  /// started, fails (quoting its messages), times out or writes no SVG.
  Expected<std::string> svg(const PlotSpec& spec) override;

 private:
  ProcessRunner& runner_;
  PlotSize size_;
  std::chrono::milliseconds timeout_;
};

}  // namespace bh::analysis
