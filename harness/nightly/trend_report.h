#pragma once
/// `history --db PATH --out DIR`: the trend of every kernel and scenario over the nights the
/// history holds (stale blocks, latency percentiles, IOPS, memory), with the latest night's
/// judgement (night_verdict.h) on top: trend.html with gnuplot plots, trend.json with the
/// same data.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/history/history_db.h"
#include "harness/reports/plot.h"

namespace bh {

/// A metric the trend follows: its plot id part, its axis label, and the run field it reads.
struct TrendMetric {
  std::string id;
  std::string label;
  std::string pointer;  ///< JSON pointer into a run object of summary.json
};

/// stale blocks, read/write p50 and p99 latency, read/write IOPS, bcache's traced peak and
/// the Slab peak-minus-baseline.
const std::vector<TrendMetric>& trend_metrics();

/// The nights of `runs`, oldest first; a night's x in the plots is its 1-based position.
std::vector<std::string> trend_nights(const std::vector<RunRecord>& runs);

/// One plot per scenario and metric that has a value: one line per kernel, the median of the
/// night's runs at x = the night's position.
std::vector<analysis::PlotSpec> trend_plots(const std::vector<RunRecord>& runs);

/// trend.json: {"nights": [...], "cells": [{"kernel", "scenario", "nights": {NIGHT: {"status",
/// "runs", METRIC: median...}}}], "judgement": ...}.
nlohmann::json trend_json(const std::vector<RunRecord>& runs, const nlohmann::json& judgement);

/// trend.html: the judgement (new FAILs first), a status table (kernel and scenario by
/// night), then the plots, self-contained (inline SVG, no external references).
Expected<std::string> render_trend_html(const std::vector<RunRecord>& runs, const nlohmann::json& judgement,
                                        analysis::PlotRenderer& renderer);

/// What `history` wrote and what CI should exit with (night_exit_code of the latest night).
struct TrendOutcome {
  std::filesystem::path html, json;
  nlohmann::json judgement;
  std::string text;
  int exit_code = 3;
};

/// Reads the database (refusing a foreign or corrupt one), judges its latest night, writes
/// trend.html and trend.json into `out_dir` (created if missing). Fails naming the file.
Expected<TrendOutcome> write_trend_report(const std::filesystem::path& db_file, const std::filesystem::path& out_dir,
                                          analysis::PlotRenderer& renderer);

}  // namespace bh
