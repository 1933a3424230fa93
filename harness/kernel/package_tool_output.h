#pragma once
/// Pure parsers for what Debian's package tools print (apt-cache, apt-get, dpkg-deb), kept
/// apart from running them so they can be tested on captured text.

#include <map>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh {

/// The kernel release a metapackage depends on, from `apt-cache depends METAPACKAGE`
/// ("  Depends: linux-image-6.1.0-56-amd64" gives "6.1.0-56-amd64"; an "-unsigned" package
/// suffix is dropped). Fails, naming the metapackage and quoting the output's last line, if
/// no such line exists.
Expected<std::string> parse_stock_release(std::string_view apt_cache_depends_output,
                                          std::string_view metapackage = "linux-image-amd64");

/// True if apt-get's output says the package does not exist (as opposed to a network or
/// permission failure).
bool apt_says_package_unknown(std::string_view apt_output);

/// The "Field: value" pairs dpkg-deb -f prints when asked for several fields.
std::map<std::string, std::string> parse_control_fields(std::string_view dpkg_deb_output);

/// The last non-empty line of a program's output, trimmed (for error messages).
std::string last_output_line(std::string_view output);

}  // namespace bh
