#include "harness/bcache/run_disks.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "harness/bcache/disk_images.h"
#include "harness/hostdev/block_device_probe.h"

namespace bh {
namespace {

namespace fs = std::filesystem;

/// The size of a file or block device; fails naming it.
Expected<std::uint64_t> size_of(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(path.string() + " is missing: " + std::strerror(errno));
  std::uint64_t bytes = 0;
  struct stat info {};
  bool ok = ::fstat(fd, &info) == 0;
  if (ok && S_ISBLK(info.st_mode)) {
    ok = ::ioctl(fd, BLKGETSIZE64, &bytes) == 0;
  } else if (ok) {
    bytes = static_cast<std::uint64_t>(info.st_size);
  }
  const int saved = errno;
  ::close(fd);
  if (!ok) return fail("cannot read the size of " + path.string() + ": " + std::strerror(saved));
  return bytes;
}

Expected<std::vector<std::uint64_t>> sizes_of(const std::vector<VirtioDisk>& disks) {
  std::vector<std::uint64_t> sizes;
  for (const auto& disk : disks) {
    auto size = size_of(disk.image);
    if (!size) return size.error();
    sizes.push_back(size.value());
  }
  return sizes;
}

/// Sparse files named for the host loop devices, then the devices over them.
Expected<std::vector<HostLoopDevice>> attach_host_loops(const BcacheSettings& settings, const fs::path& dir,
                                                        std::vector<VirtioDisk>& disks) {
  const std::pair<const char*, std::uint64_t> files[] = {{"bh-hostloop-cache.img", settings.cache_bytes},
                                                         {"bh-hostloop-backing.img", settings.backing_bytes}};
  const std::string_view serials[] = {kCacheSerial, kBackingSerial};
  std::vector<HostLoopDevice> loops;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto file = dir / files[i].first;
    std::error_code error;
    fs::remove(file, error);
    if (int fd = ::open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
    fs::resize_file(file, files[i].second, error);
    if (error) return fail("cannot create " + file.string() + ": " + error.message());
    auto loop = HostLoopDevice::attach(file);
    if (!loop) return loop.error();
    disks.push_back({loop.value().path(), std::string(serials[i]), "none", "native"});
    loops.push_back(std::move(loop).value());
  }
  return loops;
}

}  // namespace

Expected<void> check_host_devices(const BcacheSettings& settings) {
  if (settings.devices != DeviceKind::kHost) return outcome::success();
  const std::vector<std::string> devices = {settings.cache_dev, settings.backing_dev};
  if (auto targets = check_destroy_data_targets(settings.destroy_data, devices); !targets) return targets.error();
  for (const auto& device : devices) {
    auto facts = probe_block_device(device);
    if (!facts) return facts.error();
    const bool destroy = std::any_of(settings.destroy_data.begin(), settings.destroy_data.end(),
                                     [&](const std::string& named) { return same_device(named, device); });
    if (auto safe = check_wipe_safety(facts.value(), destroy); !safe) return safe.error();
  }
  return outcome::success();
}

Expected<RunDisks> RunDisks::create(const BcacheSettings& settings, const fs::path& dir) {
  RunDisks run;
  run.kind_ = settings.devices;
  run.dir_ = dir;
  switch (settings.devices) {
    case DeviceKind::kLoop: return run;
    case DeviceKind::kVirtio: {
      auto images = create_virtio_images(settings, dir);
      if (!images) return images.error();
      run.disks_ = images.value();
      run.use_image_cache(settings.image_cache);
      break;
    }
    case DeviceKind::kHostLoop: {
      auto loops = attach_host_loops(settings, dir, run.disks_);
      if (!loops) return loops.error();
      run.loops_ = std::move(loops).value();
      break;
    }
    case DeviceKind::kHost: {
      if (auto safe = check_host_devices(settings); !safe) return safe.error();
      run.disks_ = {{settings.cache_dev, std::string(kCacheSerial), "none", "native"},
                    {settings.backing_dev, std::string(kBackingSerial), "none", "native"}};
      break;
    }
  }
  auto sizes = sizes_of(run.disks_);
  if (!sizes) return sizes.error();
  run.sizes_ = sizes.value();
  return run;
}

void RunDisks::use_image_cache(const std::string& cache) {
  if (cache != "none") return;
  const int fd = disks_.empty() ? -1 : ::open(disks_.front().image.c_str(), O_RDWR | O_DIRECT | O_CLOEXEC);
  if (fd < 0) {
    cache_note_ = "image_cache=none asked for, but " + dir_.string() + "'s filesystem refuses O_DIRECT (" +
                  std::strerror(errno) + "; tmpfs?): the images go through the host's page cache";
    return;
  }
  ::close(fd);
  for (auto& disk : disks_) {
    disk.cache = "none";
    disk.aio = "native";
  }
}

Expected<void> RunDisks::check() const {
  for (std::size_t i = 0; i < disks_.size(); ++i) {
    auto size = size_of(disks_[i].image);
    if (!size) return fail("disk " + size.error().message);
    if (size.value() != sizes_[i]) {
      return fail("disk " + disks_[i].image.string() + " is " + std::to_string(size.value()) + " bytes, was " +
                  std::to_string(sizes_[i]) + " (truncated or replaced)");
    }
  }
  return outcome::success();
}

void RunDisks::remove_images() const {
  if (kind_ == DeviceKind::kHost || dir_.empty()) return;
  remove_virtio_images(dir_);
}

nlohmann::json RunDisks::facts() const {
  nlohmann::json facts = {{"devices", device_kind_name(kind_)}};
  if (disks_.empty()) return facts;
  facts["qemu_cache"] = disks_.front().cache;
  facts["aio"] = disks_.front().aio;
  if (!cache_note_.empty()) facts["qemu_cache_note"] = cache_note_;
  if (uses_host_devices(kind_)) {
    facts["host_devices"] = nlohmann::json::array();
    for (const auto& disk : disks_) facts["host_devices"].push_back(disk.image.string());
  }
  if (!loops_.empty()) {
    facts["direct_io"] = std::all_of(loops_.begin(), loops_.end(), [](auto& loop) { return loop.direct_io(); });
  }
  return facts;
}

}  // namespace bh
