#include "util/trace.h"

#include <cstdlib>
#include <string_view>

namespace bh {

bool tracing_enabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("BH_TRACE");
    return value != nullptr && std::string_view(value) != "" && std::string_view(value) != "0";
  }();
  return enabled;
}

}  // namespace bh
