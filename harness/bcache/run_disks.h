#pragma once
/// The cache and backing devices of one run (or one power cut), as the guest gets them:
/// sparse image files (devices=virtio), host loop devices over sparse files
/// (devices=host-loop), the user's host block devices after the wipe-safety checks
/// (devices=host), or nothing (devices=loop: the guest makes its own). Host loop devices are
/// held for the object's lifetime and vanish after it (autoclear).

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "base/expected.h"
#include "harness/bcache/bcache_settings.h"
#include "harness/hostdev/host_loop.h"
#include "harness/vm/qemu_command.h"

namespace bh {

/// One run's disks.
class RunDisks {
 public:
  /// Creates the disks `settings.devices` asks for in `dir`. For devices=host, probes both
  /// devices and fails (naming the device and why) when check_wipe_safety refuses one.
  static Expected<RunDisks> create(const BcacheSettings& settings, const std::filesystem::path& dir);

  /// What QEMU attaches (empty for devices=loop).
  const std::vector<VirtioDisk>& disks() const { return disks_; }

  /// What a power cut must leave: every image file or device there, its size unchanged.
  Expected<void> check() const;

  /// Removes the image files (a PASSed run does not keep them); host devices stay as they are.
  void remove_images() const;

  /// summary.json's "disks": {"devices", "qemu_cache", "aio", "host_devices"?: [...],
  /// "direct_io"?: bool (host loop devices: whether the kernel uses direct I/O on the files),
  /// "qemu_cache_note"?: why image_cache=none could not be had}.
  nlohmann::json facts() const;

 private:
  DeviceKind kind_ = DeviceKind::kVirtio;
  std::filesystem::path dir_;
  std::vector<VirtioDisk> disks_;
  std::vector<std::uint64_t> sizes_;
  std::vector<HostLoopDevice> loops_;
  std::string cache_note_;

  /// Image files with QEMU's cache=none when asked and the filesystem allows O_DIRECT; else
  /// as they are, with cache_note_ saying why.
  void use_image_cache(const std::string& cache);
};

/// Refuses, before anything boots, host devices (devices=host) that are unsafe to wipe and
/// --destroy-data that names neither of them. The error names the device and every reason.
Expected<void> check_host_devices(const BcacheSettings& settings);

}  // namespace bh
