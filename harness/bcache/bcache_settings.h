#pragma once
/// The bcache and device settings a run provisions, and the one table of their keys.
///
/// Every key's name, type, default and help live in kSettingKeys; the CLI's --set, scenario
/// files and the documentation all read that table.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh {

/// Where the cache and backing devices come from.
enum class DeviceKind {
  kVirtio,    ///< sparse raw image files in the run directory, virtio-blk in the guest
  kLoop,      ///< loop devices inside the guest over files in the guest's tmpfs
  kHostLoop,  ///< host loop devices over sparse files in the run directory, as raw virtio disks
  kHost       ///< the host block devices cache_dev and backing_dev, as raw virtio disks
};

/// "virtio", "loop", "host-loop" or "host".
std::string device_kind_name(DeviceKind kind);

/// True for the kinds the guest sees as virtio disks (all but guest loop devices).
inline bool uses_virtio_disks(DeviceKind kind) { return kind != DeviceKind::kLoop; }

/// True for the kinds that put host block devices under the guest (cache=none, native AIO).
inline bool uses_host_devices(DeviceKind kind) { return kind == DeviceKind::kHostLoop || kind == DeviceKind::kHost; }

/// bcache's cache_mode values.
enum class CacheMode { kWritethrough, kWriteback, kWritearound, kNone };

std::string cache_mode_name(CacheMode mode);

/// What to provision. Unset optionals leave the kernel's default in place (still read back
/// and recorded).
struct BcacheSettings {
  DeviceKind devices = DeviceKind::kVirtio;
  std::uint64_t cache_bytes = 256ull << 20;
  std::uint64_t backing_bytes = 1ull << 30;
  std::uint64_t bucket_bytes = 64ull << 10;
  std::uint64_t block_bytes = 4096;
  CacheMode cache_mode = CacheMode::kWritethrough;
  std::optional<std::uint64_t> sequential_cutoff_bytes;
  std::optional<std::uint64_t> congested_read_threshold_us;
  std::optional<std::uint64_t> congested_write_threshold_us;
  std::optional<std::uint64_t> readahead_bytes;
  std::optional<std::uint64_t> delay_read_ms;   ///< dm-delay under the backing device
  std::optional<std::uint64_t> delay_write_ms;  ///< (either non-zero: the layer is added)
  /// devices=virtio: QEMU's cache mode for the image files, "writeback" (through the host's
  /// page cache) or "none" (O_DIRECT; perf scenarios' default, so host caching stays out of
  /// their numbers).
  std::string image_cache = "writeback";
  std::string cache_dev;    ///< devices=host: the host's cache device
  std::string backing_dev;  ///< devices=host: the host's backing device
  /// Host devices whose signatures the user allows to be overwritten (--destroy-data).
  std::vector<std::string> destroy_data;

  /// True when a dm-delay layer goes under the backing device (some delay is not zero).
  bool has_delay() const { return delay_read_ms.value_or(0) > 0 || delay_write_ms.value_or(0) > 0; }
};

/// One settable key.
struct SettingKey {
  std::string_view name;
  std::string_view type;  ///< "size" (bytes, k/M/G suffixes), "count", or "a|b|c" choices
  std::string_view default_text;
  std::string_view help;
};

/// Every key, in documentation order.
const std::vector<SettingKey>& setting_keys();

/// Sets `key` from its text form; the error names the key, the value and what is allowed.
Expected<void> apply_setting(BcacheSettings& settings, std::string_view key, std::string_view value);

/// Applies "key=value" (the CLI's --set form).
Expected<void> apply_setting_assignment(BcacheSettings& settings, std::string_view assignment);

/// Checks the settings hang together (e.g. a cache needs >= 128 buckets).
Expected<void> validate(const BcacheSettings& settings);

/// Parses "4096", "64k", "256M", "1G" (powers of 1024) into bytes.
Expected<std::uint64_t> parse_size(std::string_view text);

/// Parses bcache's sysfs human-readable sizes ("64.0k", "4.0M", "512") into bytes.
Expected<double> parse_bcache_hprint(std::string_view text);

}  // namespace bh
