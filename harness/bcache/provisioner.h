#pragma once
/// Provisioning bcache in the guest from BcacheSettings, then reading every knob back.
///
/// A knob that did not take turns a race scenario into a false PASS (measured: writing "64k"
/// to sequential_cutoff is silently refused with EINVAL by some tools), so every value
/// written is read back and compared; a mismatch is an error naming the knob, the value
/// written and the value read.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/bcache/bcache_settings.h"
#include "harness/bcache/disk_images.h"
#include "harness/vm/guest_agent.h"
#include "harness/vm/qemu_command.h"

namespace bh {

/// The bcache device stack as provisioned.
struct ProvisionedBcache {
  std::string cache_device;    ///< e.g. /dev/vda or /dev/loop0
  std::string backing_device;  ///< the raw backing device
  std::string backing_top;     ///< what bcache sits on: /dev/mapper/bh-delay or backing_device
  std::string bcache_device = "/dev/bcache0";
  std::string cset_uuid;
  std::uint64_t data_offset_bytes = 0;          ///< where data starts on the backing device
  std::map<std::string, std::string> readback;  ///< knob -> value read back after setting
  /// Required knobs this kernel lacks; when not empty, provisioning stopped before setting
  /// any knob (the run is not applicable to this kernel).
  std::vector<std::string> missing_knobs;
};

/// What /sys/block/bcache0/bcache/state showed while waiting for it to attach.
struct AttachState {
  bool attached = false;  ///< "clean" or "dirty"
  std::string state;      ///< the last state read, or what was missing
};

/// What re-registering the devices a power cut left gave.
struct Reattached {
  ProvisionedBcache bcache;
  /// Empty when bcache took both devices back and bcache0 attached; otherwise what the
  /// kernel refused: a registration write it failed while the guest still answered, or a
  /// bcache0 that never attached (a finding about the kernel). A guest that stops answering
  /// or a failing bcache-super-show is an error of reattach instead.
  std::string refusal;
};

/// Runs the provisioning steps through the agent.
class Provisioner {
 public:
  explicit Provisioner(GuestAgent& agent) : agent_(agent) {}

  /// Formats and registers a fresh bcache device with `settings`, then verifies every knob.
  /// Knobs in `required_knobs` that this kernel lacks are reported in missing_knobs.
  Expected<ProvisionedBcache> provision(const BcacheSettings& settings,
                                        const std::vector<std::string>& required_knobs = {});

  /// provision()'s first half: the devices (and the dm-delay layer) made and formatted, the
  /// data offset read back; nothing registered with bcache yet.
  Expected<ProvisionedBcache> format(const BcacheSettings& settings);

  /// provision()'s second half, on what format() made: registers both devices, waits for
  /// bcache0 to attach, then sets and reads back every knob (missing_knobs as provision()).
  Expected<void> attach(const BcacheSettings& settings, const std::vector<std::string>& required_knobs,
                        ProvisionedBcache& formatted);

  /// Between format() and attach(): a device-mapper view of the raw backing device's first
  /// `bytes` of data (from its data offset, past bcache's superblock, with no dm-delay), so
  /// that byte N of the view is byte N of the future bcache0. Returns its path.
  Expected<std::string> open_data_view(const ProvisionedBcache& formatted, std::uint64_t bytes);

  /// Removes the view open_data_view made (its writes are on the backing device).
  Expected<void> close_data_view();

  /// Registers the cache and backing virtio disks a previous guest formatted (bcache
  /// replays its journal), waits for bcache0 to attach and reads its cache_mode back.
  /// Fails only when the guest cannot be driven; the kernel's refusals are in `refusal`.
  Expected<Reattached> reattach(const BcacheSettings& settings);

 private:
  Expected<std::pair<std::string, std::string>> find_or_create_devices(const BcacheSettings& s);
  Expected<std::string> find_virtio_disk(std::string_view serial);
  Expected<std::string> add_delay_layer(const std::string& device, const BcacheSettings& s);
  /// `dmsetup create NAME --table TABLE` and its /dev/mapper node; returns the node's path.
  Expected<std::string> create_mapping(std::string_view name, const std::string& table);
  Expected<void> register_device(const std::string& device);
  Expected<std::string> register_existing(Reattached& result);
  /// bcache0's state once it attached, or the last state seen after 10 s; an error only
  /// when the guest did not answer.
  Expected<AttachState> wait_for_attached_bcache();
  Expected<void> apply_knobs(const BcacheSettings& s, ProvisionedBcache& result);
  Expected<std::vector<std::string>> find_missing_knobs(const std::vector<std::string>& knobs,
                                                        const std::string& cset_uuid);
  Expected<void> set_and_verify(const std::string& knob, const std::string& path, const std::string& value,
                                ProvisionedBcache& result);

  GuestAgent& agent_;
};

/// The selected value in a sysfs choice list: "writethrough [writeback] none" -> "writeback".
std::string selected_choice(std::string_view sysfs_text);

/// A field of bcache-super-show's output ("cset.uuid", "dev.data.first_sector").
Expected<std::string> super_show_field(std::string_view output, std::string_view field);

/// `field` of bcache-super-show's output, a count of 512-byte sectors, in bytes; an error
/// quotes a value that is not a whole decimal number or whose bytes overflow 64 bits.
Expected<std::uint64_t> super_show_sector_bytes(std::string_view output, std::string_view field);

/// Whether a value read back from sysfs means the value written, for the given knob.
bool readback_matches(std::string_view knob, std::string_view written, std::string_view read);

}  // namespace bh
