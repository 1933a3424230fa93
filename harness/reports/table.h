#pragma once
/// A report table as cells of text (the model both the Markdown and the HTML view render),
/// and the cell formats every table shares.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/reports/report_model.h"

namespace bh::analysis {

/// What a cell shows for a value summary.json does not have (never "0").
inline constexpr const char* kMissing = "–";
/// What a cell shows for a memory source the kernel did not report.
inline constexpr const char* kUnavailable = "unavailable";

/// How a view should present a cell.
enum class CellKind {
  kText,
  kNumber,  ///< right-aligned
  kStatus,  ///< PASS, FAIL, ERROR or SKIP (or anything else the summary says), coloured
};

/// One cell: plain text (never markup), and where it links, if anywhere.
struct Cell {
  std::string text;
  CellKind kind = CellKind::kText;
  /// A relative URL (percent-encoded, never with a scheme): a run's directory. Empty: none.
  std::string link;

  bool operator==(const Cell&) const = default;
};

/// A titled table. Every row has one cell per column.
struct Table {
  std::string id;     ///< "runs", "latency", "memory", "counters"
  std::string title;  ///< e.g. "Scenarios and runs"
  std::vector<std::string> columns;
  std::vector<CellKind> column_kinds;  ///< one per column; a view aligns by it
  std::vector<std::vector<Cell>> rows;
  std::string note;  ///< a sentence shown under the table, or empty
};

/// The first cells of every per-run row: scenario and 1-based run number, linked to the
/// run's directory (relative to `directory`) when it lies inside it.
std::vector<Cell> run_cells(const SummaryRun& ref, const std::filesystem::path& directory);

/// `value` as text with `decimals` decimals (an integer with none: exactly, however large);
/// kMissing when it is not a finite number (absent, null, a string).
std::string format_number(const nlohmann::json& value, int decimals);

}  // namespace bh::analysis
