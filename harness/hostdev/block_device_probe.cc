#include "harness/hostdev/block_device_probe.h"

#include <blkid/blkid.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <memory>

#include "base/strings.h"
#include "util/files.h"

namespace bh {
namespace {

namespace fs = std::filesystem;

std::string device_number(dev_t device) { return std::to_string(major(device)) + ":" + std::to_string(minor(device)); }

/// /sys/dev/block/MAJ:MIN resolved: the device's own sysfs directory ("" when absent).
fs::path sysfs_dir(const std::string& number) {
  std::error_code error;
  const auto dir = fs::canonical(fs::path("/sys/dev/block") / number, error);
  return error ? fs::path() : dir;
}

/// The sysfs directory of the whole disk a device belongs to (itself unless a partition).
fs::path disk_dir(const fs::path& dir) {
  if (dir.empty()) return dir;
  return fs::exists(dir / "partition") ? dir.parent_path() : dir;
}

/// The device and, for a whole disk, its partitions: their sysfs directories.
std::vector<fs::path> device_and_partitions(const fs::path& dir) {
  std::vector<fs::path> dirs{dir};
  if (dir.empty() || fs::exists(dir / "partition")) return dirs;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (fs::exists(entry.path() / "partition")) dirs.push_back(entry.path());
  }
  return dirs;
}

std::string dev_of(const fs::path& dir) {
  auto text = read_file(dir / "dev");
  return text ? std::string(trim(text.value())) : "";
}

std::vector<std::string> holders_of(const std::vector<fs::path>& dirs) {
  std::vector<std::string> holders;
  for (const auto& dir : dirs) {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(dir / "holders", error)) {
      holders.push_back(entry.path().filename().string());
    }
  }
  return holders;
}

bool on_root_disk(const fs::path& disk) {
  struct stat root {};
  if (::stat("/", &root) != 0 || major(root.st_dev) == 0) return false;  // overlay, tmpfs: no disk
  return !disk.empty() && disk_dir(sysfs_dir(device_number(root.st_dev))) == disk;
}

bool in_swaps(const std::vector<fs::path>& dirs) {
  auto text = read_file("/proc/swaps");
  if (!text) return false;
  for (const auto& path : parse_swaps(text.value())) {
    struct stat swap {};
    if (::stat(path.c_str(), &swap) != 0 || !S_ISBLK(swap.st_mode)) continue;
    for (const auto& dir : dirs) {
      if (dev_of(dir) == device_number(swap.st_rdev)) return true;
    }
  }
  return false;
}

std::vector<std::string> mount_points(const std::vector<fs::path>& dirs) {
  auto text = read_file("/proc/self/mountinfo");
  if (!text) return {};
  const auto mounts = parse_mountinfo(text.value());
  std::vector<std::string> points;
  for (const auto& dir : dirs) {
    const auto it = mounts.find(dev_of(dir));
    if (it != mounts.end()) points.insert(points.end(), it->second.begin(), it->second.end());
  }
  return points;
}

std::string lookup(blkid_probe probe, const char* name) {
  const char* value = nullptr;
  return blkid_probe_lookup_value(probe, name, &value, nullptr) == 0 && value ? value : "";
}

/// Every signature libblkid finds, superblocks and partition tables, as wipefs lists them.
Expected<std::vector<DeviceSignature>> signatures_of(const std::string& path) {
  std::unique_ptr<blkid_struct_probe, void (*)(blkid_probe)> probe(blkid_new_probe_from_filename(path.c_str()),
                                                                   blkid_free_probe);
  if (!probe) return fail("libblkid cannot open " + path + " to look for signatures");
  blkid_probe_enable_superblocks(probe.get(), 1);
  blkid_probe_set_superblocks_flags(probe.get(), BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE | BLKID_SUBLKS_LABEL |
                                                     BLKID_SUBLKS_UUID | BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_BADCSUM);
  blkid_probe_enable_partitions(probe.get(), 1);
  blkid_probe_set_partitions_flags(probe.get(), BLKID_PARTS_MAGIC);
  std::vector<DeviceSignature> found;
  while (blkid_do_probe(probe.get()) == 0) {
    DeviceSignature signature;
    if (!(signature.type = lookup(probe.get(), "TYPE")).empty()) {
      signature.usage = lookup(probe.get(), "USAGE");
      signature.offset = std::strtoull(lookup(probe.get(), "SBMAGIC_OFFSET").c_str(), nullptr, 10);
      signature.label = lookup(probe.get(), "LABEL");
      signature.uuid = lookup(probe.get(), "UUID");
    } else if (!(signature.type = lookup(probe.get(), "PTTYPE")).empty()) {
      signature.usage = "partition table";
      signature.offset = std::strtoull(lookup(probe.get(), "PTMAGIC_OFFSET").c_str(), nullptr, 10);
      signature.uuid = lookup(probe.get(), "PTUUID");
    } else {
      continue;
    }
    found.push_back(signature);
  }
  return found;
}

}  // namespace

std::map<std::string, std::vector<std::string>> parse_mountinfo(std::string_view text) {
  std::map<std::string, std::vector<std::string>> mounts;
  for (auto line : split_lines(text)) {
    const auto words = split_words(line);  // id parent MAJ:MIN root mount-point ...
    if (words.size() >= 5) mounts[std::string(words[2])].push_back(std::string(words[4]));
  }
  return mounts;
}

std::vector<std::string> parse_swaps(std::string_view text) {
  std::vector<std::string> paths;
  for (auto line : split_lines(text)) {
    const auto words = split_words(line);
    if (words.empty() || words[0] == "Filename") continue;
    paths.emplace_back(words[0]);
  }
  return paths;
}

Expected<DeviceFacts> probe_block_device(const std::string& path) {
  DeviceFacts facts;
  facts.path = path;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return fail("cannot examine " + path + ": " + std::strerror(errno));
  facts.is_block_device = S_ISBLK(info.st_mode);
  if (!facts.is_block_device) return facts;
  const auto dir = sysfs_dir(device_number(info.st_rdev));
  facts.kernel_name = dir.filename().string();
  const auto dirs = device_and_partitions(dir);
  facts.mount_points = mount_points(dirs);
  facts.swap = in_swaps(dirs);
  facts.holders = holders_of(dirs);
  facts.on_root_disk = on_root_disk(disk_dir(dir));
  auto signatures = signatures_of(path);
  if (!signatures) return signatures.error();
  facts.signatures = signatures.value();
  return facts;
}

}  // namespace bh
