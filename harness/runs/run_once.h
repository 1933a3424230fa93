#pragma once
/// The signature of one run: what `run`, `compare` and `nightly` call once per seed.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "harness/results/run_result.h"
#include "harness/runs/run_events.h"
#include "harness/scenario/scenario.h"
#include "harness/vm/guest_preparation.h"

namespace bh {

/// One run of one scenario with one seed in `run_dir`; `position` is where it stands, and
/// `used_accel` receives the accelerator of its boot.
using RunOnce =
    std::function<RunResult(const Scenario& scenario, const PreparedGuest& guest, std::uint64_t seed,
                            const std::filesystem::path& run_dir, ProgressPosition position, std::string& used_accel)>;

}  // namespace bh
