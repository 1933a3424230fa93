#pragma once
/// The 4 KiB blocks the harness's fio jobs write: fio 3.33's verify header (verify=crc32c,
/// verify_interval=4096) followed by a per-generation pattern 0x424847NN ("BHG" + NN).
///
/// Layout (little-endian), measured on blocks written by host fio 3.33:
///   0x00 u16 magic 0xacca     0x02 u16 verify_type (5: crc32c)   0x04 u32 len (4096)
///   0x08 u64 rand_seed        0x10 u64 offset (the block's own byte offset in the file)
///   0x18 u32 time_sec         0x1c u32 time_nsec   0x20 u16 thread   0x22 u16 numberio
///   0x24 u32 header crc: crc32c of bytes 0x00..0x23
///   0x28 u32 data crc:   crc32c of bytes 0x2c..0xfff
///   0x2c ... the pattern "BHG"+NN repeated to the end of the block.
/// fio's crc32c starts from ~0 and does NOT invert the result at the end (unlike RFC 3720's
/// CRC-32C); fio_crc32c() below computes exactly what fio stores.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace bh::analysis {

/// Size of one verified block (fio's verify_interval in the harness's jobs).
inline constexpr std::size_t kFioBlockSize = 4096;
/// fio's verify header magic.
inline constexpr std::uint16_t kFioVerifyMagic = 0xacca;
/// fio's verify_type value for verify=crc32c.
inline constexpr std::uint16_t kFioVerifyCrc32c = 5;
/// Where the pattern starts: the verify header plus the crc32c data checksum.
inline constexpr std::size_t kFioPatternStart = 0x2c;

/// The verify_pattern fio is given for a generation: 0x424847NN.
std::uint32_t generation_pattern(unsigned generation);

/// The checksum fio stores for verify=crc32c (CRC-32C, init ~0, no final inversion).
std::uint32_t fio_crc32c(std::span<const std::byte> bytes);

/// The same checksum without CPU-specific instructions (what fio_crc32c falls back to).
std::uint32_t fio_crc32c_portable(std::span<const std::byte> bytes);

/// What one block's bytes say about themselves. Fields past magic_ok are meaningful only
/// when magic_ok is true.
struct BlockHeader {
  bool magic_ok = false;       ///< magic is 0xacca, verify_type crc32c and len 4096
  std::uint64_t offset = 0;    ///< where fio wrote this block (byte offset in its file)
  std::uint16_t numberio = 0;  ///< fio's I/O sequence number (shared by one I/O's blocks)
  std::uint16_t thread = 0;    ///< fio's thread number (1 for the first job)
  std::uint64_t rand_seed = 0;
  std::uint32_t time_sec = 0;
  std::uint32_t time_nsec = 0;
  /// NN of the pattern, when every pattern byte from 0x2c on is the same "BHG"+NN tag.
  std::optional<unsigned> generation;
  bool header_crc_ok = false;  ///< the header crc matches bytes 0x00..0x23
  bool data_crc_ok = false;    ///< the data crc matches bytes 0x2c..0xfff

  /// Magic, both checksums and a uniform pattern: fio wrote this block whole.
  bool intact() const { return magic_ok && header_crc_ok && data_crc_ok && generation; }
};

/// Decodes one block; nullopt when `block` is not exactly kFioBlockSize bytes. Never
/// fails otherwise: zeros or garbage give magic_ok false.
std::optional<BlockHeader> parse_block(std::span<const std::byte> block);

/// Header fields fio fills from its clock and job, not from the block's identity.
struct BlockStamp {
  std::uint16_t thread = 1;
  std::uint32_t time_sec = 0;
  std::uint32_t time_nsec = 0;
  std::uint64_t rand_seed = 0;
};

/// A block laid out byte for byte as fio 3.33 writes it (for tests and tools): header,
/// both checksums and the generation's pattern.
std::string make_block(std::uint64_t offset, unsigned generation, std::uint16_t numberio, const BlockStamp& stamp = {});

}  // namespace bh::analysis
