#pragma once
/// report.html: one self-contained page (inline CSS and SVG, no external references) with
/// the report's facts, tables and plots.

#include <string>
#include <string_view>

#include "base/expected.h"
#include "harness/reports/markup_escape.h"
#include "harness/reports/plot.h"
#include "harness/reports/report_model.h"

namespace bh::analysis {

/// The report as HTML, leading with the answer. Top to bottom: the verdict (a
/// <header id="verdict">: overall status, kernel, accel, seed, and the runs' statuses);
/// per scenario a <section class="scenario"> with its status, scenario_numbers and the block
/// maps of its runs (<figure class="block-map">, an inline block_map_svg with a legend and
/// counts); each plot of report_plots.h drawn by `renderer` in a
/// <figure class="plot" id="plot-ID"> with a <figcaption>; last every table of
/// report_tables.h, collapsed in a <details>. Links only to run directories, relatively.
/// Fails, with the renderer's message, when a plot cannot be drawn.
Expected<std::string> render_html(const ReportInput& input, PlotRenderer& renderer);

/// A standalone SVG document made ready to place inside HTML: the XML prolog and the
/// namespace declarations (which HTML does not need) removed, and every id, with the
/// references to it (href="#x", url(#x)), prefixed with `id_prefix` so that several SVGs
/// on one page cannot clash.
std::string inline_svg(std::string_view svg, std::string_view id_prefix);

}  // namespace bh::analysis
