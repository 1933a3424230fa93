#pragma once
/// Reading fio's --output-format=json output defensively: fio may print text around the
/// JSON, and --status-interval prints several objects back to back (the last one is final).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/expected.h"

namespace bh::analysis {

/// One direction's totals for one job.
struct FioDirection {
  std::uint64_t total_ios = 0;
  std::uint64_t io_bytes = 0;
  double iops = 0;
  std::uint64_t bw_bytes = 0;  ///< bytes per second
  std::uint64_t runtime_ms = 0;  ///< how long the job ran in this direction
};

/// One job (or group, with group_reporting) of a fio run.
struct FioJob {
  std::string name;
  int error = 0;  ///< fio's per-job error code (errno), 0 when fine
  FioDirection read;
  FioDirection write;
};

/// A whole fio run.
struct FioReport {
  std::string fio_version;
  std::vector<FioJob> jobs;

  /// I/Os completed over all jobs and directions: the proof the workload happened.
  std::uint64_t total_ios() const;
};

/// Parses fio's JSON output, skipping text before and after it; with several objects the
/// last complete one wins. Errors quote what was found instead.
Expected<FioReport> parse_fio_json(std::string_view text);

}  // namespace bh::analysis
