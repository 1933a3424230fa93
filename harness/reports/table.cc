#include "harness/reports/table.h"

#include <cctype>
#include <charconv>
#include <cmath>

namespace bh::analysis {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

std::string percent_encoded(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

/// The run's directory as a link relative to the report, or "" when it has none or it lies
/// outside the report's directory.
std::string run_link(const Json& run, const fs::path& directory) {
  const auto& run_dir = json_at(run, "run_dir");
  if (!run_dir.is_string()) return "";
  fs::path path = run_dir.get<std::string>();
  if (path.is_absolute()) {
    if (directory.empty()) return "";
    path = path.lexically_relative(directory);
  }
  path = path.lexically_normal();
  if (path.empty() || path == "." || *path.begin() == "..") return "";
  return percent_encoded(path.generic_string());
}

}  // namespace

std::vector<Cell> run_cells(const SummaryRun& ref, const fs::path& directory) {
  return {{ref.scenario, CellKind::kText, ""},
          {std::to_string(ref.index + 1), CellKind::kNumber, run_link(ref.run, directory)}};
}

std::string format_number(const Json& value, int decimals) {
  if (value.is_number_integer() && decimals == 0) return value.dump();
  if (!value.is_number() || !std::isfinite(value.get<double>())) return kMissing;
  char buffer[64];
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value.get<double>(), std::chars_format::fixed, decimals);
  return ec == std::errc() ? std::string(buffer, end) : kMissing;
}

}  // namespace bh::analysis
