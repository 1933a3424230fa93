#pragma once
/// The tables of a report, computed once from summary.json so that the Markdown and HTML
/// views show the same values, formatted the same way.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "harness/reports/report_model.h"
#include "harness/reports/table.h"

namespace bh::analysis {

/// The facts a report starts with, as (name, value) pairs: status, kernel, accel, seed.
std::vector<std::pair<std::string, Cell>> report_facts(const nlohmann::json& summary);

/// The tables of a report, in display order: runs (always), then latency, memory, bcache
/// counters, bcache's own memory and its growth per TiB (module_memory_tables.h), each only
/// when some run has such data.
std::vector<Table> report_tables(const ReportInput& input);

/// The few numbers that answer a scenario's question, one row per run (scenario's runs in
/// order): run (linked to its directory), seed, status, then for a "perf" scenario read and
/// write IOPS, read and write p99 latency (µs) and Slab growth (KiB, peak − baseline), and
/// for any other kind "stale / checked" blocks and, when one of its runs made power cuts,
/// the stale blocks after them; last the reason. Id "numbers-" and the scenario's name.
Table scenario_numbers(const ReportInput& input, const std::string& name, const nlohmann::json& scenario);

}  // namespace bh::analysis
