#pragma once
/// report.html: one self-contained page (inline CSS and SVG, no external references) with
/// the report's facts, tables and plots.

#include <string>
#include <string_view>

#include "analysis/plot.h"
#include "analysis/report_model.h"
#include "harness/base/expected.h"

namespace bh::analysis {

/// The report as HTML: the facts and tables of report_tables.h, then each plot of
/// report_plots.h drawn by `renderer` in a <figure class="plot" id="plot-ID"> with a
/// <figcaption>. Links only to run directories, relatively. Fails, with the renderer's
/// message, when a plot cannot be drawn.
Expected<std::string> render_html(const ReportInput& input, PlotRenderer& renderer);

/// `text` safe as HTML text or a quoted attribute value.
std::string html_escape(std::string_view text);

/// A standalone SVG document made ready to place inside HTML: the XML prolog and the
/// namespace declarations (which HTML does not need) removed, and every id, with the
/// references to it (href="#x", url(#x)), prefixed with `id_prefix` so that several SVGs
/// on one page cannot clash.
std::string inline_svg(std::string_view svg, std::string_view id_prefix);

}  // namespace bh::analysis
