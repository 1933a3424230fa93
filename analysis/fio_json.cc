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

FioLatency latency_from(const Json& j) {
  if (!j.is_object()) return {};
  return FioLatency{j.value("N", std::uint64_t{0}),   j.value("mean", 0.0),
                    j.value("min", std::uint64_t{0}), j.value("max", std::uint64_t{0}),
                    j.value("stddev", 0.0),           percentiles_from(j.value("percentile", Json()))};
}

FioDirection direction_from(const Json& j) {
  if (!j.is_object()) return {};
  return FioDirection{j.value("total_ios", std::uint64_t{0}),
                      j.value("io_bytes", std::uint64_t{0}),
                      j.value("iops", 0.0),
                      j.value("bw_bytes", std::uint64_t{0}),
                      j.value("runtime", std::uint64_t{0}),
                      latency_from(j.value("clat_ns", Json()))};
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

Expected<FioReport> parse_fio_json(std::string_view text) {
  const auto objects = top_level_objects(text);
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
    auto json = Json::parse(*it, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.contains("jobs")) continue;
    FioReport report;
    report.fio_version = json.value("fio version", "");
    for (const auto& job : json["jobs"]) {
      report.jobs.push_back(FioJob{job.value("jobname", ""), job.value("error", 0),
                                   direction_from(job.value("read", Json())),
                                   direction_from(job.value("write", Json()))});
    }
    return report;
  }
  return fail("no fio JSON result in the output (starts with: '" + std::string(text.substr(0, 80)) + "')");
}

}  // namespace bh::analysis
