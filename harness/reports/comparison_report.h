#pragma once
/// The views of compare.json (comparison.h): a side-by-side Markdown table, a self-contained
/// HTML page with the same table and overlaid latency CDFs of both kernels, and JUnit.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/reports/plot.h"
#include "harness/reports/report_model.h"

namespace bh::analysis {

/// The mark of a metric's verdict: "▲ worse" (regression), "▼ better" (improvement), "="
/// (no significant change), "n<3" (too few runs) or "?" (undefined).
std::string verdict_mark(const std::string& verdict);

/// "1.02 [0.97, 1.08]" for a metric row's ratio and interval; "–" without a ratio.
std::string ratio_text(const nlohmann::json& metric);

/// Markdown: the verdict, both kernels, then per scenario the stale blocks of each side and
/// one row per metric: baseline median, candidate median, ratio with its 95% interval,
/// Mann-Whitney p, threshold and mark; then the geometric-mean row.
std::string render_comparison_markdown(const nlohmann::json& comparison);

/// Per scenario and direction, one CDF plot overlaying every run of both sides ("baseline
/// run N", "candidate run N"); plots without data are left out.
std::vector<PlotSpec> comparison_plots(const nlohmann::json& comparison, const std::vector<RunSeries>& baseline,
                                       const std::vector<RunSeries>& candidate);

/// One self-contained HTML page: the Markdown's tables (escaped, status coloured) and the
/// plots inline as SVG. Fails, naming the plot, when one cannot be drawn.
Expected<std::string> render_comparison_html(const nlohmann::json& comparison, const std::vector<PlotSpec>& plots,
                                             PlotRenderer& renderer);

/// JUnit: one testcase per scenario; a candidate that FAILs there is a <failure>, a
/// regressed metric a <failure> naming it, an ERROR an <error>.
std::string render_comparison_junit(const nlohmann::json& comparison);

}  // namespace bh::analysis
