#pragma once
/// Typed requests to the guest agent, over any GuestChannel.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/vm/guest_channel.h"

namespace bh {

/// What a program run in the guest left.
struct GuestExecResult {
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
};

/// What a fio run in the guest left.
struct GuestFioResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string json_output;  ///< fio's --output file (JSON)
  std::string stderr_text;
  std::map<std::string, std::string> logs;  ///< *.log files fio wrote, by name
  protocol::Json samples = protocol::Json::array();
  /// An armed cut fired and the agent answered without waiting for fio (still running).
  bool detached = false;
  /// With a cut armed: {after_ms, fired, trigger_at_s, verify_states {name: base64}}.
  protocol::Json cut = protocol::Json::object();
  int signal = 0;  ///< the signal that killed fio, 0 when it exited
};

/// Extras of one fio run.
struct FioRunOptions {
  int sample_interval_ms = 0;  ///< memory samples this often; 0: none
  /// Arm a power cut this long after fio starts (see guest/agent/fio_cut.h).
  std::optional<std::chrono::milliseconds> cut_after;
};

/// One write of a batch (GuestAgent::write_batch).
struct GuestWrite {
  std::string path;
  std::string content;
  bool append = false;  ///< at the end of the existing file, never truncating it
};

/// How a batch of writes treats a refusal.
enum class OnRefusal { kStop, kKeepGoing };

/// The agent's operations, each with a deadline.
class GuestAgent {
 public:
  explicit GuestAgent(GuestChannel& channel) : channel_(channel) {}

  /// Runs argv in the guest.
  Expected<GuestExecResult> exec(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(60));
  /// Runs argv and returns its stdout; a non-zero exit is an error quoting stderr.
  Expected<std::string> exec_checked(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(60));
  /// One guest file's content.
  Expected<std::string> read_file(const std::string& path);
  /// The files that could be read, by path; unreadable ones are left out.
  Expected<std::map<std::string, std::string>> read_existing_files(const std::vector<std::string>& paths);
  /// One write(2) of `content` to `path` (sysfs semantics).
  Expected<void> write_file(const std::string& path, const std::string& content);
  /// Each (path, content) written as write_file does, in order, in one round trip; fails at
  /// the first refused write, naming it ("write N of M: ..."), the earlier ones done.
  Expected<void> write_files(const std::vector<std::pair<std::string, std::string>>& writes);
  /// Makes `make_dirs` (each must not exist yet), then writes `writes` in order, in one round
  /// trip. kStop fails at the first refused write as write_files does; kKeepGoing tries every
  /// write and returns the refused ones, by index into `writes`, with the kernel's error.
  Expected<std::map<std::size_t, std::string>> write_batch(const std::vector<GuestWrite>& writes,
                                                           const std::vector<std::string>& make_dirs,
                                                           OnRefusal on_refusal);
  /// Runs a fio job file (text) in the guest.
  Expected<GuestFioResult> fio(const std::string& job_text, const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env, std::chrono::milliseconds timeout,
                               const FioRunOptions& options = {});
  /// `length` raw bytes of a guest block device (or file) from `offset`, as the guest's
  /// block layer returns them (O_DIRECT, no page cache). Both multiples of 4096, length at
  /// most 64 MiB; larger regions take several calls.
  Expected<std::string> read_blocks(const std::string& path, std::uint64_t offset, std::uint64_t length);
  /// What each pipe (e.g. tracefs' per_cpu/cpuN/trace_pipe_raw) holds now, read without
  /// blocking in `chunk_bytes` reads and consumed, by path. Any unreadable path fails.
  Expected<std::map<std::string, std::string>> read_pipes(const std::vector<std::string>& paths,
                                                          std::size_t chunk_bytes = 4096);
  /// /proc/meminfo and slab totals now.
  Expected<protocol::Json> sample_memory();
  /// `uname -r` of the guest kernel.
  Expected<std::string> kernel_release();
  /// Asks the guest to power off (the agent answers before it does).
  Expected<void> power_off();

 private:
  GuestChannel& channel_;
};

}  // namespace bh
