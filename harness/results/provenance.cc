#include "harness/results/provenance.h"

#include <algorithm>
#include <ctime>

#include "base/strings.h"

namespace bh {

nlohmann::json to_json(const Provenance& provenance) {
  return {{"harness_version", provenance.harness_version},
          {"qemu_version", provenance.qemu_version},
          {"fio_version", provenance.fio_version},
          {"host_cpu", provenance.host_cpu},
          {"accel", provenance.accel},
          {"command_line", provenance.command_line},
          {"started_at", provenance.started_at}};
}

std::string parse_qemu_version(std::string_view output) {
  constexpr std::string_view kMarker = "QEMU emulator version ";
  for (auto line : split_lines(output)) {
    line = trim(line);
    if (line.starts_with(kMarker)) return std::string(trim(line.substr(kMarker.size())));
  }
  return "";
}

std::string parse_fio_version(std::string_view output) {
  for (auto line : split_lines(output)) {
    if (!trim(line).empty()) return std::string(trim(line));
  }
  return "";
}

std::string parse_cpu_model(std::string_view cpuinfo) {
  for (auto line : split_lines(cpuinfo)) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || trim(line.substr(0, colon)) != "model name") continue;
    return std::string(trim(line.substr(colon + 1)));
  }
  return "";
}

std::string iso8601_utc(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

namespace {

bool needs_quotes(const std::string& word) {
  return word.empty() || std::any_of(word.begin(), word.end(), [](char c) {
           return !(std::isalnum(static_cast<unsigned char>(c)) ||
                    std::string_view("@%+=:,./_-").find(c) != std::string_view::npos);
         });
}

std::string quoted(const std::string& word) {
  if (!needs_quotes(word)) return word;
  std::string text = "'";
  for (char c : word) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return text + "'";
}

}  // namespace

std::string shell_quoted(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& word : argv) line += (line.empty() ? "" : " ") + quoted(word);
  return line;
}

}  // namespace bh
