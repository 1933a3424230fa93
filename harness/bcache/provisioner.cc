#include "harness/bcache/provisioner.h"

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <thread>

#include "base/strings.h"

namespace bh {
using namespace std::chrono_literals;

namespace {

std::string kib_text(std::uint64_t bytes) { return std::to_string(bytes / 1024) + "k"; }

constexpr std::string_view kBcacheSysfs = "/sys/block/bcache0/bcache/";
constexpr std::string_view kDelayName = "bh-delay";
/// The device-mapper view of the backing device's data that the fill writes through.
constexpr std::string_view kDataViewName = "bh-data";

/// Why bcache0 counts as not attached.
std::string not_attached_message(const AttachState& state) {
  return "bcache0 did not attach to its cache within 10 s (state: " + state.state + ")";
}

}  // namespace

std::string selected_choice(std::string_view sysfs_text) {
  const auto open = sysfs_text.find('[');
  const auto close = sysfs_text.find(']', open);
  if (open == std::string_view::npos || close == std::string_view::npos) return std::string(trim(sysfs_text));
  return std::string(sysfs_text.substr(open + 1, close - open - 1));
}

Expected<std::string> super_show_field(std::string_view output, std::string_view field) {
  std::istringstream lines{std::string(output)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string name, value;
    if (words >> name >> value && name == field) return value;
  }
  return fail("bcache-super-show printed no '" + std::string(field) + "'");
}

Expected<std::uint64_t> super_show_sector_bytes(std::string_view output, std::string_view field) {
  auto text = super_show_field(output, field);
  if (!text) return text.error();
  const auto sectors = to_number(text.value());
  if (!sectors || *sectors > std::numeric_limits<std::uint64_t>::max() / 512)
    return fail("bcache-super-show printed '" + std::string(field) + "' as '" + text.value() +
                "', not a number of sectors");
  return *sectors * 512;
}

bool readback_matches(std::string_view knob, std::string_view written, std::string_view read) {
  const std::string got = std::string(trim(read));
  if (knob == "cache_mode") return selected_choice(got) == written;
  if (knob == "sequential_cutoff" || knob == "readahead") {
    auto want = parse_size(written);
    auto have = parse_bcache_hprint(got);
    if (!want || !have) return false;
    // bcache prints one decimal of the unit: allow that rounding, nothing more.
    const double unit = want.value() >= (1u << 20) ? (1u << 20) : want.value() >= 1024 ? 1024 : 1;
    return std::fabs(have.value() - static_cast<double>(want.value())) <= unit / 10.0 + 0.5;
  }
  return got == written;
}

Expected<std::string> Provisioner::find_virtio_disk(std::string_view serial) {
  std::vector<std::string> paths;
  for (char letter = 'a'; letter <= 'h'; ++letter) {
    paths.push_back(std::string("/sys/block/vd") + letter + "/serial");
  }
  auto serials = agent_.read_existing_files(paths);
  if (!serials) return serials.error();
  for (const auto& [path, content] : serials.value()) {
    if (std::string(trim(content)) == serial) return "/dev/" + path.substr(11, 3);
  }
  return fail("no virtio disk with serial '" + std::string(serial) + "' in the guest");
}

Expected<std::pair<std::string, std::string>> Provisioner::find_or_create_devices(const BcacheSettings& s) {
  if (uses_virtio_disks(s.devices)) {
    auto cache = find_virtio_disk(kCacheSerial);
    if (!cache) return cache.error();
    auto backing = find_virtio_disk(kBackingSerial);
    if (!backing) return backing.error();
    return std::pair{cache.value(), backing.value()};
  }
  const std::pair<std::string, std::uint64_t> files[] = {{"/tmp/bh-cache.img", s.cache_bytes},
                                                         {"/tmp/bh-backing.img", s.backing_bytes}};
  std::vector<std::string> loops;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string loop = "/dev/loop" + std::to_string(i);
    for (auto argv : {std::vector<std::string>{"truncate", "-s", std::to_string(files[i].second), files[i].first},
                      std::vector<std::string>{"losetup", loop, files[i].first}}) {
      if (auto done = agent_.exec_checked(argv); !done) return done.error();
    }
    loops.push_back(loop);
  }
  return std::pair{loops[0], loops[1]};
}

Expected<std::string> Provisioner::create_mapping(std::string_view name, const std::string& table) {
  for (auto argv : {std::vector<std::string>{"dmsetup", "create", std::string(name), "--noudevsync", "--noudevrules",
                                             "--table", table},
                    std::vector<std::string>{"dmsetup", "mknodes"}}) {
    if (auto done = agent_.exec_checked(argv); !done) return done.error();
  }
  return "/dev/mapper/" + std::string(name);
}

Expected<std::string> Provisioner::add_delay_layer(const std::string& device, const BcacheSettings& s) {
  const std::string name = device.substr(device.rfind('/') + 1);
  auto sectors = agent_.read_file("/sys/block/" + name + "/size");
  if (!sectors) return sectors.error();
  const std::string rd = std::to_string(s.delay_read_ms.value_or(0));
  const std::string wr = std::to_string(s.delay_write_ms.value_or(0));
  const std::string table =
      "0 " + std::string(trim(sectors.value())) + " delay " + device + " 0 " + rd + " " + device + " 0 " + wr;
  if (auto created = create_mapping(kDelayName, table); !created) return created.error();
  auto shown = agent_.exec_checked({"dmsetup", "table", std::string(kDelayName)});
  if (!shown) return shown.error();
  std::istringstream words(shown.value());
  std::vector<std::string> fields{std::istream_iterator<std::string>(words), {}};
  if (fields.size() < 9 || fields[2] != "delay" || fields[5] != rd || fields[8] != wr) {
    return fail("dm-delay table did not take: wrote '" + table + "', dmsetup table shows '" +
                std::string(trim(shown.value())) + "'");
  }
  return "/dev/mapper/" + std::string(kDelayName);
}

Expected<void> Provisioner::register_device(const std::string& device) {
  if (auto done = agent_.write_file("/sys/fs/bcache/register", device); !done) {
    return fail("registering " + device + " with bcache: " + done.error().message);
  }
  return outcome::success();
}

Expected<AttachState> Provisioner::wait_for_attached_bcache() {
  const std::string state_path = std::string(kBcacheSysfs) + "state";
  AttachState state{false, "(no /sys/block/bcache0)"};
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto files = agent_.read_existing_files({state_path});
    if (!files) return files.error();  // the guest did not answer: the harness's problem
    if (auto it = files.value().find(state_path); it != files.value().end()) {
      state.state = std::string(trim(it->second));
      state.attached = state.state == "clean" || state.state == "dirty";
      if (state.attached) return state;
    }
    std::this_thread::sleep_for(100ms);
  }
  return state;
}

Expected<void> Provisioner::set_and_verify(const std::string& knob, const std::string& path, const std::string& value,
                                           ProvisionedBcache& result) {
  if (auto written = agent_.write_file(path, value); !written) {
    return fail("setting " + knob + ": " + written.error().message);
  }
  auto read = agent_.read_file(path);
  if (!read) return fail("setting " + knob + ": " + read.error().message);
  result.readback[knob] = std::string(trim(read.value()));
  if (!readback_matches(knob, value, read.value())) {
    return fail("knob " + knob + " did not take: wrote '" + value + "' to " + path + ", read back '" +
                std::string(trim(read.value())) + "'");
  }
  return outcome::success();
}

Expected<void> Provisioner::apply_knobs(const BcacheSettings& s, ProvisionedBcache& result) {
  const std::string dev(kBcacheSysfs);
  const std::string set = "/sys/fs/bcache/" + result.cset_uuid + "/";
  std::vector<std::tuple<std::string, std::string, std::string>> knobs = {
      {"cache_mode", dev + "cache_mode", cache_mode_name(s.cache_mode)}};
  if (s.sequential_cutoff_bytes)
    knobs.emplace_back("sequential_cutoff", dev + "sequential_cutoff", std::to_string(*s.sequential_cutoff_bytes));
  if (s.readahead_bytes) knobs.emplace_back("readahead", dev + "readahead", std::to_string(*s.readahead_bytes));
  if (s.congested_read_threshold_us)
    knobs.emplace_back("congested_read_threshold_us", set + "congested_read_threshold_us",
                       std::to_string(*s.congested_read_threshold_us));
  if (s.congested_write_threshold_us)
    knobs.emplace_back("congested_write_threshold_us", set + "congested_write_threshold_us",
                       std::to_string(*s.congested_write_threshold_us));
  for (const auto& [knob, path, value] : knobs) {
    if (auto done = set_and_verify(knob, path, value, result); !done) return done;
  }
  // Record the knobs left at the kernel's default too, so a report shows what ran.
  auto defaults =
      agent_.read_existing_files({dev + "sequential_cutoff", dev + "readahead", set + "congested_read_threshold_us",
                                  set + "congested_write_threshold_us"});
  if (!defaults) return defaults.error();
  for (const auto& [path, content] : defaults.value()) {
    result.readback.try_emplace(path.substr(path.rfind('/') + 1), std::string(trim(content)));
  }
  return outcome::success();
}

Expected<std::vector<std::string>> Provisioner::find_missing_knobs(const std::vector<std::string>& knobs,
                                                                   const std::string& cset_uuid) {
  std::vector<std::string> paths;
  for (const auto& knob : knobs) {
    paths.push_back(std::string(kBcacheSysfs) + knob);
    paths.push_back("/sys/fs/bcache/" + cset_uuid + "/" + knob);
  }
  auto present = agent_.read_existing_files(paths);
  if (!present) return present.error();
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < knobs.size(); ++i) {
    if (!present.value().count(paths[2 * i]) && !present.value().count(paths[2 * i + 1])) {
      missing.push_back(knobs[i]);
    }
  }
  return missing;
}

Expected<ProvisionedBcache> Provisioner::format(const BcacheSettings& s) {
  if (auto valid = validate(s); !valid) return valid.error();
  ProvisionedBcache result;
  auto devices = find_or_create_devices(s);
  if (!devices) return devices.error();
  std::tie(result.cache_device, result.backing_device) = devices.value();
  result.backing_top = result.backing_device;
  if (s.has_delay()) {
    auto top = add_delay_layer(result.backing_device, s);
    if (!top) return top.error();
    result.backing_top = top.value();
  }
  if (auto made = agent_.exec_checked({"make-bcache", "--wipe-bcache", "--bucket", kib_text(s.bucket_bytes), "--block",
                                       kib_text(s.block_bytes), "-C", result.cache_device, "-B", result.backing_top},
                                      120s);
      !made) {
    return made.error();
  }
  auto cache_super = agent_.exec_checked({"bcache-super-show", result.cache_device});
  if (!cache_super) return cache_super.error();
  auto uuid = super_show_field(cache_super.value(), "cset.uuid");
  if (!uuid) return uuid.error();
  result.cset_uuid = uuid.value();
  auto backing_super = agent_.exec_checked({"bcache-super-show", result.backing_top});
  if (!backing_super) return backing_super.error();
  auto data_offset = super_show_sector_bytes(backing_super.value(), "dev.data.first_sector");
  if (!data_offset) return data_offset.error();
  result.data_offset_bytes = data_offset.value();
  return result;
}

Expected<void> Provisioner::attach(const BcacheSettings& s, const std::vector<std::string>& required_knobs,
                                   ProvisionedBcache& result) {
  for (const auto& device : {result.cache_device, result.backing_top}) {
    if (auto registered = register_device(device); !registered) return registered.error();
  }
  auto state = wait_for_attached_bcache();
  if (!state) return state.error();
  if (!state.value().attached) return fail(not_attached_message(state.value()));
  result.readback["state"] = state.value().state;
  auto missing = find_missing_knobs(required_knobs, result.cset_uuid);
  if (!missing) return missing.error();
  result.missing_knobs = missing.value();
  if (!result.missing_knobs.empty()) return outcome::success();
  return apply_knobs(s, result);
}

Expected<ProvisionedBcache> Provisioner::provision(const BcacheSettings& s,
                                                   const std::vector<std::string>& required_knobs) {
  auto formatted = format(s);
  if (!formatted) return formatted.error();
  if (auto attached = attach(s, required_knobs, formatted.value()); !attached) return attached.error();
  return formatted;
}

Expected<std::string> Provisioner::open_data_view(const ProvisionedBcache& formatted, std::uint64_t bytes) {
  if (bytes == 0 || bytes % 512 != 0 || formatted.data_offset_bytes % 512 != 0)
    return fail("a data view needs whole sectors (" + std::to_string(bytes) + " bytes from data offset " +
                std::to_string(formatted.data_offset_bytes) + ")");
  const std::string table = "0 " + std::to_string(bytes / 512) + " linear " + formatted.backing_device + " " +
                            std::to_string(formatted.data_offset_bytes / 512);
  return create_mapping(kDataViewName, table);
}

Expected<void> Provisioner::close_data_view() {
  if (auto done = agent_.exec_checked({"dmsetup", "remove", "--noudevsync", std::string(kDataViewName)}); !done)
    return done.error();
  return outcome::success();
}

Expected<std::string> Provisioner::register_existing(Reattached& result) {
  ProvisionedBcache& b = result.bcache;
  // The kernel's verdict comes first: bcache-super-show is only asked where the data starts.
  for (const auto& device : {b.cache_device, b.backing_device}) {
    if (auto registered = register_device(device); !registered) {
      if (auto alive = agent_.read_file("/proc/uptime"); !alive) return alive.error();
      return registered.error().message;
    }
  }
  auto state = wait_for_attached_bcache();
  if (!state) return state.error();
  if (!state.value().attached) return not_attached_message(state.value());  // registered, never attached
  b.readback["state"] = state.value().state;
  // bcache took both devices back: from here on a failure is the harness's tool's, not the kernel's.
  for (const auto& [device, field] :
       {std::pair{b.cache_device, "cset.uuid"}, {b.backing_device, "dev.data.first_sector"}}) {
    auto shown = agent_.exec_checked({"bcache-super-show", device});
    if (!shown) return shown.error();
    if (device == b.cache_device) {
      auto uuid = super_show_field(shown.value(), field);
      if (!uuid) return fail(device + ": " + uuid.error().message);
      b.cset_uuid = uuid.value();
    } else {
      auto data_offset = super_show_sector_bytes(shown.value(), field);
      if (!data_offset) return fail(device + ": " + data_offset.error().message);
      b.data_offset_bytes = data_offset.value();
    }
  }
  return std::string();
}

Expected<Reattached> Provisioner::reattach(const BcacheSettings& s) {
  if (!uses_virtio_disks(s.devices)) {
    return fail("re-registering after a power cut needs virtio devices (loop devices' files live in guest RAM)");
  }
  Reattached result;
  auto devices = find_or_create_devices(s);
  if (!devices) return devices.error();
  std::tie(result.bcache.cache_device, result.bcache.backing_device) = devices.value();
  result.bcache.backing_top = result.bcache.backing_device;
  auto refusal = register_existing(result);
  if (!refusal) return refusal.error();
  result.refusal = refusal.value();
  if (!result.refusal.empty()) return result;
  auto mode = agent_.read_file(std::string(kBcacheSysfs) + "cache_mode");
  if (!mode) return mode.error();
  result.bcache.readback["cache_mode"] = selected_choice(mode.value());
  return result;
}

}  // namespace bh
