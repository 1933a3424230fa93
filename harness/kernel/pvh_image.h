#pragma once
/// The uncompressed vmlinux ELF inside a bzImage, for booting through QEMU's PVH entry.
///
/// QEMU boots an ELF kernel that carries a Xen PVH note (CONFIG_PVH=y) directly, skipping
/// the kernel's own decompression, which costs seconds under TCG emulation. A bzImage keeps
/// that ELF compressed after its set-up code; we find the compressed stream by its magic
/// bytes and decompress it with the matching command-line tool.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "util/process_runner.h"

namespace bh {

/// A compression format the kernel may use for its payload.
enum class Compression { kGzip, kXz, kZstd, kLz4 };

/// Where a compressed stream may start.
struct PayloadCandidate {
  std::size_t offset = 0;
  Compression compression = Compression::kGzip;
  bool operator==(const PayloadCandidate&) const = default;
};

/// Every offset where a known compression magic occurs, in file order.
std::vector<PayloadCandidate> find_payload_candidates(std::string_view bytes);

/// The command that decompresses `compression` from stdin to stdout, e.g. {"xz", "-dc"}.
std::vector<std::string> decompress_command(Compression compression);

/// Reads `size` bytes at `offset` of some file; nullopt past its end.
using ByteReader = std::function<std::optional<std::string>(std::uint64_t offset, std::uint64_t size)>;

/// True if the 64-bit little-endian ELF that `read` sees has a PT_NOTE segment holding the
/// Xen note XEN_ELFNOTE_PHYS32_ENTRY (type 18), which QEMU needs to boot it via PVH.
bool elf_has_pvh_note(const ByteReader& read);

/// elf_has_pvh_note for bytes in memory.
bool elf_bytes_have_pvh_note(std::string_view bytes);

/// elf_has_pvh_note for a file.
bool elf_file_has_pvh_note(const std::filesystem::path& path);

/// Decompresses the ELF vmlinux out of `bz_image` into `output` (written atomically, only
/// on success). Fails, with a reason to log, if no candidate yields an ELF with a PVH note;
/// callers then boot the bzImage instead.
Expected<void> extract_pvh_image(ProcessRunner& runner, const std::filesystem::path& bz_image,
                                 const std::filesystem::path& output);

/// A PVH image for `bz_image` kept as `dir`/vmlinux, extracted again only when the
/// bzImage's path, size or modification time changes (a failure is remembered the same
/// way, so a kernel without CONFIG_PVH costs nothing the second time). nullopt: boot the
/// bzImage.
std::optional<std::filesystem::path> cached_pvh_image(ProcessRunner& runner, const std::filesystem::path& bz_image,
                                                      const std::filesystem::path& dir);

}  // namespace bh
