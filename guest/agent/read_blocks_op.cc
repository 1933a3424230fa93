#include "guest/agent/read_blocks_op.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "guest/agent/unique_fd.h"
#include "protocol/base64.h"
#include "protocol/lz4_block.h"
#include "protocol/message_fields.h"

namespace bh::agent {
namespace {

constexpr std::uint64_t kAlignment = protocol::kReadBlocksAlignment;

/// A multiple of 4096 in the request; `allow_zero` false also rejects 0.
Expected<std::uint64_t> aligned_field(const protocol::Json& request, std::string_view name, bool allow_zero) {
  auto value = protocol::optional_count(request, name, -1);
  if (!value) return value.error();
  if (value.value() < 0) return fail("missing field '" + std::string(name) + "'");
  const auto number = static_cast<std::uint64_t>(value.value());
  if (number % kAlignment != 0 || (!allow_zero && number == 0)) {
    return fail("field '" + std::string(name) + "' must be a " + (allow_zero ? "" : "positive ") +
                "multiple of 4096 (got " + std::to_string(number) + ")");
  }
  return number;
}

/// The outcome of one attempt; `error_number` keeps errno so the caller can fall back.
struct ReadAttempt {
  std::string data;
  int error_number = 0;
  std::string message;
};

ReadAttempt failed_attempt(const std::string& what) {
  const int error_number = errno;
  return {{}, error_number, what + ": " + std::strerror(error_number)};
}

struct FreeDeleter {
  void operator()(void* memory) const { std::free(memory); }
};

/// Fills `buffer` with `length` bytes from `offset`, retrying partial reads.
ReadAttempt pread_all(int fd, const std::string& path, std::uint64_t offset, std::uint64_t length, char* buffer) {
  std::uint64_t done = 0;
  while (done < length) {
    const ssize_t got = ::pread(fd, buffer + done, length - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    const std::string where = "read " + path + " at offset " + std::to_string(offset + done);
    if (got < 0) return failed_attempt(where);
    if (got == 0) {
      return {
          {},
          0,
          where + ": short read (" + std::to_string(done) + " of " + std::to_string(length) + " bytes, end of device)"};
    }
    done += static_cast<std::uint64_t>(got);
  }
  return {std::string(buffer, length), 0, {}};
}

ReadAttempt read_range(const std::string& path, std::uint64_t offset, std::uint64_t length, int cache_flag) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | cache_flag));
  if (!fd.valid()) return failed_attempt("open " + path);
  void* memory = nullptr;
  if (const int error = ::posix_memalign(&memory, kAlignment, length); error != 0) {
    return {{}, error, "allocate " + std::to_string(length) + " bytes to read " + path};
  }
  const std::unique_ptr<void, FreeDeleter> buffer(memory);
  return pread_all(fd.get(), path, offset, length, static_cast<char*>(memory));
}

bool is_block_device(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISBLK(info.st_mode);
}

}  // namespace

Expected<protocol::Json> handle_read_blocks(GuestSystem& system, const protocol::Json& request) {
  auto path = protocol::required_string(request, "path");
  if (!path) return path.error();
  auto offset = aligned_field(request, "offset", true);
  if (!offset) return offset.error();
  auto length = aligned_field(request, "length", false);
  if (!length) return length.error();
  if (length.value() > protocol::kMaxReadBlocksLength) {
    return fail("field 'length' must be at most 67108864 (64 MiB), got " + std::to_string(length.value()));
  }
  auto lz4 = protocol::wants_lz4(request);
  if (!lz4) return lz4.error();
  auto data = system.read_direct(path.value(), offset.value(), length.value());
  if (!data) return data.error();
  if (!lz4.value()) return protocol::Json{{"data_base64", protocol::base64_encode(data.value())}};
  auto compressed = protocol::lz4_compress(data.value());
  if (!compressed) return fail(path.value() + ": " + compressed.error().message);
  return protocol::Json{{"compression", "lz4"},
                        {"data_lz4_base64", protocol::base64_encode(compressed.value())},
                        {"raw_bytes", data.value().size()}};
}

Expected<std::string> read_direct_posix(const std::string& path, std::uint64_t offset, std::uint64_t length) {
  ReadAttempt attempt = read_range(path, offset, length, O_DIRECT);
  // Some file systems (tmpfs, used by host tests) refuse O_DIRECT with EINVAL. A regular
  // file there has no separate device contents to miss, so a buffered read is the same
  // data. A block device never falls back: its page cache could hide what bcache returns.
  if (attempt.error_number == EINVAL && !is_block_device(path)) {
    attempt = read_range(path, offset, length, 0);
  }
  if (!attempt.message.empty()) return fail(attempt.message);
  return std::move(attempt.data);
}

}  // namespace bh::agent
