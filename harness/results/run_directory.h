#pragma once
/// A run's output directory: created up front, written as the run goes so partial results
/// survive an error, never silently reused for a different run's files.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "base/expected.h"

namespace bh {

/// Creates `dir` (and parents). Fails if it exists and is not empty, so results are never
/// mixed or overwritten.
Expected<std::filesystem::path> create_run_directory(const std::filesystem::path& dir);

/// Whether a file can be written in `dir` now; the error names the directory and the
/// system's reason (a read-only or full filesystem).
Expected<void> check_writable(const std::filesystem::path& dir);

/// A fresh directory name under runs/ with the time, for runs without --out.
std::filesystem::path default_run_directory(const std::string& command);

/// Writes `value` as indented JSON to dir/name (atomically).
Expected<void> write_json(const std::filesystem::path& dir, const std::string& name, const nlohmann::json& value);

/// Writes one of the command's result files (summary.json, summary.txt, compare.json, ...)
/// atomically, or throws HarnessError (exit 3) saying the results could not be written and
/// why ("No space left on device"); the files written before stay as they were.
void save_result_file(const std::filesystem::path& path, std::string_view bytes);

/// save_result_file of `value` as indented JSON at dir/name.
void save_result_json(const std::filesystem::path& dir, const std::string& name, const nlohmann::json& value);

}  // namespace bh
