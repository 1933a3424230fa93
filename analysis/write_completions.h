#pragma once
/// Which writes of the race's sequential writer were acknowledged before a power cut, from
/// fio's own evidence: the verify state it saved at the cut, or its normal exit.

#include <cstdint>
#include <vector>

#include "analysis/fio_verify_state.h"
#include "base/expected.h"

namespace bh::analysis {

/// What the evidence says of one write.
enum class WriteState {
  kAcknowledged,  ///< fio reaped its completion: the kernel said it was written
  kInFlight,      ///< fio issued it, but had not seen it complete when its state was saved
};

/// One write the writer issued: [offset, offset+length) and what the evidence says of it.
struct WriteRecord {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  WriteState state = WriteState::kAcknowledged;
};

/// The writer's layout: it writes [write_offset, write_offset+write_size) once, front to
/// back, in io_size writes (the last one shorter when write_size is not a multiple).
struct SequentialWriter {
  std::uint64_t write_offset = 0;
  std::uint64_t write_size = 0;
  std::uint64_t io_size = 0;
};

/// From a verify state saved at the cut: with iodepth 1, fio issues a write only after the
/// previous one completed, so every write up to and including the newest completed offset
/// is acknowledged, and the issued writes after it (numberio counts issued writes) are in
/// flight. Writes never issued are not listed. Fails (naming the value) when depth != 1
/// (the evidence does not order completions then), when the job has other than one file,
/// when io_size is 0, when a completed offset is not on the writer's io_size grid inside
/// its range, or when issued_writes is below the acknowledged count or above the number of
/// writes in write_size.
///
/// fio saves a job's completions before its issue count, while the job still runs, so a
/// state can show more than one write after the newest completion; they are all listed as
/// in flight, which is what the evidence can vouch for.
Expected<std::vector<WriteRecord>> writes_from_verify_state(const FioVerifyState& state,
                                                            const SequentialWriter& writer);

/// Every write of a writer that finished (fio exited normally having written all of
/// write_size): all acknowledged. Empty when io_size is 0.
std::vector<WriteRecord> all_writes_acknowledged(const SequentialWriter& writer);

}  // namespace bh::analysis
