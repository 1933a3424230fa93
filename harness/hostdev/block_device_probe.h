#pragma once
/// Gathers a host block device's DeviceFacts: whether it is one, where it (or a partition of
/// it) is mounted or swapped on, what holds it, whether the root filesystem lives on its
/// disk, and its signatures (libblkid, probing as `wipefs -n` does). Reads only.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "harness/hostdev/device_safety.h"

namespace bh {

/// The facts of `path` on this host. Fails only when `path` cannot be examined at all (it
/// does not exist); "not a block device" is a fact, for check_wipe_safety to refuse.
Expected<DeviceFacts> probe_block_device(const std::string& path);

/// /proc/self/mountinfo's "MAJOR:MINOR" -> mount points.
std::map<std::string, std::vector<std::string>> parse_mountinfo(std::string_view text);

/// /proc/swaps' device and file paths (the header line left out).
std::vector<std::string> parse_swaps(std::string_view text);

}  // namespace bh
