#pragma once
/// Power cuts inside the race window, and what bcache serves after the reboot.
///
/// Each cut is a cycle of its own on fresh disk images: boot, provision, fill generation 1,
/// race generation 2 with a cut armed in the guest's fio (vm/agent/fio_cut.h), cut the
/// power (kill QEMU, or sysrq-b in the guest), boot a fresh guest on the images the cut
/// left, re-register bcache (it replays its journal), read the region back and classify it
/// against the writes fio's saved verify state proves acknowledged.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/base/expected.h"
#include "harness/core/guest_session.h"
#include "harness/core/run_summary.h"

namespace bh {

struct RaceRunContext;

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
  unsigned cuts = 0;          ///< cuts inside the race phase
  bool after_race = false;    ///< plus one right after the writer finished, before any shutdown
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

/// The run's cuts, each a JSON object: index, at_s (seconds into the race's fio when the
/// cut was triggered), method, after_race, acknowledged_writes, in_flight_writes,
/// stale_blocks_after_power_cut, torn_blocks, lost_writes, registered, journal_replay
/// (bcache's replay line from the console), status, reason, dir, timing_s, verification.
/// `race_s` and `writer_io_size` come from the run's own race (where the cuts go, and the
/// writer's I/O size).
std::vector<nlohmann::json> run_power_cuts(const RaceRunContext& context, double race_s,
                                           std::uint64_t writer_io_size);

/// Folds the cuts into the run: a FAILed cut fails it, an ERRORed cut makes a passing run
/// an ERROR; the reasons name the cut.
void judge_power_cuts(const std::vector<nlohmann::json>& cuts, RunResult& result);

}  // namespace bh
