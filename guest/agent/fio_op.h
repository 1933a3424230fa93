#pragma once
/// The "fio" op: run one fio job in a fresh working directory and bring back its JSON
/// output, its log files and, optionally, memory samples taken while it ran.

#include <string>

#include "base/expected.h"
#include "guest/agent/guest_system.h"
#include "protocol/protocol.h"

namespace bh::agent {

/// Runs fio jobs; remembers how many it ran to name their working directories.
class FioOp {
 public:
  /// Working directories are `<work_root>/fio-run-<n>`; older ones are removed first, so
  /// only the latest run's files stay in the guest.
  FioOp(GuestSystem& system, std::string work_root);

  /// Writes request.job to job.fio and runs
  /// `fio --output-format=json --output=<dir>/fio.json <args...> job.fio` in the working
  /// directory (env and timeout_ms applied). Returns exit_code, signal, timed_out,
  /// truncated, output (fio.json, "" if missing), stderr (fio's stdout and stderr
  /// interleaved), logs {name: content} of every regular *.log file, and samples
  /// [{t_s (seconds since fio started), uptime_s, meminfo, slab_kb}] taken every
  /// sample_interval_ms (none when 0 or absent).
  ///
  /// With cut_after_ms, a power cut is armed (see FioCutTrigger): once fio has saved its
  /// verify state the answer comes at once, with detached true (fio still runs, so output
  /// is "") and cut {after_ms, fired, trigger_at_s, verify_states}; a fio that ends first
  /// answers as usual, with cut.fired false unless fio saved its state on the way out.
  Expected<protocol::Json> handle(const protocol::Json& request);

 private:
  Expected<std::string> fresh_directory();
  protocol::Json collect_logs(const std::string& dir);

  GuestSystem& system_;
  std::string work_root_;
  int runs_ = 0;
};

}  // namespace bh::agent
