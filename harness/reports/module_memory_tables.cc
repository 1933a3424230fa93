#include "harness/reports/module_memory_tables.h"

#include <cmath>
#include <map>
#include <set>

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

constexpr double kTib = 1099511627776.0;

Cell bytes_cell(const Json& value) { return {format_number(value, 0), CellKind::kNumber, ""}; }
Cell text_cell(std::string value) { return {std::move(value), CellKind::kText, ""}; }

/// The "call_site" of the site that held the most at its peak, with its bytes.
std::string top_call_site(const Json& memory) {
  const auto& sites = json_at(memory, "by_call_site");
  if (!sites.is_array() || sites.empty()) return kMissing;
  const auto& top = sites.front();
  return json_at(top, "call_site").is_string()
             ? top["call_site"].get<std::string>() + " (" + format_number(json_at(top, "peak_bytes"), 0) + " B)"
             : kMissing;
}

std::string family_of(const std::string& scenario) { return scenario.substr(0, scenario.find(':')); }

}  // namespace

std::optional<double> slope(const std::vector<std::pair<double, double>>& points) {
  std::set<double> xs;
  double mean_x = 0, mean_y = 0;
  for (const auto& [x, y] : points) {
    xs.insert(x);
    mean_x += x;
    mean_y += y;
  }
  if (xs.size() < 2) return std::nullopt;
  mean_x /= static_cast<double>(points.size());
  mean_y /= static_cast<double>(points.size());
  double covariance = 0, variance = 0;
  for (const auto& [x, y] : points) {
    covariance += (x - mean_x) * (y - mean_y);
    variance += (x - mean_x) * (x - mean_x);
  }
  return covariance / variance;
}

Table module_memory_table(const ReportInput& input) {
  Table table{"bcache-memory",
              "bcache's own memory (traced allocations, bytes)",
              {"scenario", "run", "backing bytes", "baseline", "peak", "peak−baseline", "held at end",
               "largest call site at peak"}};
  table.note =
      "Baseline: registered and idle, at the first phase after provisioning; peak and held at end: after it. Traced "
      "to the byte from the slab tracepoints and allocator kprobes filtered to bcache.ko's code; mempools, bio sets "
      "and other subsystems' allocations for bcache are not in it (summary.json: bcache_memory.method).";
  for_each_run(input.summary, [&](const SummaryRun& ref) {
    const auto& memory = json_at(ref.run, "bcache_memory");
    if (!memory.is_object()) return;
    auto row = run_cells(ref, input.directory);
    row.push_back(bytes_cell(json_at(ref.run, "backing_bytes")));
    for (const char* key : {"baseline_bytes", "peak_bytes", "peak_minus_baseline_bytes", "held_at_end_bytes"})
      row.push_back(bytes_cell(json_at(memory, key)));
    row.push_back(text_cell(top_call_site(memory)));
    table.rows.push_back(std::move(row));
  });
  return table;
}

Table memory_growth_table(const ReportInput& input) {
  Table table{"bcache-memory-per-tib",
              "bcache's memory per TiB of backing device",
              {"scenarios", "backing sizes", "runs", "baseline growth B/TiB", "peak growth B/TiB",
               "v2 fix adds: idle B/TiB", "v2 fix adds: peak B/TiB"}};
  table.note =
      "Growth: the least-squares slope of bytes against backing size over the family's runs, so fixed costs (the "
      "btree node cache, the journal) drop out. The v2 fix's published figures (256 B and 64.25 KiB per TiB; its "
      "atomic-counter variant 1 KiB and 257 KiB) are what it adds on top of stock bcache: run the same group on a "
      "fixed and a stock kernel (bcache-harness compare) and read the difference.";
  std::map<std::string, std::vector<const Json*>> families;
  for_each_run(input.summary, [&](const SummaryRun& ref) {
    if (json_at(ref.run, "bcache_memory").is_object() && json_at(ref.run, "backing_bytes").is_number())
      families[family_of(ref.scenario)].push_back(&ref.run);
  });
  for (const auto& [family, runs] : families) {
    std::vector<std::pair<double, double>> idle, peak;
    std::set<std::uint64_t> sizes;
    for (const Json* run : runs) {
      const double tib = (*run)["backing_bytes"].get<double>() / kTib;
      sizes.insert((*run)["backing_bytes"].get<std::uint64_t>());
      const auto& memory = (*run)["bcache_memory"];
      idle.emplace_back(tib, json_at(memory, "baseline_bytes").get<double>());
      peak.emplace_back(tib, json_at(memory, "peak_bytes").get<double>());
    }
    const auto idle_slope = slope(idle);
    if (!idle_slope) continue;
    std::string size_text;
    for (const auto bytes : sizes) size_text += (size_text.empty() ? "" : ", ") + format_number(Json(bytes), 0);
    table.rows.push_back({text_cell(family + "*"),
                          text_cell(size_text),
                          {std::to_string(runs.size()), CellKind::kNumber, ""},
                          {format_number(Json(*idle_slope), 1), CellKind::kNumber, ""},
                          {format_number(Json(*slope(peak)), 1), CellKind::kNumber, ""},
                          {format_number(Json(kV2IdleBytesPerTib), 0), CellKind::kNumber, ""},
                          {format_number(Json(kV2PeakBytesPerTib), 0), CellKind::kNumber, ""}});
  }
  return table;
}

}  // namespace bh::analysis
