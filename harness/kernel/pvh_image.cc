#include "harness/kernel/pvh_image.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

struct Magic {
  Compression compression;
  std::string_view bytes;
};

// gzip's magic is matched without its flags byte: the kernel writes 00, other tools may not.
constexpr std::array<Magic, 4> kMagics{{
    {Compression::kXz, std::string_view("\xFD"
                                        "7zXZ\x00",
                                        6)},
    {Compression::kZstd, "\x28\xB5\x2F\xFD"},
    {Compression::kGzip, "\x1F\x8B\x08"},
    {Compression::kLz4, "\x02\x21\x4C\x18"},
}};

constexpr std::string_view kElfMagic =
    "\x7F"
    "ELF";
constexpr std::uintmax_t kMinimumKernelSize = 1 << 20;
constexpr std::size_t kMaxCandidates = 16;  // a real bzImage has two or three
constexpr std::uint32_t kPtNote = 4;
constexpr std::uint32_t kXenElfnotePhys32Entry = 18;
constexpr std::uint64_t kMaxNoteSegment = 1 << 20;

template <class T>
T little_endian(std::string_view bytes, std::size_t at) {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return value;
}

std::uint64_t align4(std::uint64_t n) { return (n + 3) & ~std::uint64_t{3}; }

/// True if the notes in `notes` include Xen's PVH entry point.
bool notes_have_pvh_entry(std::string_view notes) {
  std::size_t at = 0;
  while (at + 12 <= notes.size()) {
    const auto name_size = little_endian<std::uint32_t>(notes, at);
    const auto desc_size = little_endian<std::uint32_t>(notes, at + 4);
    const auto type = little_endian<std::uint32_t>(notes, at + 8);
    const auto name_at = at + 12;
    if (name_at + name_size > notes.size()) return false;
    const auto name = notes.substr(name_at, name_size);
    if (type == kXenElfnotePhys32Entry && name == std::string_view("Xen\0", 4)) return true;
    at = name_at + align4(name_size) + align4(desc_size);
  }
  return false;
}

bool starts_with_elf(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 4> head{};
  in.read(head.data(), head.size());
  return in && std::string_view(head.data(), head.size()) == kElfMagic;
}

/// Whether a decompressor's output is a whole kernel. Decompressors complain about the
/// bytes after the stream (the rest of the bzImage), so their exit code alone says little.
bool looks_like_kernel(const ProcessResult& result, const fs::path& output) {
  std::error_code error;
  const auto size = fs::file_size(output, error);
  if (error || !starts_with_elf(output)) return false;
  return result.exit_code == 0 || size > kMinimumKernelSize;
}

/// Decompresses from one candidate offset into `output`; fails with the reason.
Expected<void> try_candidate(ProcessRunner& runner, std::string_view image, const PayloadCandidate& candidate,
                             const fs::path& scratch, const fs::path& output) {
  const auto payload = scratch / "payload";
  if (auto written = write_file_atomically(payload, image.substr(candidate.offset)); !written) {
    return written;
  }
  const auto argv = decompress_command(candidate.compression);
  auto result =
      runner.run({.argv = argv, .stdin_file = payload, .stdout_file = output, .timeout = std::chrono::minutes(5)});
  if (!result) return fail(result.error().message);
  const auto where = argv.front() + " at offset " + std::to_string(candidate.offset);
  if (!looks_like_kernel(result.value(), output)) return fail(where + " gave no ELF kernel");
  if (!elf_file_has_pvh_note(output)) return fail(where + " gave an ELF without a PVH note");
  return outcome::success();
}

std::string identity_of(const fs::path& file) {
  std::error_code error;
  const auto size = fs::file_size(file, error);
  const auto mtime = fs::last_write_time(file, error).time_since_epoch().count();
  return file.string() + " " + std::to_string(size) + " " + std::to_string(mtime);
}

}  // namespace

std::vector<PayloadCandidate> find_payload_candidates(std::string_view bytes) {
  std::vector<PayloadCandidate> found;
  for (const auto& magic : kMagics) {
    for (auto at = bytes.find(magic.bytes); at != std::string_view::npos; at = bytes.find(magic.bytes, at + 1)) {
      found.push_back({at, magic.compression});
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  return found;
}

std::vector<std::string> decompress_command(Compression compression) {
  switch (compression) {
    case Compression::kXz: return {"xz", "-dc"};
    case Compression::kZstd: return {"zstd", "-dc"};
    case Compression::kGzip: return {"gzip", "-dc"};
    case Compression::kLz4: return {"lz4", "-dc"};
  }
  return {};
}

bool elf_has_pvh_note(const ByteReader& read) {
  const auto header = read(0, 64);
  if (!header || !header->starts_with(kElfMagic) || (*header)[4] != 2 || (*header)[5] != 1) {
    return false;  // not a 64-bit little-endian ELF
  }
  const auto ph_offset = little_endian<std::uint64_t>(*header, 0x20);
  const auto ph_size = little_endian<std::uint16_t>(*header, 0x36);
  const auto ph_count = little_endian<std::uint16_t>(*header, 0x38);
  if (ph_size < 56) return false;
  for (std::uint16_t i = 0; i < ph_count; ++i) {
    const auto phdr = read(ph_offset + std::uint64_t{i} * ph_size, 56);
    if (!phdr || little_endian<std::uint32_t>(*phdr, 0) != kPtNote) continue;
    const auto offset = little_endian<std::uint64_t>(*phdr, 8);
    const auto size = little_endian<std::uint64_t>(*phdr, 32);
    if (size > kMaxNoteSegment) continue;
    if (const auto notes = read(offset, size); notes && notes_have_pvh_entry(*notes)) return true;
  }
  return false;
}

bool elf_bytes_have_pvh_note(std::string_view bytes) {
  return elf_has_pvh_note([bytes](std::uint64_t offset, std::uint64_t size) {
    if (offset > bytes.size() || size > bytes.size() - offset) return std::optional<std::string>();
    return std::optional<std::string>(bytes.substr(offset, size));
  });
}

bool elf_file_has_pvh_note(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  return elf_has_pvh_note([&in](std::uint64_t offset, std::uint64_t size) {
    std::string bytes(size, '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (!in) return std::optional<std::string>();
    return std::optional<std::string>(std::move(bytes));
  });
}

Expected<void> extract_pvh_image(ProcessRunner& runner, const fs::path& bz_image, const fs::path& output) {
  auto image = read_file(bz_image);
  if (!image) return fail(image.error().message);
  auto candidates = find_payload_candidates(image.value());
  if (candidates.size() > kMaxCandidates) candidates.resize(kMaxCandidates);
  std::string reasons;
  TempDir scratch("pvh", output.parent_path());
  const auto decompressed = scratch.path() / "vmlinux";
  for (const auto& candidate : candidates) {
    auto tried = try_candidate(runner, image.value(), candidate, scratch.path(), decompressed);
    if (tried) {
      std::error_code error;
      // Decompressors create their output 0640 or so; the cache is for anyone to boot from.
      fs::permissions(decompressed, fs::perms(0644), error);
      fs::rename(decompressed, output, error);
      if (error) return fail("cannot rename into " + output.string() + ": " + error.message());
      return outcome::success();
    }
    reasons += (reasons.empty() ? "" : "; ") + tried.error().message;
  }
  if (candidates.empty()) reasons = "no compression magic found";
  return fail("no PVH-bootable vmlinux in " + bz_image.string() + " (" + reasons + ")");
}

std::optional<fs::path> cached_pvh_image(ProcessRunner& runner, const fs::path& bz_image, const fs::path& dir) {
  const auto image = dir / "vmlinux";
  const auto stamp = dir / "vmlinux.identity";
  const auto identity = identity_of(bz_image);
  if (auto previous = read_file(stamp); previous && previous.value().starts_with(identity + "\n")) {
    if (previous.value().ends_with("\nok\n") && fs::exists(image)) return image;
    return std::nullopt;  // this bzImage failed before; do not pay for it again
  }
  std::error_code error;
  fs::remove(image, error);
  fs::create_directories(dir, error);
  const auto extracted = extract_pvh_image(runner, bz_image, image);
  const auto result_line = extracted ? std::string("ok") : extracted.error().message;
  (void)write_file_atomically(stamp, identity + "\n" + result_line + "\n");
  if (!extracted) return std::nullopt;
  return image;
}

}  // namespace bh
