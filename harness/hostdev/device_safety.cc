#include "harness/hostdev/device_safety.h"

#include <cstdio>
#include <filesystem>

namespace bh {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

/// The reasons no flag can override.
std::vector<std::string> hard_refusals(const DeviceFacts& facts) {
  std::vector<std::string> reasons;
  if (!facts.is_block_device) return {"it is not a block device"};
  if (!facts.mount_points.empty()) reasons.push_back("it is mounted (" + joined(facts.mount_points) + ")");
  if (facts.swap) reasons.push_back("it is in use as swap");
  if (!facts.holders.empty()) reasons.push_back("it is held by " + joined(facts.holders) + " (dm, md, LVM or bcache)");
  if (facts.on_root_disk) reasons.push_back("the host's root filesystem lives on it or on its disk");
  return reasons;
}

}  // namespace

std::string describe_signatures(const std::vector<DeviceSignature>& signatures) {
  std::string text;
  for (const auto& signature : signatures) {
    char offset[32];
    std::snprintf(offset, sizeof offset, "0x%llx", static_cast<unsigned long long>(signature.offset));
    text += "  " + signature.type + " at " + offset + " (" + (signature.usage.empty() ? "other" : signature.usage);
    if (!signature.label.empty()) text += ", LABEL=" + signature.label;
    if (!signature.uuid.empty()) text += ", UUID=" + signature.uuid;
    text += ")\n";
  }
  return text;
}

Expected<void> check_wipe_safety(const DeviceFacts& facts, bool destroy_data) {
  const auto reasons = hard_refusals(facts);
  if (!reasons.empty()) {
    return fail("refusing to use " + facts.path + ": " + joined(reasons) +
                (facts.is_block_device ? " (--destroy-data does not override this)" : ""));
  }
  if (!facts.signatures.empty() && !destroy_data) {
    return fail("refusing to use " + facts.path + ": it carries data (what wipefs -n would list):\n" +
                describe_signatures(facts.signatures) + "pass --destroy-data " + facts.path +
                " to overwrite exactly this device");
  }
  return outcome::success();
}

bool same_device(const std::string& a, const std::string& b) {
  const auto canonical = [](const std::string& path) {
    std::error_code error;
    const auto resolved = std::filesystem::canonical(path, error);
    return error ? path : resolved.string();
  };
  return canonical(a) == canonical(b);
}

Expected<void> check_destroy_data_targets(const std::vector<std::string>& destroy_data,
                                          const std::vector<std::string>& devices) {
  for (const auto& named : destroy_data) {
    bool used = false;
    for (const auto& device : devices) used = used || same_device(device, named);
    if (!used) {
      return fail("--destroy-data " + named + " names no device of this run (its devices: " + joined(devices) + ")");
    }
  }
  return outcome::success();
}

}  // namespace bh
