#pragma once
/// The sparse image files a run's virtio cache and backing devices live in.

#include <filesystem>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "harness/bcache/bcache_settings.h"
#include "harness/vm/qemu_command.h"

namespace bh {

/// Serial numbers the guest finds the virtio disks by.
inline constexpr std::string_view kCacheSerial = "bh-cache";
inline constexpr std::string_view kBackingSerial = "bh-backing";

/// Creates the sparse cache and backing image files for virtio devices in `dir`.
Expected<std::vector<VirtioDisk>> create_virtio_images(const BcacheSettings& settings,
                                                       const std::filesystem::path& dir);

/// Checks that the disk images are there with the sizes `settings` gave them (what a power
/// cut must leave); the error names the image and what is wrong with it.
Expected<void> check_virtio_images(const BcacheSettings& settings, const std::vector<VirtioDisk>& disks);

/// Removes the disk images create_virtio_images (and RunDisks, for host loop devices) made
/// in `dir` (missing ones are fine).
void remove_virtio_images(const std::filesystem::path& dir);

}  // namespace bh
