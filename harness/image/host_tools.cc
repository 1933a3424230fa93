#include "harness/image/host_tools.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>

namespace bh::image {
namespace fs = std::filesystem;

std::vector<fs::path> default_tool_search_dirs() {
  std::vector<fs::path> dirs;
  auto add = [&](const fs::path& dir) {
    if (!dir.empty() && std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) {
      dirs.push_back(dir);
    }
  };
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "";
  while (!rest.empty()) {
    const auto colon = std::min(rest.find(':'), rest.size());
    add(fs::path(rest.substr(0, colon)));
    rest.remove_prefix(std::min(colon + 1, rest.size()));
  }
  add("/usr/sbin");
  add("/sbin");
  return dirs;
}

std::string debian_package_for(std::string_view tool) {
  static const std::map<std::string, std::string, std::less<>> kPackages = {{"fio", "fio"},
                                                                            {"make-bcache", "bcache-tools"},
                                                                            {"bcache-super-show", "bcache-tools"},
                                                                            {"dmsetup", "dmsetup"},
                                                                            {"busybox", "busybox-static"}};
  const auto found = kPackages.find(tool);
  return found == kPackages.end() ? std::string(tool) : found->second;
}

Expected<fs::path> find_host_tool(std::string_view tool, const std::vector<fs::path>& search_dirs) {
  std::string tried;
  for (const auto& dir : search_dirs) {
    const auto candidate = dir / tool;
    std::error_code error;
    if (fs::is_regular_file(candidate, error) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    tried += (tried.empty() ? "" : ":") + dir.string();
  }
  return fail("host tool " + std::string(tool) + " not found (install the Debian package " + debian_package_for(tool) +
              "; searched " + tried + ")");
}

}  // namespace bh::image
