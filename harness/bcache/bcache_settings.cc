#include "harness/bcache/bcache_settings.h"

#include <charconv>
#include <cmath>
#include <functional>

namespace bh {
namespace {

using Setter = std::function<Expected<void>(BcacheSettings&, std::string_view)>;

Expected<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return fail("'" + std::string(text) + "' is not a whole number");
  }
  return value;
}

Setter size_into(std::uint64_t BcacheSettings::*field) {
  return [field](BcacheSettings& s, std::string_view v) -> Expected<void> {
    auto bytes = parse_size(v);
    if (!bytes) return bytes.error();
    s.*field = bytes.value();
    return outcome::success();
  };
}

Setter optional_into(std::optional<std::uint64_t> BcacheSettings::*field, bool is_size) {
  return [field, is_size](BcacheSettings& s, std::string_view v) -> Expected<void> {
    auto value = is_size ? parse_size(v) : parse_count(v);
    if (!value) return value.error();
    s.*field = value.value();
    return outcome::success();
  };
}

Expected<void> set_devices(BcacheSettings& s, std::string_view v) {
  if (v == "virtio")
    s.devices = DeviceKind::kVirtio;
  else if (v == "loop")
    s.devices = DeviceKind::kLoop;
  else if (v == "host-loop")
    s.devices = DeviceKind::kHostLoop;
  else if (v == "host")
    s.devices = DeviceKind::kHost;
  else
    return fail("'" + std::string(v) + "' is not one of virtio|loop|host-loop|host");
  return outcome::success();
}

Setter path_into(std::string BcacheSettings::*field) {
  return [field](BcacheSettings& s, std::string_view v) -> Expected<void> {
    if (!v.starts_with("/")) return fail("'" + std::string(v) + "' is not an absolute device path like /dev/sdb");
    s.*field = std::string(v);
    return outcome::success();
  };
}

Expected<void> set_image_cache(BcacheSettings& s, std::string_view v) {
  if (v != "writeback" && v != "none") return fail("'" + std::string(v) + "' is not one of writeback|none");
  s.image_cache = std::string(v);
  return outcome::success();
}

Expected<void> add_destroy_data(BcacheSettings& s, std::string_view v) {
  if (!v.starts_with("/")) return fail("'" + std::string(v) + "' is not an absolute device path like /dev/sdb");
  s.destroy_data.emplace_back(v);
  return outcome::success();
}

Expected<void> set_cache_mode(BcacheSettings& s, std::string_view v) {
  for (auto mode : {CacheMode::kWritethrough, CacheMode::kWriteback, CacheMode::kWritearound, CacheMode::kNone}) {
    if (v == cache_mode_name(mode)) {
      s.cache_mode = mode;
      return outcome::success();
    }
  }
  return fail("'" + std::string(v) + "' is not one of writethrough|writeback|writearound|none");
}

struct KeyEntry {
  SettingKey key;
  Setter set;
};

const std::vector<KeyEntry>& key_entries() {
  static const std::vector<KeyEntry> entries = {
      {{"devices", "virtio|loop|host-loop|host", "virtio",
        "cache and backing devices: image files (virtio), guest loop devices, host loop devices over files in the "
        "run directory, or the host devices cache_dev and backing_dev"},
       set_devices},
      {{"image_cache", "writeback|none", "writeback (perf scenarios: none)",
        "devices=virtio: QEMU's cache mode for the image files (none: O_DIRECT, no host page cache under the disks)"},
       set_image_cache},
      {{"cache_dev", "path", "none", "devices=host: the host block device bcache caches on (wiped)"},
       path_into(&BcacheSettings::cache_dev)},
      {{"backing_dev", "path", "none", "devices=host: the host block device bcache caches (wiped)"},
       path_into(&BcacheSettings::backing_dev)},
      {{"destroy_data", "path", "none",
        "a host device (cache_dev or backing_dev) whose signatures may be overwritten; repeat per device"},
       add_destroy_data},
      {{"cache_size", "size", "256M", "size of the cache device"}, size_into(&BcacheSettings::cache_bytes)},
      {{"backing_size", "size", "1G", "size of the backing device"}, size_into(&BcacheSettings::backing_bytes)},
      {{"bucket_size", "size", "64k", "make-bcache --bucket; the cache needs >= 128 buckets"},
       size_into(&BcacheSettings::bucket_bytes)},
      {{"block_size", "size", "4k", "make-bcache --block"}, size_into(&BcacheSettings::block_bytes)},
      {{"cache_mode", "writethrough|writeback|writearound|none", "writethrough", "bcache cache_mode"}, set_cache_mode},
      {{"sequential_cutoff", "size", "kernel default (4M)", "bypass sequential I/O larger than this"},
       optional_into(&BcacheSettings::sequential_cutoff_bytes, true)},
      {{"congested_read_threshold_us", "count", "kernel default",
        "congestion bypass: cache reads slower than this count as congestion (0: not measured; both 0: congestion "
        "bypass off)"},
       optional_into(&BcacheSettings::congested_read_threshold_us, false)},
      {{"congested_write_threshold_us", "count", "kernel default",
        "congestion bypass: cache writes slower than this count as congestion (0: not measured)"},
       optional_into(&BcacheSettings::congested_write_threshold_us, false)},
      {{"readahead", "size", "kernel default", "bcache readahead on cache misses"},
       optional_into(&BcacheSettings::readahead_bytes, true)},
      {{"delay_read_ms", "count", "none", "dm-delay read delay under the backing device"},
       optional_into(&BcacheSettings::delay_read_ms, false)},
      {{"delay_write_ms", "count", "none", "dm-delay write delay under the backing device (the race amplifier)"},
       optional_into(&BcacheSettings::delay_write_ms, false)},
  };
  return entries;
}

}  // namespace

std::string device_kind_name(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::kVirtio: return "virtio";
    case DeviceKind::kLoop: return "loop";
    case DeviceKind::kHostLoop: return "host-loop";
    case DeviceKind::kHost: return "host";
  }
  return "?";
}

std::string cache_mode_name(CacheMode mode) {
  switch (mode) {
    case CacheMode::kWritethrough: return "writethrough";
    case CacheMode::kWriteback: return "writeback";
    case CacheMode::kWritearound: return "writearound";
    case CacheMode::kNone: return "none";
  }
  return "?";
}

const std::vector<SettingKey>& setting_keys() {
  static const std::vector<SettingKey> keys = [] {
    std::vector<SettingKey> result;
    for (const auto& entry : key_entries()) result.push_back(entry.key);
    return result;
  }();
  return keys;
}

Expected<void> apply_setting(BcacheSettings& settings, std::string_view key, std::string_view value) {
  for (const auto& entry : key_entries()) {
    if (entry.key.name != key) continue;
    auto applied = entry.set(settings, value);
    if (!applied) return fail(std::string(key) + ": " + applied.error().message);
    return outcome::success();
  }
  std::string known;
  for (const auto& entry : key_entries()) known += (known.empty() ? "" : ", ") + std::string(entry.key.name);
  return fail("unknown setting '" + std::string(key) + "' (known: " + known + ")");
}

Expected<void> apply_setting_assignment(BcacheSettings& settings, std::string_view assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string_view::npos) {
    return fail("--set '" + std::string(assignment) + "': expected KEY=VALUE");
  }
  return apply_setting(settings, assignment.substr(0, equals), assignment.substr(equals + 1));
}

Expected<void> validate(const BcacheSettings& s) {
  if (s.bucket_bytes == 0 || s.cache_bytes / s.bucket_bytes < 128) {
    return fail("cache_size " + std::to_string(s.cache_bytes) + " with bucket_size " + std::to_string(s.bucket_bytes) +
                " gives fewer than 128 buckets; bcache refuses "
                "such a cache: use a smaller bucket_size or a larger cache_size");
  }
  for (auto [name, bytes] : {std::pair{"cache_size", s.cache_bytes}, std::pair{"backing_size", s.backing_bytes}}) {
    if (bytes % 4096 != 0 || bytes < (16u << 20)) {
      return fail(std::string(name) + " must be a multiple of 4 KiB and at least 16M");
    }
  }
  if (s.block_bytes < 512 || (s.block_bytes & (s.block_bytes - 1)) != 0) {
    return fail("block_size must be a power of two >= 512");
  }
  const bool named = !s.cache_dev.empty() || !s.backing_dev.empty();
  if (s.devices == DeviceKind::kHost && (s.cache_dev.empty() || s.backing_dev.empty())) {
    return fail("devices=host needs both cache_dev and backing_dev (--cache-dev DEV --backing-dev DEV)");
  }
  if (s.devices != DeviceKind::kHost && named) return fail("cache_dev and backing_dev need devices=host");
  if (s.devices == DeviceKind::kHost && s.cache_dev == s.backing_dev) {
    return fail("cache_dev and backing_dev are the same device " + s.cache_dev);
  }
  return outcome::success();
}

Expected<std::uint64_t> parse_size(std::string_view text) {
  if (text.empty()) return fail("empty size");
  std::uint64_t multiplier = 1;
  switch (text.back()) {
    case 'k':
    case 'K': multiplier = 1ull << 10; break;
    case 'm':
    case 'M': multiplier = 1ull << 20; break;
    case 'g':
    case 'G': multiplier = 1ull << 30; break;
    case 't':
    case 'T': multiplier = 1ull << 40; break;
    default: break;
  }
  const auto digits = multiplier == 1 ? text : text.substr(0, text.size() - 1);
  auto number = parse_count(digits);
  if (!number) return fail("'" + std::string(text) + "' is not a size (bytes, or a number with k, M, G or T)");
  return number.value() * multiplier;
}

Expected<double> parse_bcache_hprint(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  static constexpr std::string_view kUnits = "kMGTPEZY";
  double multiplier = 1;
  if (!text.empty()) {
    if (auto unit = kUnits.find(text.back()); unit != std::string_view::npos) {
      multiplier = std::pow(1024.0, static_cast<double>(unit + 1));
      text.remove_suffix(1);
    }
  }
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return fail("'" + std::string(text) + "' is not a bcache size");
  }
  return value * multiplier;
}

}  // namespace bh
