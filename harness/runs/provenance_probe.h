#pragma once
/// Collects the provenance of this invocation from the host: QEMU's and fio's versions (the
/// fio the guest image carries is the host's), the CPU model, the harness's own version.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/results/provenance.h"
#include "util/process_runner.h"

namespace bh {

/// The provenance of an invocation with `command_line` started at `started`: versions asked
/// of qemu-system-x86_64 and fio through `runner` ("" for one that does not answer), the CPU
/// model from `cpuinfo`. The accel is left for the summary to fill in.
Provenance collect_provenance(ProcessRunner& runner, const std::vector<std::string>& command_line,
                              std::chrono::system_clock::time_point started,
                              const std::filesystem::path& cpuinfo = "/proc/cpuinfo");

}  // namespace bh
