#include "harness/reports/plot.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh::analysis {
namespace {

constexpr const char* kScriptFile = "plot.gp";
constexpr const char* kOutputFile = "plot.svg";
constexpr const char* kBarsFile = "bars.dat";

/// Text on one line without control characters, so it cannot break a script or a data row.
std::string one_line(std::string_view text) {
  std::string line;
  for (char c : text) line += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  return line;
}

/// A gnuplot single-quoted string: no escapes inside, a quote is doubled.
std::string gp_string(std::string_view text) {
  std::string out = "'";
  for (char c : one_line(text)) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

/// A value as gnuplot reads it back exactly; NaN (a missing value) as "NaN".
std::string number(double value) {
  if (!std::isfinite(value)) return "NaN";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

std::string header(const PlotSpec& spec, PlotSize size) {
  std::string s;
  s += "set terminal svg size " + std::to_string(size.width) + "," + std::to_string(size.height) +
       " dynamic enhanced font 'sans,10'\n";
  s += "set encoding utf8\n";
  s += "set output " + gp_string(kOutputFile) + "\n";
  s += "set datafile separator \"\\t\"\n";
  s += "set title " + gp_string(spec.title) + " noenhanced\n";
  s += "set xlabel " + gp_string(spec.x_label) + " noenhanced\n";
  s += "set ylabel " + gp_string(spec.y_label) + " noenhanced\n";
  s += "set key below noenhanced\n";
  s += "set grid\n";
  if (spec.x_scale == XScale::kLog) s += "set logscale x 10\n";
  return s;
}

void add_markers(const PlotSpec& spec, GnuplotJob& job) {
  for (const auto& marker : spec.markers) {
    job.script += "set arrow from " + number(marker.x) + ", graph 0 to " + number(marker.x) +
                  ", graph 1 nohead dashtype 2 linecolor rgb '#888888'\n";
    job.script += "set label " + gp_string(marker.label) + " at " + number(marker.x) +
                  ", graph 0.97 offset 0.3,0 font 'sans,8' noenhanced\n";
  }
}

void add_lines(const PlotSpec& spec, GnuplotJob& job) {
  add_markers(spec, job);
  std::vector<std::string> clauses;
  for (const auto& series : spec.lines) {
    std::string rows;
    for (const auto& p : series.points) {
      if (spec.x_scale == XScale::kLog && !(p.x > 0)) continue;
      rows += number(p.x) + "\t" + number(p.y) + "\n";
    }
    if (rows.empty()) continue;
    const std::string file = "line-" + std::to_string(job.data_files.size()) + ".dat";
    job.data_files[file] = rows;
    const std::string style = spec.mark_points ? "linespoints pointtype 7 pointsize 0.8" : "lines";
    clauses.push_back(gp_string(file) + " using 1:2 with " + style + " linewidth 1.5 title " + gp_string(series.name) +
                      " noenhanced");
  }
  if (clauses.empty()) return;
  job.script += "plot ";
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    job.script += (i ? ", \\\n     " : "") + clauses[i];
  }
  job.script += "\n";
}

/// The labels of all bar sets, each once, in the order first seen.
std::vector<std::string> bar_labels(const std::vector<BarSeries>& sets) {
  std::vector<std::string> labels;
  for (const auto& set : sets) {
    for (const auto& bar : set.bars) {
      if (std::find(labels.begin(), labels.end(), bar.label) == labels.end()) {
        labels.push_back(bar.label);
      }
    }
  }
  return labels;
}

/// A data-file label: double-quoted, which gnuplot reads verbatim up to the next quote.
std::string label_field(const std::string& label) {
  std::string field = one_line(label);
  std::replace(field.begin(), field.end(), '"', '\'');
  return "\"" + field + "\"";
}

void add_bars(const PlotSpec& spec, GnuplotJob& job) {
  const auto labels = bar_labels(spec.bars);
  if (labels.empty()) return;
  std::string rows;
  for (const auto& label : labels) {
    rows += label_field(label);
    for (const auto& set : spec.bars) {
      auto bar = std::find_if(set.bars.begin(), set.bars.end(), [&](const Bar& b) { return b.label == label; });
      rows += "\t" + number(bar == set.bars.end() ? NAN : bar->value);
    }
    rows += "\n";
  }
  job.data_files[kBarsFile] = rows;
  job.script +=
      "set style data histograms\n"
      "set style histogram clustered gap 1\n"
      "set style fill solid 0.8 border -1\n"
      "set yrange [0:*]\n"
      "set xtics noenhanced rotate by -20\n"
      "plot ";
  for (std::size_t i = 0; i < spec.bars.size(); ++i) {
    job.script += (i ? ", \\\n     '' using " : gp_string(kBarsFile) + " using ") + std::to_string(i + 2) +
                  (i ? "" : ":xtic(1)") + " title " + gp_string(spec.bars[i].name) + " noenhanced";
  }
  job.script += "\n";
}

}  // namespace

GnuplotJob gnuplot_job(const PlotSpec& spec, PlotSize size) {
  GnuplotJob job;
  job.output_file = kOutputFile;
  job.script = header(spec, size);
  if (spec.kind == PlotKind::kLines) {
    add_lines(spec, job);
  } else {
    add_bars(spec, job);
  }
  return job;
}

GnuplotRenderer::GnuplotRenderer(ProcessRunner& runner, PlotSize size, std::chrono::milliseconds timeout)
    : runner_(runner), size_(size), timeout_(timeout) {}

Expected<std::string> GnuplotRenderer::svg(const PlotSpec& spec) {
  const std::string what = "plot " + spec.id + ": ";
  const auto job = gnuplot_job(spec, size_);
  if (job.data_files.empty()) return fail(what + "nothing to draw");
  TempDir dir("bh-plot");
  auto files = job.data_files;
  files[kScriptFile] = job.script;
  for (const auto& [name, text] : files) {
    if (auto written = write_file_atomically(dir.path() / name, text); !written) {
      return fail(what + written.error().message);
    }
  }
  auto result = runner_.run({.argv = {"gnuplot", kScriptFile}, .cwd = dir.path(), .timeout = timeout_});
  if (!result) return fail(what + result.error().message);
  if (result.value().timed_out) {
    return fail(what + "gnuplot did not finish within " + std::to_string(timeout_.count()) + " ms");
  }
  if (result.value().exit_code != 0) {
    return fail(what + "gnuplot failed (exit status " + std::to_string(result.value().exit_code) + "):\n" +
                tail_lines(result.value().output, 20));
  }
  auto svg = read_file(dir.path() / job.output_file);
  if (!svg || svg.value().find("<svg") == std::string::npos) {
    return fail(what + "gnuplot wrote no SVG:\n" + tail_lines(result.value().output, 20));
  }
  return std::move(svg).value();
}

}  // namespace bh::analysis
