#include "analysis/fio_json.h"

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
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"' && depth > 0) in_string = true;
    else if (c == '{' && depth++ == 0) start = i;
    else if (c == '}' && depth > 0 && --depth == 0) objects.push_back(text.substr(start, i - start + 1));
  }
  return objects;
}

FioDirection direction_from(const Json& j) {
  if (!j.is_object()) return {};
  return FioDirection{j.value("total_ios", std::uint64_t{0}), j.value("io_bytes", std::uint64_t{0}),
                      j.value("iops", 0.0), j.value("bw_bytes", std::uint64_t{0}),
                      j.value("runtime", std::uint64_t{0})};
}

}  // namespace

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
  return fail("no fio JSON result in the output (starts with: '" +
              std::string(text.substr(0, 80)) + "')");
}

}  // namespace bh::analysis
