#include "harness/bcache/disk_images.h"

#include <fstream>

namespace bh {

Expected<std::vector<VirtioDisk>> create_virtio_images(const BcacheSettings& settings,
                                                       const std::filesystem::path& dir) {
  std::vector<VirtioDisk> disks = {{dir / "cache.img", std::string(kCacheSerial)},
                                   {dir / "backing.img", std::string(kBackingSerial)}};
  const std::uint64_t sizes[] = {settings.cache_bytes, settings.backing_bytes};
  for (std::size_t i = 0; i < disks.size(); ++i) {
    std::error_code error;
    std::filesystem::remove(disks[i].image, error);
    { std::ofstream create(disks[i].image); }
    std::filesystem::resize_file(disks[i].image, sizes[i], error);
    if (error) return fail("cannot create disk image " + disks[i].image.string() + ": " + error.message());
  }
  return disks;
}

void remove_virtio_images(const std::filesystem::path& dir) {
  std::error_code ignored;
  for (const char* file : {"cache.img", "backing.img", "bh-hostloop-cache.img", "bh-hostloop-backing.img"}) {
    std::filesystem::remove(dir / file, ignored);
  }
}

Expected<void> check_virtio_images(const BcacheSettings& settings, const std::vector<VirtioDisk>& disks) {
  for (const auto& disk : disks) {
    const std::uint64_t want = disk.serial == kCacheSerial ? settings.cache_bytes : settings.backing_bytes;
    std::error_code error;
    const auto size = std::filesystem::file_size(disk.image, error);
    if (error) return fail("disk image " + disk.image.string() + " is missing: " + error.message());
    if (size != want) {
      return fail("disk image " + disk.image.string() + " is " + std::to_string(size) + " bytes, expected " +
                  std::to_string(want) + " (truncated or replaced)");
    }
  }
  return outcome::success();
}

}  // namespace bh
