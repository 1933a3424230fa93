#pragma once
/// Power cuts inside the race window, and what bcache serves after the reboot.
///
/// Each cut is a cycle of its own on fresh disk images: boot, provision, fill generation 1,
/// race generation 2 with a cut armed in the guest's fio (guest/agent/fio_cut.h), cut the
/// power (kill QEMU, or sysrq-b in the guest), boot a fresh guest on the images the cut
/// left, re-register bcache (it replays its journal), read the region back and classify it
/// against the writes fio's saved verify state proves acknowledged.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "harness/results/run_summary.h"
#include "harness/runs/run_context.h"

namespace bh {

/// The run's cuts (see PowerCutResult). `race_s` and `writer_io_size` come from the run's
/// own race (where the cuts go, and the writer's I/O size).
std::vector<PowerCutResult> run_power_cuts(const RunContext& context, double race_s, std::uint64_t writer_io_size);

/// Folds the cuts into the run: a FAILed cut fails it, an ERRORed cut makes a passing run
/// an ERROR; the reasons name the cut.
void judge_power_cuts(const std::vector<PowerCutResult>& cuts, RunResult& result);

}  // namespace bh
