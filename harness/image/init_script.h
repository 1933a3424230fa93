#pragma once
/// The guest's /init, compiled in from harness/image/init.sh.

#include <string_view>

namespace bh::image {

/// The text of harness/image/init.sh as it was when the harness was built.
std::string_view init_script_text();

}  // namespace bh::image
