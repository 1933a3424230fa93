#pragma once
/// Finding the host programs the guest image carries (fio, bcache-tools, dmsetup, busybox).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh::image {

/// The directories searched for host tools: $PATH, then /usr/sbin and /sbin (which a
/// normal user's PATH often lacks), without duplicates.
std::vector<std::filesystem::path> default_tool_search_dirs();

/// The Debian package that provides `tool` ("make-bcache" -> "bcache-tools"); the tool's
/// own name when unknown.
std::string debian_package_for(std::string_view tool);

/// The first executable regular file (symlinks followed) named `tool` in `search_dirs`;
/// otherwise an error naming the tool, the package to install and the directories tried.
Expected<std::filesystem::path> find_host_tool(std::string_view tool,
                                               const std::vector<std::filesystem::path>& search_dirs);

}  // namespace bh::image
