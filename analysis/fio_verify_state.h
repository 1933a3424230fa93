#pragma once
/// One fio 3.33 verify state file: the `local-<job>-<index>-verify.state` fio writes for each
/// job when a --trigger-file/--trigger-timeout fires (verify_state_save=1, the default), and
/// also when a writing job with verify= ends normally.
///
/// Layout (little-endian), checked against files written by host fio 3.33:
///   header  0x00 u64 version (3)   0x08 u64 size   0x10 u64 crc
///   then `size` bytes of fio's struct thread_io_list:
///   0x00 u64 no_comps   0x08 u32 depth   0x0c u32 nofiles   0x10 u64 numberio
///   0x18 u64 index      0x20 u64 rand.use64   0x28 6 x u64 random state (or 4 x u32)
///   0x58 u8 name[64] (NUL-terminated)
///   0x98 depth * nofiles x {u64 fileno; u64 offset}, the first no_comps of them filled.
/// crc is fio_crc32c() of the `size` bytes, zero-extended to 64 bits.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh::analysis {

/// The only verify state version fio 3.33 writes and reads (VSTATE_HDR_VERSION).
inline constexpr std::uint64_t kFioVerifyStateVersion = 3;
/// Bytes of the {version, size, crc} header in front of the job's state.
inline constexpr std::size_t kFioVerifyStateHeaderSize = 24;
/// Bytes of fio's struct thread_io_list before its completions.
inline constexpr std::size_t kFioThreadIoListSize = 152;
/// Bytes of one completion, fio's struct file_comp {fileno, offset}.
inline constexpr std::size_t kFioFileCompSize = 16;

/// What one job's verify state says about its writes when fio saved it.
struct FioVerifyState {
  std::string job_name;            ///< the job's name (NUL-terminated in the file)
  std::uint64_t thread_index = 0;  ///< fio's job index (the N in local-<job>-N-verify.state)
  std::uint32_t depth = 0;         ///< the job's iodepth
  std::uint32_t files = 0;
  std::uint64_t issued_writes = 0;  ///< numberio: writes fio had issued (td->io_issues[DDIR_WRITE])
  /// The last no_comps completed write offsets, newest first (file by file when files > 1).
  std::vector<std::uint64_t> completed_write_offsets;
};

/// Parses the whole content of one verify state file. Fails, naming the value, when the
/// bytes are not exactly one header and one job's state: too short or too long, a version
/// other than 3, a crc that does not match, a size that does not fit depth and files, more
/// completions than depth * files, a completion naming a file the job lacks, or a name
/// without its NUL.
Expected<FioVerifyState> parse_fio_verify_state(std::string_view bytes);

}  // namespace bh::analysis
