#pragma once
/// What the reports (report.html, report.md, junit.xml) are drawn from: the run's
/// summary.json and, per run, the series the plots need and the block map. Built from the
/// raw files of a run directory (see run_metrics.h), so `bcache-harness report DIR` renders
/// the same reports from the same files as `run` did.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/run_series.h"
#include "harness/reports/block_map.h"

namespace bh::analysis {

/// Everything a report shows.
struct ReportInput {
  nlohmann::json summary;       ///< summary.json, schema 1, with the metrics fields
  std::vector<RunSeries> runs;  ///< in summary order; runs without series may be missing
  /// Where summary.json lies. The reports link each run's "run_dir" relative to it; empty:
  /// only run_dirs that are already relative are linked.
  std::filesystem::path directory;
  /// The block maps of the runs whose directory has one (block-map.json), in summary order.
  std::vector<BlockMap> block_maps;
};

/// `object[key]`, or a null value when `object` is not an object or has no such key: for
/// reading summary.json, whose fields are mostly optional, without exceptions.
const nlohmann::json& json_at(const nlohmann::json& object, const std::string& key);

/// `object[key]` as a number, or nullopt when it is absent or not a number.
std::optional<double> number_at(const nlohmann::json& object, const std::string& key);

/// The sum of a run's power cuts' "stale_blocks_after_power_cut"; nullopt when the run made
/// no cuts or none of them reports it.
std::optional<double> stale_blocks_after_power_cuts(const nlohmann::json& run);

/// One run of summary.json and where it is.
struct SummaryRun {
  std::string scenario;   ///< the scenario's "name" ("–" when it has none)
  std::size_t index = 0;  ///< 0-based position in the scenario's "runs"
  const nlohmann::json& run;
};

/// Calls `visit` with each scenario's name and object, in summary order.
void for_each_scenario(const nlohmann::json& summary,
                       const std::function<void(const std::string&, const nlohmann::json&)>& visit);

/// Calls `visit` for each run of each scenario, in summary order.
void for_each_run(const nlohmann::json& summary, const std::function<void(const SummaryRun&)>& visit);

}  // namespace bh::analysis
