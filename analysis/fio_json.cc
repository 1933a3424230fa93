#include "analysis/fio_json.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace bh::analysis {
using Json = nlohmann::json;

namespace {

/// The outermost {...} objects in `text`, in order (strings and escapes respected).
std::vector<std::string_view> top_level_objects(std::string_view text) {
  std::vector<std::string_view> objects;
  int depth = 0;
  bool in_string = false, escaped = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"' && depth > 0)
      in_string = true;
    else if (c == '{' && depth++ == 0)
      start = i;
    else if (c == '}' && depth > 0 && --depth == 0)
      objects.push_back(text.substr(start, i - start + 1));
  }
  return objects;
}

/// fio's percentile keys ("99.900000") as numbers; keys that are not numbers are left out.
std::map<double, std::uint64_t> percentiles_from(const Json& j) {
  std::map<double, std::uint64_t> percentiles;
  if (!j.is_object()) return percentiles;
  for (const auto& [key, value] : j.items()) {
    double percentile = 0;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), percentile);
    if (error == std::errc() && end == key.data() + key.size() && value.is_number_unsigned())
      percentiles[percentile] = value.get<std::uint64_t>();
  }
  return percentiles;
}

/// An error naming the field of fio's JSON that is not what fio writes there.
auto wrong(const std::string& path, std::string_view what) {
  return fail("fio JSON: " + path + " is not " + std::string(what));
}

std::string path_of(const std::string& parent, std::string_view key) { return parent + "." + std::string(key); }

/// The non-negative integer `key` of `j`; 0 when absent.
Expected<std::uint64_t> count_at(const Json& j, std::string_view key, const std::string& path) {
  const auto it = j.find(key);
  if (it == j.end()) return std::uint64_t{0};
  if (!it->is_number_unsigned()) return wrong(path_of(path, key), "a non-negative integer");
  return it->get<std::uint64_t>();
}

/// The number `key` of `j`; 0 when absent.
Expected<double> number_at(const Json& j, std::string_view key, const std::string& path) {
  const auto it = j.find(key);
  if (it == j.end()) return 0.0;
  if (!it->is_number()) return wrong(path_of(path, key), "a number");
  return it->get<double>();
}

/// The object `key` of `j`; an empty one when absent.
Expected<Json> object_at(const Json& j, std::string_view key, const std::string& path) {
  const auto it = j.find(key);
  if (it == j.end()) return Json::object();
  if (!it->is_object()) return wrong(path_of(path, key), "an object");
  return *it;
}

Expected<FioLatency> latency_from(const Json& j, const std::string& path) {
  FioLatency latency;
  BOOST_OUTCOME_TRY(latency.samples, count_at(j, "N", path));
  BOOST_OUTCOME_TRY(latency.mean_ns, number_at(j, "mean", path));
  BOOST_OUTCOME_TRY(latency.min_ns, count_at(j, "min", path));
  BOOST_OUTCOME_TRY(latency.max_ns, count_at(j, "max", path));
  BOOST_OUTCOME_TRY(latency.stddev_ns, number_at(j, "stddev", path));
  latency.percentiles_ns = percentiles_from(j.value("percentile", Json()));
  return latency;
}

Expected<FioDirection> direction_from(const Json& j, const std::string& path) {
  FioDirection direction;
  BOOST_OUTCOME_TRY(direction.total_ios, count_at(j, "total_ios", path));
  BOOST_OUTCOME_TRY(direction.io_bytes, count_at(j, "io_bytes", path));
  BOOST_OUTCOME_TRY(direction.iops, number_at(j, "iops", path));
  BOOST_OUTCOME_TRY(direction.bw_bytes, count_at(j, "bw_bytes", path));
  BOOST_OUTCOME_TRY(direction.runtime_ms, count_at(j, "runtime", path));
  BOOST_OUTCOME_TRY(auto clat, object_at(j, "clat_ns", path));
  BOOST_OUTCOME_TRY(direction.clat, latency_from(clat, path_of(path, "clat_ns")));
  return direction;
}

Expected<FioJob> job_from(const Json& j, const std::string& path) {
  if (!j.is_object()) return wrong(path, "an object");
  FioJob job;
  const Json name = j.value("jobname", Json(""));
  if (!name.is_string()) return wrong(path_of(path, "jobname"), "a string");
  job.name = name.get<std::string>();
  const Json error = j.value("error", Json(0));
  if (!error.is_number_integer() || error.get<std::int64_t>() < 0 || error.get<std::int64_t>() > 0xffff)
    return wrong(path_of(path, "error"), "an errno");
  job.error = error.get<int>();
  for (const auto& [key, slot] : {std::pair{"read", &job.read}, std::pair{"write", &job.write}}) {
    BOOST_OUTCOME_TRY(auto direction, object_at(j, key, path));
    BOOST_OUTCOME_TRY(*slot, direction_from(direction, path_of(path, key)));
  }
  return job;
}

}  // namespace

std::optional<std::uint64_t> FioLatency::percentile_ns(double percentile) const {
  // fio prints "%f" of a double it parsed from its option string; compare with a tolerance
  // rather than trusting both sides to round to the same double.
  const auto it = percentiles_ns.lower_bound(percentile - 1e-6);
  if (it == percentiles_ns.end() || std::fabs(it->first - percentile) > 1e-6) return std::nullopt;
  return it->second;
}

std::uint64_t FioReport::total_ios() const {
  std::uint64_t total = 0;
  for (const auto& job : jobs) total += job.read.total_ios + job.write.total_ios;
  return total;
}

std::uint64_t FioReport::read_ios() const {
  std::uint64_t total = 0;
  for (const auto& job : jobs) total += job.read.total_ios;
  return total;
}

Expected<FioReport> parse_fio_json(std::string_view text) {
  const auto objects = top_level_objects(text);
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
    auto json = Json::parse(*it, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.contains("jobs")) continue;
    FioReport report;
    const Json version = json.value("fio version", Json(""));
    if (!version.is_string()) return wrong("'fio version'", "a string");
    report.fio_version = version.get<std::string>();
    if (!json["jobs"].is_array()) return wrong("jobs", "an array");
    for (const auto& job : json["jobs"]) {
      BOOST_OUTCOME_TRY(auto parsed, job_from(job, "jobs[" + std::to_string(report.jobs.size()) + "]"));
      report.jobs.push_back(std::move(parsed));
    }
    return report;
  }
  return fail("no fio JSON result in the output (starts with: '" + std::string(text.substr(0, 80)) + "')");
}

}  // namespace bh::analysis
