#pragma once
/// UniqueFd: a file descriptor closed when its owner goes away.

#include <unistd.h>

#include <utility>

namespace bh::agent {

/// Owns one file descriptor (or none, -1); closes it on destruction or reset.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  /// The descriptor, or -1 when none is owned.
  int get() const { return fd_; }
  /// Whether a descriptor is owned.
  bool valid() const { return fd_ >= 0; }
  /// Gives up ownership without closing; returns the descriptor.
  int release() { return std::exchange(fd_, -1); }
  /// Closes the owned descriptor (if any) and takes ownership of `fd`.
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace bh::agent
