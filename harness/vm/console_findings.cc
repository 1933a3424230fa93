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

std::optional<std::string> emulator_fault(std::string_view console) {
  const auto lines = split_lines(console);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("Oops: int3") == std::string_view::npos) continue;
    for (std::size_t j = i + 1; j < lines.size() && j < i + 12; ++j) {
      const auto code = lines[j].find("Code: ");
      if (code == std::string_view::npos) continue;
      const auto bytes = split_words(lines[j].substr(code + 6));
      for (std::size_t k = 1; k < bytes.size(); ++k) {
        if (!bytes[k].starts_with('<')) continue;
        if (bytes[k - 1] == "cc") return std::nullopt;  // the breakpoint is really there
        return "the emulator trapped on a breakpoint the kernel had already removed (" + std::string(trim(lines[i])) +
               "; the byte before the trap address is " + std::string(bytes[k - 1]) +
               ", not cc): multi-threaded TCG ran stale code while the kernel patched itself, a QEMU fault, not "
               "the kernel's";
      }
      break;
    }
  }
  return std::nullopt;
}

}  // namespace bh
