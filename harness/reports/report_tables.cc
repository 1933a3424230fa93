#include "harness/reports/report_tables.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>

#include "analysis/memory_summary.h"
#include "harness/reports/module_memory_tables.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

/// The counters a bcache_counters delta has, in table order; others follow by name.
constexpr std::array<const char*, 6> kCounters = {"cache_hits",          "cache_misses",          "cache_bypass_hits",
                                                  "cache_bypass_misses", "cache_miss_collisions", "bypassed_bytes"};

/// The percentile columns of the latency table and their keys in "latency_us".
constexpr std::array<const char*, 5> kPercentileKeys = {"p50", "p90", "p99", "p99.9", "p99.99"};

/// Shorter to read in this file.
const Json& at(const Json& object, const std::string& key) { return json_at(object, key); }

Cell text(std::string value) { return {std::move(value), CellKind::kText, ""}; }

Cell number(const Json& value, int decimals) { return {format_number(value, decimals), CellKind::kNumber, ""}; }

Cell text_of(const Json& value) {
  if (value.is_string()) return text(value.get<std::string>());
  return value.is_number() ? number(value, value.is_number_integer() ? 0 : 3) : text(kMissing);
}

Cell status_of(const Json& value) {
  return {value.is_string() ? value.get<std::string>() : kMissing, CellKind::kStatus, ""};
}

Table runs_table(const ReportInput& input) {
  Table table{"runs",
              "Scenarios and runs",
              {"scenario", "run", "seed", "status", "reason", "stale blocks", "blocks checked", "race windows",
               "stale inserts", "stale after power cuts"}};
  for_each_run(input.summary, [&](const SummaryRun& ref) {
    auto row = run_cells(ref, input.directory);
    row.push_back(number(at(ref.run, "seed"), 0));
    row.push_back(status_of(at(ref.run, "status")));
    row.push_back(text_of(at(ref.run, "reason")));
    row.push_back(number(at(ref.run, "stale_blocks"), 0));
    row.push_back(number(at(ref.run, "blocks_checked"), 0));
    row.push_back(number(at(ref.run, "race_windows"), 0));
    row.push_back(number(at(ref.run, "stale_inserts"), 0));
    const auto after_cuts = stale_blocks_after_power_cuts(ref.run);
    row.push_back(number(after_cuts ? Json(*after_cuts) : Json(), 0));
    table.rows.push_back(std::move(row));
  });
  return table;
}

/// "read", "write", then any other direction, of the keys of `objects`.
std::vector<std::string> directions(std::initializer_list<const Json*> objects) {
  std::vector<std::string> found;
  for (const auto* obj : objects) {
    if (!obj->is_object()) continue;
    for (const auto& [key, value] : obj->items()) {
      if (std::find(found.begin(), found.end(), key) == found.end()) found.push_back(key);
    }
  }
  auto rank = [](const std::string& d) { return d == "read" ? 0 : d == "write" ? 1 : 2; };
  std::stable_sort(found.begin(), found.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return found;
}

Table stale_explanations_table(const ReportInput& input) {
  Table table{"stale-explained",
              "Stale blocks explained by the trace",
              {"scenario", "run", "offset", "served gen", "expected gen", "how it became stale"}};
  for_each_run(input.summary, [&](const SummaryRun& ref) {
    const auto& examples = at(ref.run, "stale_examples");
    if (!examples.is_array()) return;
    for (const auto& example : examples) {
      auto row = run_cells(ref, input.directory);
      row.push_back(number(at(example, "offset"), 0));
      row.push_back(number(at(example, "found_gen"), 0));
      row.push_back(number(at(example, "expected_gen"), 0));
      row.push_back(text_of(at(at(example, "explanation"), "text")));
      table.rows.push_back(std::move(row));
    }
  });
  return table;
}

Table latency_table(const ReportInput& input) {
  Table table{"latency",
              "Completion latency (µs) and IOPS",
              {"scenario", "run", "direction", "IOPS", "p50", "p90", "p99", "p99.9", "p99.99", "mean"}};
  for_each_run(input.summary, [&](const SummaryRun& ref) {
    const auto& latency = at(ref.run, "latency_us");
    const auto& iops = at(ref.run, "iops");
    for (const auto& direction : directions({&latency, &iops})) {
      auto row = run_cells(ref, input.directory);
      row.push_back(text(direction));
      row.push_back(number(at(iops, direction), 1));
      const auto& stats = at(latency, direction);
      for (const char* key : kPercentileKeys) row.push_back(number(at(stats, key), 1));
      row.push_back(number(at(stats, "mean"), 1));
      table.rows.push_back(std::move(row));
    }
  });
  return table;
}

/// A memory row's three value cells from one source summary (null: unavailable).
std::vector<Cell> memory_values(const Json& source) {
  if (source.is_null()) return {text(kUnavailable), text(kUnavailable), text(kUnavailable)};
  if (source.contains("min_kib")) {
    return {number(at(source, "baseline_kib"), 0), number(at(source, "min_kib"), 0),
            number(at(source, "baseline_minus_min_kib"), 0)};
  }
  return {number(at(source, "baseline_kib"), 0), number(at(source, "peak_kib"), 0),
          number(at(source, "peak_minus_baseline_kib"), 0)};
}

/// `sources` names in report order: kMeminfoKeys first, then the rest by name.
std::vector<std::string> source_names(const Json& sources) {
  std::vector<std::string> names;
  for (auto key : kMeminfoKeys) {
    if (sources.contains(std::string(key))) names.emplace_back(key);
  }
  for (const auto& [key, value] : sources.items()) {
    if (std::find(names.begin(), names.end(), key) == names.end()) names.push_back(key);
  }
  return names;
}

void add_memory_rows(const SummaryRun& ref, const fs::path& directory, Table& table) {
  const auto& memory = at(ref.run, "memory_kib");
  auto add = [&](const std::string& source, const Json& summary) {
    if (!summary.is_null() && !summary.is_object()) return;  // not a source summary
    auto row = run_cells(ref, directory);
    const bool lowest = summary.is_object() && summary.contains("min_kib");
    row.push_back(text(lowest ? source + " (lowest)" : source));
    for (auto& cell : memory_values(summary)) row.push_back(std::move(cell));
    table.rows.push_back(std::move(row));
  };
  for (const char* section : {"meminfo", "slab"}) {
    const auto& sources = at(memory, section);
    if (!sources.is_object()) continue;
    const std::string prefix = std::string(section) == "slab" ? "slab " : "";
    for (const auto& name : source_names(sources)) add(prefix + name, sources.at(name));
  }
  if (memory.is_object() && memory.contains("allocinfo")) {
    add("bcache allocations (allocinfo)", memory.at("allocinfo"));
  }
  if (memory.is_object() && memory.contains("bcache_module_kib")) {
    const auto& size = memory.at("bcache_module_kib");
    auto row = run_cells(ref, directory);
    row.push_back(text("bcache module"));
    row.push_back(size.is_null() ? text(kUnavailable) : number(size, 0));
    row.push_back(text(kMissing));
    row.push_back(text(kMissing));
    table.rows.push_back(std::move(row));
  }
}

Table memory_table(const ReportInput& input) {
  Table table{
      "memory", "Kernel memory (KiB)", {"scenario", "run", "source", "baseline KiB", "peak KiB", "peak−baseline KiB"}};
  table.note =
      "For MemAvailable (lowest) the peak column is its lowest value and the last column "
      "baseline − lowest. The bcache module row shows the module's size. \"unavailable\": "
      "the kernel did not report the source.";
  for_each_run(input.summary, [&](const SummaryRun& ref) { add_memory_rows(ref, input.directory, table); });
  return table;
}

/// kCounters, then every other counter some delta has, by name.
std::vector<std::string> counter_names(const Json& summary) {
  std::vector<std::string> names(kCounters.begin(), kCounters.end());
  std::set<std::string> extra;
  for_each_run(summary, [&](const SummaryRun& ref) {
    const auto& phases = at(ref.run, "bcache_counters");
    if (!phases.is_object()) return;
    for (const auto& [phase, counters] : phases.items()) {
      const auto& delta = at(counters, "delta");
      if (!delta.is_object()) continue;
      for (const auto& [name, value] : delta.items()) {
        if (std::find(names.begin(), names.end(), name) == names.end()) extra.insert(name);
      }
    }
  });
  names.insert(names.end(), extra.begin(), extra.end());
  return names;
}

Table counters_table(const ReportInput& input) {
  const auto names = counter_names(input.summary);
  Table table{"counters", "bcache counters (change over the phase)", {"scenario", "run", "phase"}};
  table.columns.insert(table.columns.end(), names.begin(), names.end());
  for_each_run(input.summary, [&](const SummaryRun& ref) {
    const auto& phases = at(ref.run, "bcache_counters");
    if (!phases.is_object()) return;
    for (const auto& [phase, counters] : phases.items()) {
      auto row = run_cells(ref, input.directory);
      row.push_back(text(phase));
      for (const auto& name : names) row.push_back(number(at(at(counters, "delta"), name), 0));
      table.rows.push_back(std::move(row));
    }
  });
  return table;
}

bool made_power_cuts(const Json& run) {
  const auto& cuts = at(run, "power_cuts");
  return cuts.is_array() && !cuts.empty();
}

/// "STALE / CHECKED" of a race or control run; kMissing when it reports neither.
Cell stale_of_checked(const Json& run) {
  const auto stale = format_number(at(run, "stale_blocks"), 0);
  const auto checked = format_number(at(run, "blocks_checked"), 0);
  if (stale == kMissing && checked == kMissing) return text(kMissing);
  return {stale + " / " + checked, CellKind::kNumber, ""};
}

void add_perf_numbers(const Json& run, std::vector<Cell>& row) {
  for (const char* direction : {"read", "write"}) row.push_back(number(at(at(run, "iops"), direction), 1));
  for (const char* direction : {"read", "write"}) {
    row.push_back(number(at(at(at(run, "latency_us"), direction), "p99"), 1));
  }
  const auto& slab = at(at(at(run, "memory_kib"), "meminfo"), "Slab");
  row.push_back(number(at(slab, "peak_minus_baseline_kib"), 0));
}

void add_race_numbers(const Json& run, bool cuts, std::vector<Cell>& row) {
  row.push_back(stale_of_checked(run));
  row.push_back(number(at(at(run, "bypass_writes"), "total"), 0));
  row.push_back(number(at(run, "race_windows"), 0));
  row.push_back(number(at(run, "stale_inserts"), 0));
  if (!cuts) return;
  const auto after_cuts = stale_blocks_after_power_cuts(run);
  row.push_back(number(after_cuts ? Json(*after_cuts) : Json(), 0));
}

/// Each column's kind: the kind of its cells, text where they disagree or there are none.
void set_column_kinds(Table& table) {
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    std::optional<CellKind> kind;
    for (const auto& row : table.rows) {
      if (row[c].text == kMissing || row[c].text == kUnavailable) continue;
      kind = (!kind || *kind == row[c].kind) ? row[c].kind : CellKind::kText;
    }
    table.column_kinds.push_back(kind.value_or(CellKind::kText));
  }
}

}  // namespace

std::vector<std::pair<std::string, Cell>> report_facts(const Json& summary) {
  const auto& kernel = at(summary, "kernel");
  std::string kernel_text = text_of(at(kernel, "spec")).text;
  if (const auto& release = at(kernel, "release"); release.is_string()) {
    kernel_text += " (" + release.get<std::string>() + ")";
  }
  return {{"status", status_of(at(summary, "status"))},
          {"kernel", text(kernel_text)},
          {"accel", text_of(at(summary, "accel"))},
          {"seed", number(at(summary, "seed"), 0)}};
}

Table scenario_numbers(const ReportInput& input, const std::string& name, const Json& scenario) {
  const bool perf = at(scenario, "kind") == "perf";
  const auto& runs = at(scenario, "runs");
  const bool cuts = !perf && runs.is_array() && std::any_of(runs.begin(), runs.end(), made_power_cuts);
  Table table{"numbers-" + name, name, {"run", "seed", "status"}};
  if (perf) {
    table.columns.insert(table.columns.end(),
                         {"read IOPS", "write IOPS", "read p99 µs", "write p99 µs", "Slab growth KiB"});
  } else {
    table.columns.insert(table.columns.end(),
                         {"stale / checked blocks", "bypass writes", "race windows", "stale inserts"});
    if (cuts) table.columns.push_back("stale after power cuts");
  }
  table.columns.push_back("reason");
  for (std::size_t i = 0; runs.is_array() && i < runs.size(); ++i) {
    auto row = run_cells({name, i, runs[i]}, input.directory);
    row.erase(row.begin());  // the scenario: the table is the scenario's
    row.push_back(number(at(runs[i], "seed"), 0));
    row.push_back(status_of(at(runs[i], "status")));
    if (perf) {
      add_perf_numbers(runs[i], row);
    } else {
      add_race_numbers(runs[i], cuts, row);
    }
    row.push_back(text_of(at(runs[i], "reason")));
    table.rows.push_back(std::move(row));
  }
  set_column_kinds(table);
  return table;
}

std::vector<Table> report_tables(const ReportInput& input) {
  std::vector<Table> tables{runs_table(input)};
  for (auto table :
       {stale_explanations_table(input), latency_table(input), memory_table(input), counters_table(input)}) {
    if (!table.rows.empty()) tables.push_back(std::move(table));
  }
  for (auto table : {module_memory_table(input), memory_growth_table(input)}) {
    if (!table.rows.empty()) tables.push_back(std::move(table));
  }
  for (auto& table : tables) set_column_kinds(table);
  return tables;
}

}  // namespace bh::analysis
