#pragma once
/// One run of one scenario with one seed, in a fresh guest: provision bcache, fill the region
/// with generation 1, race a generation-2 bypass writer against random readers, read every
/// block back through /dev/bcache0 and from the backing device, classify, power off.
///
/// Findings about the kernel (stale blocks, lost writes, torn blocks, oopses) make the run
/// FAIL; anything that stops the harness from proving its workload happened is an ERROR,
/// never a PASS.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "harness/core/accel.h"
#include "harness/core/guest_preparation.h"
#include "harness/core/guest_session.h"
#include "harness/core/power_cut_run.h"
#include "harness/core/run_summary.h"
#include "harness/core/scenario.h"

namespace bh {

/// The verify_pattern fio writes for a generation: "BHG" and the generation byte.
std::string generation_pattern(unsigned generation);

/// The environment fio's ${VAR}s read in the scenario job files (see jobs/race.fio).
std::map<std::string, std::string> job_environment(const Scenario& scenario, std::uint64_t seed,
                                                   unsigned generation);

/// How a race run reports progress ("fill", "race", "verify").
using PhaseCallback = std::function<void(const std::string& phase)>;

/// Everything one run needs.
struct RaceRunContext {
  const Scenario& scenario;
  const PreparedGuest& guest;
  std::filesystem::path run_dir;  ///< created by the caller; images, logs, fio output go here
  std::uint64_t seed = 0;
  BootOptions boot;
  AccelEnvironment& accel_environment;
  PhaseCallback on_phase = [](const std::string&) {};
  /// Cuts made after the run-time race (none by default).
  PowerCutOptions power_cuts = {};
  /// Called between each cut and its reboot (tests stand in for damage with it).
  AfterCutHook after_cut = {};
};

/// Runs the scenario once, then its power cuts (each on fresh images, see power_cut_run.h)
/// when the run-time race itself ran; the result is PASS, FAIL, ERROR or SKIP with its
/// reason, counts, timings and power_cuts. `used_accel` receives the accelerator of the boot (empty if none).
RunResult run_race_once(const RaceRunContext& context, std::string& used_accel);

}  // namespace bh
