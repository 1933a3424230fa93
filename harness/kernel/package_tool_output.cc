#include "harness/kernel/package_tool_output.h"

#include <vector>

#include "base/strings.h"
#include "harness/kernel/kernel_spec.h"

namespace bh {
Expected<std::string> parse_stock_release(std::string_view output, std::string_view metapackage) {
  constexpr std::string_view kDepends = "Depends:";
  constexpr std::string_view kPrefix = "linux-image-";
  constexpr std::string_view kUnsigned = "-unsigned";
  for (auto line : split_lines(output)) {
    line = trim(line);
    if (line.starts_with('|')) line.remove_prefix(1);  // an alternative in an or-group
    if (!line.starts_with(kDepends)) continue;
    auto package = trim(line.substr(kDepends.size()));
    if (!package.starts_with(kPrefix)) continue;
    package.remove_prefix(kPrefix.size());
    if (package.ends_with(kUnsigned)) package.remove_suffix(kUnsigned.size());
    if (is_valid_kernel_release(package)) return std::string(package);
  }
  return fail("apt-cache depends " + std::string(metapackage) + " names no linux-image-RELEASE package (" +
              last_output_line(output) + "); run 'apt-get update'");
}

bool apt_says_package_unknown(std::string_view output) {
  for (const std::string_view marker :
       {"Unable to locate package", "Couldn't find any package", "has no installation candidate",
        "Can't select candidate version", "No packages found"}) {
    if (output.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

std::map<std::string, std::string> parse_control_fields(std::string_view output) {
  std::map<std::string, std::string> fields;
  for (const auto line : split_lines(output)) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || line.starts_with(' ')) continue;
    fields[std::string(line.substr(0, colon))] = std::string(trim(line.substr(colon + 1)));
  }
  return fields;
}

std::string last_output_line(std::string_view output) {
  const auto lines = split_lines(output);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (const auto line = trim(*it); !line.empty()) return std::string(line);
  }
  return "no output";
}

}  // namespace bh
