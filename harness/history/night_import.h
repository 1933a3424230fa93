#pragma once
/// Reading a nightly output directory (nightly.json naming the night and its kernels, one
/// summary.json per kernel) into history runs, and importing such directories.
///
/// DIR/nightly.json: {"schema": 1, "night": "2026-12-04", "shard": "1/2", "matrix": "...",
///                    "kernels": [{"name": "stock", "spec": "debian:stock", "dir": "stock"}, ...]}
/// DIR/<dir>/summary.json: an ordinary run summary (schema 1) for that kernel.

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/history/history_db.h"

namespace bh {

/// What a nightly output directory holds.
struct NightDirectory {
  std::string night;
  std::vector<RunRecord> runs;
  /// The names of kernels nightly.json lists whose summary.json is not there (yet): the shard
  /// died before it started them, or is still running.
  std::vector<std::string> kernels_missing;
};

/// A nightly output directory read, with the kernels it lacks; errors as read_night_directory.
Expected<NightDirectory> read_night(const std::filesystem::path& dir);

/// The runs a nightly output directory holds, as RunRecords (run_index = position in the scenario's runs + 1). Errors
/// name the file and what is wrong (missing nightly.json, bad JSON, missing "night").
Expected<std::vector<RunRecord>> read_night_directory(const std::filesystem::path& dir);

/// The runs of one summary.json for kernel `kernel_name` in night `night`. Errors name the key
/// ("scenarios[2].runs[0]: no \"status\"").
Expected<std::vector<RunRecord>> records_from_summary(const nlohmann::json& summary, const std::string& night,
                                                      const std::string& kernel_name);

/// What an import stored.
struct ImportCounts {
  std::size_t runs = 0;             ///< runs stored (identical ones re-stored included)
  std::size_t kernels_missing = 0;  ///< kernels listed in a nightly.json without a summary.json
};

/// Reads every directory first (a bad one stops the import before anything is stored), then
/// stores each in one transaction.
Expected<ImportCounts> import_nights(HistoryDb& db, const std::vector<std::filesystem::path>& dirs);

/// Imports each directory (one transaction each); returns how many runs were stored. Re-importing the same directory
/// changes nothing.
Expected<std::size_t> import_night_directories(HistoryDb& db, const std::vector<std::filesystem::path>& dirs);

}  // namespace bh
