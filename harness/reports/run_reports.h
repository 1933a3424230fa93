#pragma once
/// The reports of a run directory: every run's metrics recomputed from its raw files into
/// summary.json, then report.html, report.md and junit.xml rendered from it. `run` calls it
/// when it ends; `bcache-harness report DIR` calls it on any run directory, so every view can
/// be re-rendered from the raw files.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/reports/plot.h"
#include "harness/reports/report_model.h"

namespace bh {

/// What write_reports wrote, what it could not recompute (each names the file), and the
/// data it rendered, for callers that render more from it.
struct ReportFiles {
  std::filesystem::path summary, html, markdown, junit;
  std::vector<std::string> warnings;
  nlohmann::json refreshed_summary;         ///< what summary.json now holds
  std::vector<analysis::RunSeries> series;  ///< the plot series of the runs with files
};

/// The directory of a run recorded in summary.json: its "run_dir" when that exists, else
/// out_dir/SCENARIO/<the same last component> (a run directory moved as a whole).
std::filesystem::path locate_run_dir(const std::filesystem::path& out_dir, const std::string& scenario,
                                     const nlohmann::json& run);

/// The phase whose metrics a run reports: its "measured_phase", else "measure" for a perf
/// scenario and "race" for the others.
std::string measured_phase_of(const std::string& scenario_kind, const nlohmann::json& run);

/// Reads summary.json at `path`; fails, naming it, when it is missing, not JSON or has no
/// "scenarios" array.
Expected<nlohmann::json> read_summary(const std::filesystem::path& path);

/// A run directory as its reports would see it, without writing anything there.
struct RunDirectoryData {
  nlohmann::json summary;                   ///< summary.json, metrics refreshed (refresh_runs)
  std::vector<analysis::RunSeries> series;  ///< the plot series of the runs with files
  std::vector<std::string> warnings;        ///< files that could not be recomputed
};

/// Reads out_dir/summary.json and refreshes it in memory; the directory is left untouched.
Expected<RunDirectoryData> read_run_directory(const std::filesystem::path& out_dir);

/// Refreshes every run's metrics in `summary` from the files in its run directory, in place,
/// and returns the plot series of the runs that have files. A run whose files are missing
/// or malformed keeps what summary.json said, with a warning naming the file.
std::vector<analysis::RunSeries> refresh_runs(const std::filesystem::path& out_dir, nlohmann::json& summary,
                                              std::vector<std::string>& warnings);

/// The block maps of the runs of `summary` whose directory (locate_run_dir) holds
/// block-map.json, in summary order, each with its scenario and run index. A run without
/// the file has no map; a file that cannot be read or parsed is left out with a warning
/// naming it.
std::vector<analysis::BlockMap> read_block_maps(const std::filesystem::path& out_dir, const nlohmann::json& summary,
                                                std::vector<std::string>& warnings);

/// Reads out_dir/summary.json, refreshes it (refresh_runs), reads the block maps
/// (read_block_maps) and writes summary.json,
/// report.md, junit.xml and report.html (plots through `renderer`) into out_dir. Fails,
/// naming the file, when summary.json is missing or not a summary, or a report cannot be
/// rendered or written.
Expected<ReportFiles> write_reports(const std::filesystem::path& out_dir, analysis::PlotRenderer& renderer);

}  // namespace bh
