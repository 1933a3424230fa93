#include "harness/history/night_import.h"

#include <system_error>

#include "util/files.h"
#include "util/json_file.h"

namespace bh {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kNightlySchema = 1;
constexpr int kSummarySchema = 1;

/// object[key] as a string, "" where it is missing or null; an error where it is anything else.
Expected<std::string> optional_string(const json& object, const char* key, const std::string& context) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return fail(context + "\"" + key + "\" is not a string");
  return it->get<std::string>();
}

/// object[key] as a non-empty string, else an error naming the key.
Expected<std::string> required_string(const json& object, const char* key, const std::string& context) {
  auto value = optional_string(object, key, context);
  if (value && value.value().empty()) return fail(context + "no \"" + key + "\"");
  return value;
}

/// An error unless object["schema"] is `known` (a missing schema is taken as `known`).
Expected<void> check_schema(const json& object, int known, const std::string& context) {
  const auto it = object.find("schema");
  if (it == object.end() || (it->is_number_integer() && it->get<int>() == known)) return outcome::success();
  return fail(context + "schema " + it->dump() + " is not " + std::to_string(known) + ", the one this build reads");
}

std::string string_or_empty(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t seed_or(const json& object, std::uint64_t fallback) {
  const auto it = object.find("seed");
  if (it == object.end()) return fallback;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0) return it->get<std::uint64_t>();
  return fallback;
}

/// The run fields that come from the summary rather than the run.
RunRecord summary_template(const json& summary, const std::string& night, const std::string& kernel_name) {
  RunRecord record;
  record.night = night;
  record.kernel_name = kernel_name;
  const auto kernel = summary.find("kernel");
  if (kernel != summary.end() && kernel->is_object()) {
    record.kernel_spec = string_or_empty(*kernel, "spec");
    record.kernel_release = string_or_empty(*kernel, "release");
  }
  record.seed = seed_or(summary, 0);
  const auto provenance = summary.find("provenance");
  if (provenance != summary.end() && provenance->is_object()) record.provenance = *provenance;
  return record;
}

Expected<RunRecord> run_record(const json& run, RunRecord record, int index, const std::string& context) {
  if (!run.is_object()) return fail(context + "not an object");
  auto status = required_string(run, "status", context);
  if (!status) return status.error();
  record.status = std::move(status).value();
  record.run_index = index + 1;
  record.seed = seed_or(run, record.seed);
  record.run = run;
  return record;
}

Expected<void> append_scenario(const json& scenario, const RunRecord& base, const std::string& context,
                               std::vector<RunRecord>& records) {
  const std::string here = context + ": ";
  if (!scenario.is_object()) return fail(here + "not an object");
  auto name = required_string(scenario, "name", here);
  if (!name) return name.error();
  auto kind = optional_string(scenario, "kind", here);
  if (!kind) return kind.error();
  const auto runs = scenario.find("runs");
  if (runs == scenario.end() || !runs->is_array()) return fail(here + "no \"runs\" array");
  RunRecord record = base;
  record.scenario = name.value();
  record.kind = kind.value().empty() ? "race" : kind.value();  // summary.json's default kind
  for (std::size_t i = 0; i < runs->size(); ++i) {
    auto run = run_record((*runs)[i], record, static_cast<int>(i), context + ".runs[" + std::to_string(i) + "]: ");
    if (!run) return run.error();
    records.push_back(std::move(run).value());
  }
  return outcome::success();
}

struct KernelEntry {
  std::string name;
  fs::path dir;
};

Expected<std::vector<KernelEntry>> kernel_entries(const json& nightly, const std::string& context) {
  const auto kernels = nightly.find("kernels");
  if (kernels == nightly.end() || !kernels->is_array()) return fail(context + "no \"kernels\" array");
  std::vector<KernelEntry> entries;
  for (std::size_t i = 0; i < kernels->size(); ++i) {
    const auto& kernel = (*kernels)[i];
    const std::string where = context + "kernels[" + std::to_string(i) + "]: ";
    if (!kernel.is_object()) return fail(where + "not an object");
    auto name = required_string(kernel, "name", where);
    if (!name) return name.error();
    auto dir = optional_string(kernel, "dir", where);
    if (!dir) return dir.error();
    entries.push_back({name.value(), dir.value().empty() ? name.value() : dir.value()});
  }
  return entries;
}

/// Adds the runs of one kernel's summary.json, or notes the kernel missing when there is none.
Expected<void> add_kernel(const fs::path& dir, const KernelEntry& kernel, NightDirectory& night) {
  const fs::path path = dir / kernel.dir / "summary.json";
  std::error_code error;
  if (!fs::exists(path, error)) {
    night.kernels_missing.push_back(kernel.name);
    return outcome::success();
  }
  auto summary = read_json_file(path);
  if (!summary) return summary.error();
  auto runs = records_from_summary(summary.value(), night.night, kernel.name);
  if (!runs) return fail(path.string() + ": " + runs.error().message);
  night.runs.insert(night.runs.end(), runs.value().begin(), runs.value().end());
  return outcome::success();
}

}  // namespace

Expected<std::vector<RunRecord>> records_from_summary(const json& summary, const std::string& night,
                                                      const std::string& kernel_name) {
  if (!summary.is_object()) return fail("not a JSON object");
  if (auto schema = check_schema(summary, kSummarySchema, ""); !schema) return schema.error();
  const auto scenarios = summary.find("scenarios");
  if (scenarios == summary.end() || !scenarios->is_array()) return fail("no \"scenarios\" array");
  const RunRecord base = summary_template(summary, night, kernel_name);
  std::vector<RunRecord> records;
  for (std::size_t i = 0; i < scenarios->size(); ++i) {
    const std::string context = "scenarios[" + std::to_string(i) + "]";
    if (auto added = append_scenario((*scenarios)[i], base, context, records); !added) return added.error();
  }
  return records;
}

Expected<NightDirectory> read_night(const std::filesystem::path& dir) {
  const fs::path path = dir / "nightly.json";
  auto nightly = read_json_file(path);
  if (!nightly) return nightly.error();
  const std::string context = path.string() + ": ";
  if (!nightly.value().is_object()) return fail(context + "not a JSON object");
  if (auto schema = check_schema(nightly.value(), kNightlySchema, context); !schema) return schema.error();
  auto night_name = required_string(nightly.value(), "night", context);
  if (!night_name) return night_name.error();
  auto kernels = kernel_entries(nightly.value(), context);
  if (!kernels) return kernels.error();
  NightDirectory night{night_name.value(), {}, {}};
  for (const auto& kernel : kernels.value()) {
    if (auto added = add_kernel(dir, kernel, night); !added) return added.error();
  }
  return night;
}

Expected<std::vector<RunRecord>> read_night_directory(const std::filesystem::path& dir) {
  auto night = read_night(dir);
  if (!night) return night.error();
  return std::move(night).value().runs;
}

Expected<ImportCounts> import_nights(HistoryDb& db, const std::vector<std::filesystem::path>& dirs) {
  std::vector<NightDirectory> nights;
  for (const auto& dir : dirs) {
    auto night = read_night(dir);
    if (!night) return night.error();
    nights.push_back(std::move(night).value());
  }
  ImportCounts counts;
  for (std::size_t i = 0; i < nights.size(); ++i) {
    if (auto stored = db.record_all(nights[i].runs); !stored) {
      return fail("importing " + dirs[i].string() + ": " + stored.error().message);
    }
    counts.runs += nights[i].runs.size();
    counts.kernels_missing += nights[i].kernels_missing.size();
  }
  return counts;
}

Expected<std::size_t> import_night_directories(HistoryDb& db, const std::vector<std::filesystem::path>& dirs) {
  auto counts = import_nights(db, dirs);
  if (!counts) return counts.error();
  return counts.value().runs;
}

}  // namespace bh
