#pragma once
/// `bcache-harness report DIR`: re-renders summary.json, report.html, report.md and
/// junit.xml of a run directory from the raw files in it.

#include <filesystem>
#include <optional>
#include <string>

#include "harness/core/run_reports.h"

namespace bh::cli {

/// Writes the reports of `out_dir` and prints where they are (and any warnings); returns 0.
/// Throws HarnessError: exit 2 when out_dir is not a run directory, 3 when a report cannot be
/// rendered or written.
int report_command(const std::filesystem::path& out_dir);

/// Writes the reports at the end of `run`; prints where report.html is, or why it could not
/// be written. Returns what was written, or nullopt when the reports could not be.
std::optional<ReportFiles> write_run_reports(const std::filesystem::path& out_dir);

}  // namespace bh::cli
