// bh-agent: the guest side of the control protocol (see protocol/protocol.h).
//
// Usage: bh-agent            serve on the virtio-serial port named bh.ctl (in the guest)
//        bh-agent --stdio    serve on stdin/stdout; poweroff only exits (to try it on a host)

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "guest/agent/agent.h"
#include "guest/agent/channel_loop.h"
#include "guest/agent/control_port.h"
#include "guest/agent/posix_guest_system.h"

namespace {

using namespace bh::agent;

/// Children inherit fds 0-2; make sure they exist so no pipe lands on them.
void ensure_standard_fds() {
  for (int fd = 0; fd < 3; ++fd) {
    if (::fcntl(fd, F_GETFD) < 0) ::open("/dev/null", O_RDWR);
  }
}

int die(const std::string& message) {
  std::fprintf(stderr, "bh-agent: %s\n", message.c_str());
  return 1;
}

int serve_stdio() {
  PosixGuestSystem system(PowerOffMode::kExitOnly);
  Agent agent(system);
  auto served = serve({STDIN_FILENO, STDOUT_FILENO}, agent, system, Hangup::kStop);
  return served ? 0 : die(served.error().message);
}

int serve_port() {
  PosixGuestSystem system;
  auto port = find_control_port(system, std::chrono::seconds(10));
  if (!port) return die(port.error().message);
  const int fd = ::open(port.value().c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return die("open " + port.value() + ": " + std::strerror(errno));
  Agent agent(system);
  auto served = serve({fd, fd}, agent, system, Hangup::kWaitForHost);
  return served ? 0 : die(served.error().message);
}

}  // namespace

int main(int argc, char** argv) {
  ensure_standard_fds();
  if (argc == 2 && std::string_view(argv[1]) == "--stdio") return serve_stdio();
  if (argc != 1) return die("usage: bh-agent [--stdio]");
  return serve_port();
}
