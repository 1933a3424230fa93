#pragma once
/// Wipe safety: whether a host block device may be handed to a guest that will overwrite it.
/// The rules are pure (DeviceFacts in, a refusal or nothing out); block_device_probe.h
/// gathers the facts from the host (libblkid, /proc and /sys).

#include <cstdint>
#include <string>
#include <vector>

#include "base/expected.h"

namespace bh {

/// A signature found on a device, as `wipefs -n` lists it.
struct DeviceSignature {
  std::string type;          ///< e.g. "ext4", "swap", "bcache", "dos", "linux_raid_member"
  std::string usage;         ///< "filesystem", "raid", "partition table", "other" (libblkid's USAGE)
  std::uint64_t offset = 0;  ///< where its magic lies, in bytes
  std::string label;         ///< "" when none
  std::string uuid;          ///< "" when none
};

/// What the host says about one block device.
struct DeviceFacts {
  std::string path;  ///< as the user named it
  bool is_block_device = false;
  std::string kernel_name;                ///< e.g. "loop3", "nvme0n1p2"
  std::vector<std::string> mount_points;  ///< where it (or a partition of it) is mounted
  bool swap = false;                      ///< in /proc/swaps
  std::vector<std::string> holders;       ///< /sys/class/block/NAME/holders (dm, md, bcache...)
  bool on_root_disk = false;              ///< it is, or is part of, the disk / lives on
  std::vector<DeviceSignature> signatures;
};

/// The refusals that --destroy-data can never override: not a block device, mounted, swap,
/// held, or the root filesystem's disk. Signatures are refused unless `destroy_data` names
/// exactly this device. The error names the device and every reason, with the signatures
/// as `wipefs -n` would print them.
Expected<void> check_wipe_safety(const DeviceFacts& facts, bool destroy_data);

/// One line per signature: "ext4 at 0x438 (filesystem, LABEL=x, UUID=...)".
std::string describe_signatures(const std::vector<DeviceSignature>& signatures);

/// True when both paths name the same file once links are resolved (/dev/disk/by-id/x and
/// /dev/sdb); a path that cannot be resolved compares as written.
bool same_device(const std::string& a, const std::string& b);

/// Every --destroy-data must name a device the run uses (`devices`), compared by the
/// canonical path, so a typo cannot silently unlock nothing or the wrong disk.
Expected<void> check_destroy_data_targets(const std::vector<std::string>& destroy_data,
                                          const std::vector<std::string>& devices);

}  // namespace bh
