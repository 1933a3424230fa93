#include "harness/hostdev/host_loop.h"

#include <fcntl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/strings.h"
#include "util/files.h"

namespace bh {
namespace {

namespace fs = std::filesystem;

/// A file descriptor closed on every path.
struct Fd {
  int fd = -1;
  explicit Fd(int value) : fd(value) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

std::string errno_text() { return std::strerror(errno); }

/// LOOP_CONFIGURE on a free device; another process may take the device between
/// LOOP_CTL_GET_FREE and the ioctl (EBUSY), so it tries again.
Expected<std::pair<std::string, int>> configure_free_loop(int backing, const fs::path& file) {
  Fd control(::open("/dev/loop-control", O_RDWR | O_CLOEXEC));
  if (control.fd < 0) return fail("cannot open /dev/loop-control: " + errno_text() + " (loop module loaded? root?)");
  for (int attempt = 0; attempt < 16; ++attempt) {
    const int number = ::ioctl(control.fd, LOOP_CTL_GET_FREE);
    if (number < 0) return fail("no free loop device: " + errno_text());
    const std::string path = "/dev/loop" + std::to_string(number);
    Fd device(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (device.fd < 0) return fail("cannot open " + path + ": " + errno_text());
    loop_config config{};
    config.fd = static_cast<__u32>(backing);
    config.block_size = 512;
    config.info.lo_flags = LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO;
    std::strncpy(reinterpret_cast<char*>(config.info.lo_file_name), file.c_str(), LO_NAME_SIZE - 1);
    if (::ioctl(device.fd, LOOP_CONFIGURE, &config) == 0) return std::pair{path, device.release()};
    if (errno != EBUSY) return fail("LOOP_CONFIGURE " + path + " over " + file.string() + ": " + errno_text());
  }
  return fail("every free loop device was taken by someone else 16 times in a row");
}

bool reads_back_direct_io(const std::string& device) {
  auto dio = read_file("/sys/block/" + fs::path(device).filename().string() + "/loop/dio");
  return dio && trim(dio.value()) == "1";
}

}  // namespace

Expected<HostLoopDevice> HostLoopDevice::attach(const fs::path& file) {
  if (!file.filename().string().starts_with(kHostLoopPrefix)) {
    return fail("internal: host loop backing file " + file.string() + " must be named " + std::string(kHostLoopPrefix) +
                "*");
  }
  Fd backing(::open(file.c_str(), O_RDWR | O_CLOEXEC));
  if (backing.fd < 0) return fail("cannot open " + file.string() + ": " + errno_text());
  auto loop = configure_free_loop(backing.fd, file);
  if (!loop) return loop.error();
  const auto& [path, fd] = loop.value();
  return HostLoopDevice(path, fd, reads_back_direct_io(path));
}

HostLoopDevice::HostLoopDevice(HostLoopDevice&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), direct_io_(other.direct_io_) {}

HostLoopDevice& HostLoopDevice::operator=(HostLoopDevice&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    direct_io_ = other.direct_io_;
  }
  return *this;
}

HostLoopDevice::~HostLoopDevice() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<HarnessLoop> harness_loop_devices(const fs::path& sys_block) {
  std::vector<HarnessLoop> loops;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(sys_block, error)) {
    const auto name = entry.path().filename().string();
    if (!name.starts_with("loop")) continue;
    auto backing = read_file(entry.path() / "loop" / "backing_file");
    if (!backing) continue;  // not attached
    const std::string file(trim(backing.value()));
    // A deleted backing file shows as "PATH (deleted)"; the name still starts the same.
    if (fs::path(file).filename().string().starts_with(kHostLoopPrefix)) loops.push_back({"/dev/" + name, file});
  }
  return loops;
}

Expected<void> detach_loop_device(const std::string& device) {
  Fd fd(::open(device.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.fd < 0) return fail("cannot open " + device + ": " + errno_text());
  if (::ioctl(fd.fd, LOOP_CLR_FD, 0) != 0 && errno != ENXIO) {
    return fail("cannot detach " + device + ": " + errno_text());
  }
  return outcome::success();
}

}  // namespace bh
