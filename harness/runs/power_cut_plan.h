#pragma once
/// What a run's power cuts are asked to be: how many, how the power is cut, where in the
/// race they land, and what the guest after a cut boots.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "harness/vm/guest_session.h"

namespace bh {

/// How the power is cut.
enum class CutMethod {
  kKill,   ///< QEMU is killed (SIGKILL): nothing in the guest runs after the cut
  kSysrqB  ///< the guest's kernel reboots at once without syncing (/proc/sysrq-trigger "b")
};

/// "kill" or "sysrq-b".
std::string cut_method_name(CutMethod method);

/// Parses "kill" or "sysrq-b"; the error names the value and the choices.
Expected<CutMethod> parse_cut_method(std::string_view text);

/// The cuts a run makes after its run-time race.
struct PowerCutOptions {
  unsigned cuts = 0;        ///< cuts inside the race phase
  bool after_race = false;  ///< plus one right after the writer finished, before any shutdown
  CutMethod method = CutMethod::kKill;

  bool any() const { return cuts > 0 || after_race; }
};

/// Where `cuts` cuts land in a race phase whose writer runs `race_s` seconds: one in each
/// of `cuts` equal slices of [10%, 90%] of it, at a point the seed chooses; ascending.
std::vector<double> cut_times_s(std::uint64_t seed, unsigned cuts, double race_s);

/// What the guest after a cut boots: the images the cut left and how to boot. A test hook
/// may change it to stand in for damage (a truncated image, a kernel that cannot boot).
struct RebootPlan {
  BootTarget target;
  BootOptions options;
};
using AfterCutHook = std::function<void(RebootPlan&)>;

}  // namespace bh
