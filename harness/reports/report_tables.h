#pragma once
/// The tables of a report as cells of text, computed once from summary.json so that the
/// Markdown and HTML views show the same values, formatted the same way.

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
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

/// The facts a report starts with, as (name, value) pairs: status, kernel, accel, seed.
std::vector<std::pair<std::string, Cell>> report_facts(const nlohmann::json& summary);

/// The tables of a report, in display order: runs (always), then latency, memory and bcache
/// counters, each only when some run has such data.
std::vector<Table> report_tables(const ReportInput& input);

/// The few numbers that answer a scenario's question, one row per run (scenario's runs in
/// order): run (linked to its directory), seed, status, then for a "perf" scenario read and
/// write IOPS, read and write p99 latency (µs) and Slab growth (KiB, peak − baseline), and
/// for any other kind "stale / checked" blocks and, when one of its runs made power cuts,
/// the stale blocks after them; last the reason. Id "numbers-" and the scenario's name.
Table scenario_numbers(const ReportInput& input, const std::string& name, const nlohmann::json& scenario);

/// `value` as text with `decimals` decimals (an integer with none: exactly, however large);
/// kMissing when it is not a finite number (absent, null, a string).
std::string format_number(const nlohmann::json& value, int decimals);

}  // namespace bh::analysis
