#include "harness/vm/console_findings.h"

#include <array>
#include <sstream>

#include "base/strings.h"

namespace bh {
namespace {

struct Marker {
  std::string_view text;
  std::string_view kind;
};

/// What the kernel prints when something is wrong (lib/bug.c, kernel/panic.c, arch/x86/kernel/dumpstack.c,
/// kernel/hung_task.c). "WARNING: CPU:" is a WARN_ON splat; lockdep and KASAN reports also
/// start with "WARNING:" or "BUG:".
constexpr std::array kMarkers = {
    Marker{"Oops:", "oops"},
    Marker{"BUG:", "BUG"},
    Marker{"kernel BUG at", "BUG"},
    Marker{"WARNING:", "WARNING"},
    Marker{"Kernel panic", "panic"},
    Marker{"blocked for more than", "hung task"},
    Marker{"general protection fault", "oops"},
};

}  // namespace

std::vector<ConsoleFinding> scan_console(std::string_view console) {
  std::vector<ConsoleFinding> findings;
  std::size_t start = 0;
  while (start < console.size()) {
    std::size_t end = console.find('\n', start);
    if (end == std::string_view::npos) end = console.size();
    const std::string_view line = console.substr(start, end - start);
    for (const auto& marker : kMarkers) {
      if (line.find(marker.text) != std::string_view::npos) {
        findings.push_back({std::string(marker.kind), std::string(trim_end(line))});
        break;
      }
    }
    start = end + 1;
  }
  return findings;
}

}  // namespace bh
