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

/// A fresh directory name under runs/ with the time, for runs without --out.
std::filesystem::path default_run_directory(const std::string& command);

/// Writes `value` as indented JSON to dir/name (atomically).
Expected<void> write_json(const std::filesystem::path& dir, const std::string& name, const nlohmann::json& value);

}  // namespace bh
