#pragma once
/// One run of one scenario with one seed, in a fresh guest: provision bcache, fill the region
/// with generation 1, race a generation-2 bypass writer against random readers, read every
/// block back through /dev/bcache0 and from the backing device, classify, power off.
///
/// Findings about the kernel (stale blocks, lost writes, torn blocks, oopses) make the run
/// FAIL; anything that stops the harness from proving its workload happened is an ERROR,
/// never a PASS.

#include <string>

#include "harness/results/run_summary.h"
#include "harness/runs/run_context.h"

namespace bh {

/// Runs the scenario once, then its power cuts (each on fresh images, see power_cut_run.h)
/// when the run-time race itself ran; the result is PASS, FAIL, ERROR or SKIP with its
/// reason, counts, timings and power_cuts. `used_accel` receives the accelerator of the boot (empty if none).
RunResult run_race_once(const RunContext& context, std::string& used_accel);

}  // namespace bh
