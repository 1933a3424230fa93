#pragma once
/// Finding the virtio-serial port the host talks to the agent on.

#include <chrono>
#include <string>
#include <string_view>

#include "base/expected.h"
#include "guest/agent/guest_system.h"
#include "protocol/protocol.h"

namespace bh::agent {

/// Where the kernel lists virtio-serial ports, one directory per port with a "name" file.
inline constexpr std::string_view kVirtioPortsDir = "/sys/class/virtio-ports";

/// The device path ("/dev/vport0p1") of the port whose name file holds `port_name`,
/// looking again every 100 ms for up to `wait` (the driver may still be loading). The
/// error says what was looked for, where, and for how long.
Expected<std::string> find_control_port(GuestSystem& system, std::chrono::milliseconds wait,
                                        std::string_view ports_dir = kVirtioPortsDir,
                                        std::string_view port_name = protocol::kPortName);

}  // namespace bh::agent
