#pragma once
/// The plots of a report, as PlotSpecs built from its input.

#include <vector>

#include "harness/reports/plot.h"
#include "harness/reports/report_model.h"

namespace bh::analysis {

/// The report's plots, in display order, each only when it has something to draw:
/// - "latency-cdf-read", "latency-cdf-write": completion-latency CDF (µs, log x), one line
///   per run with such data;
/// - "latency-time-read", "latency-time-write": completion latency (µs) over time (s);
/// - "memory-SOURCE" (SOURCE as in RunSeries, through plot_id_part): KiB over time, one per source;
/// - "bcache-memory": bytes bcache itself holds over each run (its memory trace), the first
///   such run's phases marked by vertical lines;
/// - "stale-blocks": bars per scenario whose runs report "stale_blocks", their sum, and when
///   any run made power cuts a second set summing "stale_blocks_after_power_cut".
std::vector<PlotSpec> report_plots(const ReportInput& input);

/// `text` lower-cased and reduced to [a-z0-9_-] (anything else becomes "-"), for plot ids.
std::string plot_id_part(std::string_view text);

}  // namespace bh::analysis
