#include "analysis/fio_verify_state.h"

#include <cstdio>
#include <limits>
#include <span>

#include "analysis/fio_block_format.h"

namespace bh::analysis {
namespace {

// Header fields, from the start of the file.
constexpr std::size_t kVersionAt = 0x00;
constexpr std::size_t kSizeAt = 0x08;
constexpr std::size_t kCrcAt = 0x10;
// struct thread_io_list fields, from the start of the state after the header.
constexpr std::size_t kNoCompsAt = 0x00;
constexpr std::size_t kDepthAt = 0x08;
constexpr std::size_t kNoFilesAt = 0x0c;
constexpr std::size_t kNumberioAt = 0x10;
constexpr std::size_t kIndexAt = 0x18;
constexpr std::size_t kNameAt = 0x58;
constexpr std::size_t kNameSize = 64;

template <class T>
T load_le(std::string_view bytes, std::size_t at) {
  T value = 0;
  for (std::size_t i = sizeof(T); i-- > 0;) {
    value = static_cast<T>((value << 8) | static_cast<unsigned char>(bytes[at + i]));
  }
  return value;
}

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

/// A failure whose message says it is about a verify state file.
auto state_error(const std::string& what) { return fail("fio verify state: " + what); }

/// The file size the header's `size` calls for, as text (it may not fit in 64 bits).
std::string expected_file_size(std::uint64_t size) {
  if (size > std::numeric_limits<std::uint64_t>::max() - kFioVerifyStateHeaderSize) {
    return std::to_string(kFioVerifyStateHeaderSize) + " + " + std::to_string(size);
  }
  return std::to_string(kFioVerifyStateHeaderSize + size);
}

/// Checks the header against the rest of the file and returns that rest: the job's state.
Expected<std::string_view> checked_body(std::string_view bytes) {
  if (bytes.size() < kFioVerifyStateHeaderSize) {
    return state_error(std::to_string(bytes.size()) + " bytes, expected at least " +
                       std::to_string(kFioVerifyStateHeaderSize) + " (the header)");
  }
  const auto version = load_le<std::uint64_t>(bytes, kVersionAt);
  if (version != kFioVerifyStateVersion) {
    return state_error("version " + std::to_string(version) + ", expected " + std::to_string(kFioVerifyStateVersion));
  }
  const auto size = load_le<std::uint64_t>(bytes, kSizeAt);
  const std::string_view body = bytes.substr(kFioVerifyStateHeaderSize);
  if (body.size() != size) {
    return state_error(std::to_string(bytes.size()) + " bytes, expected " + expected_file_size(size) +
                       " (the header's size is " + std::to_string(size) + ")");
  }
  const auto stored = load_le<std::uint64_t>(bytes, kCrcAt);
  const std::uint32_t computed = fio_crc32c(std::as_bytes(std::span(body.data(), body.size())));
  if (stored != computed) {
    return state_error("crc mismatch: the header says " + hex(stored) + ", the " + std::to_string(size) +
                       " bytes of state hash to " + hex(computed));
  }
  return body;
}

/// Checks that the state's size is thread_io_list plus depth * nofiles completions.
Expected<void> check_layout(std::string_view body) {
  if (body.size() < kFioThreadIoListSize) {
    return state_error("size " + std::to_string(body.size()) + " is smaller than fio's " +
                       std::to_string(kFioThreadIoListSize) + "-byte thread_io_list");
  }
  const auto depth = load_le<std::uint32_t>(body, kDepthAt);
  const auto files = load_le<std::uint32_t>(body, kNoFilesAt);
  const std::uint64_t slots = std::uint64_t{depth} * files;
  const std::size_t comp_bytes = body.size() - kFioThreadIoListSize;
  if (comp_bytes % kFioFileCompSize != 0 || comp_bytes / kFioFileCompSize != slots) {
    return state_error("size " + std::to_string(body.size()) + " does not match depth " + std::to_string(depth) +
                       " and " + std::to_string(files) + " files (" + std::to_string(kFioThreadIoListSize) + " + " +
                       std::to_string(kFioFileCompSize) + " * " + std::to_string(depth) + " * " +
                       std::to_string(files) + " bytes)");
  }
  const auto no_comps = load_le<std::uint64_t>(body, kNoCompsAt);
  if (no_comps > slots) {
    return state_error("no_comps " + std::to_string(no_comps) +
                       " is more than depth * nofiles = " + std::to_string(slots));
  }
  return outcome::success();
}

Expected<std::string> job_name(std::string_view body) {
  const std::string_view field = body.substr(kNameAt, kNameSize);
  const std::size_t end = field.find('\0');
  if (end == std::string_view::npos) {
    return state_error("the job name is not NUL-terminated within its " + std::to_string(kNameSize) + " bytes");
  }
  return std::string(field.substr(0, end));
}

/// The completions' offsets, in file order (newest first), each checked to name a job file.
Expected<std::vector<std::uint64_t>> completed_offsets(std::string_view body, std::uint32_t files) {
  const auto count = load_le<std::uint64_t>(body, kNoCompsAt);
  std::vector<std::uint64_t> offsets;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::size_t at = kFioThreadIoListSize + i * kFioFileCompSize;
    const auto fileno = load_le<std::uint64_t>(body, at);
    if (fileno >= files) {
      return state_error("completion " + std::to_string(i) + " names file " + std::to_string(fileno) +
                         " but the job has " + std::to_string(files) + " files");
    }
    offsets.push_back(load_le<std::uint64_t>(body, at + 8));
  }
  return offsets;
}

}  // namespace

Expected<FioVerifyState> parse_fio_verify_state(std::string_view bytes) {
  auto body = checked_body(bytes);
  if (!body) return body.error();
  if (auto layout = check_layout(body.value()); !layout) return layout.error();
  auto name = job_name(body.value());
  if (!name) return name.error();
  FioVerifyState state;
  state.job_name = std::move(name).value();
  state.thread_index = load_le<std::uint64_t>(body.value(), kIndexAt);
  state.depth = load_le<std::uint32_t>(body.value(), kDepthAt);
  state.files = load_le<std::uint32_t>(body.value(), kNoFilesAt);
  state.issued_writes = load_le<std::uint64_t>(body.value(), kNumberioAt);
  auto offsets = completed_offsets(body.value(), state.files);
  if (!offsets) return offsets.error();
  state.completed_write_offsets = std::move(offsets).value();
  return state;
}

}  // namespace bh::analysis
