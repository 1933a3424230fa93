#pragma once
/// What one run of one scenario with one seed is given: the scenario, the prepared guest,
/// its run directory, the seed, how to boot, and its progress and power-cut options.
/// Race, control and perf runs all take a RunContext.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "harness/runs/power_cut_plan.h"
#include "harness/scenario/scenario.h"
#include "harness/vm/accel.h"
#include "harness/vm/guest_preparation.h"
#include "harness/vm/guest_session.h"

namespace bh {

/// The phase a perf run measures ("measure") and the one a race run measures ("race").
inline constexpr const char* kPerfMeasuredPhase = "measure";
inline constexpr const char* kRaceMeasuredPhase = "race";

/// How a run reports progress: the phase it entered ("fill", "race", "verify", "measure").
using PhaseCallback = std::function<void(const std::string& phase)>;

/// Everything one run of a scenario with one seed needs, whatever its kind.
struct RunContext {
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

}  // namespace bh
