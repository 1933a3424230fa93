#include "harness/vm/console_findings.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

#include "base/strings.h"

namespace bh {
namespace {

struct Marker {
  std::string_view text;
  std::string_view kind;
  bool stall = false;
};

/// What the kernel prints when something is wrong, most specific first (the first marker a
/// line holds names it): lib/bug.c, kernel/panic.c, arch/x86/kernel/dumpstack.c, lib/ubsan.c,
/// mm/kasan/report.c ("BUG: KASAN: ..."), kernel/rcu/tree_stall.h, kernel/watchdog.c,
/// kernel/watchdog_hld.c, kernel/hung_task.c. "WARNING: CPU:" is a WARN_ON splat; lockdep
/// reports also start with "WARNING:".
constexpr std::array kMarkers = {
    Marker{"BUG: soft lockup", "soft lockup", true},
    Marker{"hard LOCKUP", "hard lockup", true},
    Marker{"self-detected stall", "RCU stall", true},
    Marker{"detected stalls on CPUs", "RCU stall", true},
    Marker{"blocked for more than", "hung task", true},
    Marker{"BUG: KASAN:", "KASAN"},
    Marker{"UBSAN:", "UBSAN"},
    Marker{"Oops:", "oops"},
    Marker{"BUG:", "BUG"},
    Marker{"kernel BUG at", "BUG"},
    Marker{"WARNING:", "WARNING"},
    Marker{"Kernel panic", "panic"},
    Marker{"general protection fault", "oops"},
};

/// bcache's own error reports (drivers/md/bcache, pr_fmt "bcache: %s() "): "bcache:
/// bch_cache_set_error() error on UUID: ...", "bcache: bch_count_io_errors() vda: IO error
/// on vda", "bcache: register_bcache() error /dev/vdb: ...".
bool is_bcache_error(std::string_view line) {
  const auto prefix = line.find("bcache: ");
  if (prefix == std::string_view::npos) return false;
  std::string rest(line.substr(prefix));
  std::transform(rest.begin(), rest.end(), rest.begin(), [](unsigned char c) { return std::tolower(c); });
  return rest.find("error") != std::string::npos;
}

/// The finding `line` reports, if any.
std::optional<ConsoleFinding> finding_on(std::string_view line) {
  for (const auto& marker : kMarkers) {
    if (line.find(marker.text) != std::string_view::npos)
      return ConsoleFinding{std::string(marker.kind), std::string(trim_end(line)), marker.stall};
  }
  if (is_bcache_error(line)) return ConsoleFinding{"bcache error", std::string(trim_end(line)), false};
  return std::nullopt;
}

}  // namespace

std::vector<ConsoleFinding> scan_console(std::string_view console) {
  std::vector<ConsoleFinding> findings;
  for (const auto line : split_lines(console)) {
    if (auto finding = finding_on(line)) findings.push_back(std::move(*finding));
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
