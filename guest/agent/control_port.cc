#include "guest/agent/control_port.h"

#include <optional>

#include "base/strings.h"

namespace bh::agent {
namespace {

constexpr std::chrono::milliseconds kRetryInterval{100};

/// One look at the ports directory.
std::optional<std::string> look_once(GuestSystem& system, const std::string& ports_dir, std::string_view port_name) {
  auto entries = system.list_dir(ports_dir);
  if (!entries) return std::nullopt;
  for (const DirEntry& entry : entries.value()) {
    auto name = system.read_file(ports_dir + "/" + entry.name + "/name");
    if (name && std::string(trim_end(name.value())) == port_name) return "/dev/" + entry.name;
  }
  return std::nullopt;
}

}  // namespace

Expected<std::string> find_control_port(GuestSystem& system, std::chrono::milliseconds wait, std::string_view ports_dir,
                                        std::string_view port_name) {
  const std::string dir(ports_dir);
  for (std::chrono::milliseconds waited{0};; waited += kRetryInterval) {
    if (auto device = look_once(system, dir, port_name)) return *device;
    if (waited >= wait) break;
    system.sleep_for(kRetryInterval);
  }
  return fail("no virtio-serial port named '" + std::string(port_name) + "' in " + dir + " after " +
              std::to_string(wait.count()) + " ms");
}

}  // namespace bh::agent
