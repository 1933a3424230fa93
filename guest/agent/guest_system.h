#pragma once
/// GuestSystem: every side effect the agent has on the guest, behind one narrow interface,
/// so the request handling can be tested with a fake.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "protocol/protocol.h"

namespace bh::agent {

/// Where a child's stderr goes.
enum class StderrMode {
  kSeparate,          ///< captured on its own pipe, into ProcessOutcome::stderr_text
  kMergedIntoStdout,  ///< same pipe as stdout, interleaved in ProcessOutcome::stdout_text
};

/// One program to run in the guest. argv[0] is looked up on PATH when it has no slash.
struct ProcessSpec {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;    ///< set in (added to) the inherited environment
  std::string stdin_data;                    ///< fed to the child's stdin; empty: /dev/null
  std::string cwd;                           ///< empty: the agent's own
  std::chrono::milliseconds timeout{60000};  ///< SIGKILL (whole process group) after this
  StderrMode stderr_mode = StderrMode::kSeparate;
  std::size_t output_cap = protocol::kMaxCapturedOutput;  ///< bytes kept per stream
  std::chrono::milliseconds tick_interval{0};             ///< 0: on_tick is never called
  std::function<void()> on_tick;                          ///< called every tick_interval while the child runs
  /// Asked after every tick: true stops waiting at once and leaves the child running
  /// (unreaped, its pipes closed), as when the guest is about to lose power anyway.
  std::function<bool()> detach_when;
};

/// What a finished (or killed) program left.
struct ProcessOutcome {
  int exit_code = -1;      ///< -1 when killed by a signal
  int signal = 0;          ///< the terminating signal, 0 if it exited normally
  bool timed_out = false;  ///< killed because the deadline passed
  bool truncated = false;  ///< a stream produced more than output_cap bytes
  std::string stdout_text;
  std::string stderr_text;
  bool detached = false;  ///< detach_when said stop waiting; the child still runs
};

/// One entry of a directory listing.
struct DirEntry {
  std::string name;         ///< the file name, without directory
  bool is_regular = false;  ///< a regular file (not following symlinks)
};

/// The guest's kernel, files and processes as the agent uses them.
class GuestSystem {
 public:
  virtual ~GuestSystem() = default;

  /// Runs a program to completion or its deadline; fails only when it could not be
  /// started at all (the message names the program and the reason).
  virtual Expected<ProcessOutcome> run_process(const ProcessSpec& spec) = 0;
  /// The whole content of a file, read to EOF (works for sysfs/procfs files).
  virtual Expected<std::string> read_file(const std::string& path) = 0;
  /// Exactly `length` bytes of `path` from `offset`, read with O_DIRECT so the guest's page
  /// cache is bypassed (offset and length 4096-aligned). A short read, an open or a read
  /// error fails, naming the path and the offset.
  virtual Expected<std::string> read_direct(const std::string& path, std::uint64_t offset, std::uint64_t length) = 0;
  /// Writes `content` with exactly one write(2) (sysfs semantics), truncating an existing
  /// file and creating a missing one. The error names the path, the value and strerror.
  virtual Expected<void> write_file(const std::string& path, std::string_view content) = 0;
  /// Writes `content` with exactly one write(2) at the end of an existing file (O_APPEND,
  /// never truncating: tracefs' kprobe_events drops every probe when opened with O_TRUNC).
  /// The error names the path, the value and strerror.
  virtual Expected<void> append_file(const std::string& path, std::string_view content) = 0;
  /// What `path` (a pipe such as tracefs' trace_pipe_raw) holds now: opened O_NONBLOCK and
  /// read in `chunk`-byte reads until EOF or EAGAIN, at most `max_bytes`. What was read is
  /// consumed. Fails naming the path when it cannot be opened or read, or holds more than
  /// `max_bytes`.
  virtual Expected<std::string> read_available(const std::string& path, std::size_t chunk, std::size_t max_bytes) = 0;
  /// The entries of a directory, without "." and "..", in no particular order.
  virtual Expected<std::vector<DirEntry>> list_dir(const std::string& path) = 0;
  /// Creates one directory (its parent must exist); fails if it cannot.
  virtual Expected<void> make_dir(const std::string& path) = 0;
  /// Removes a file or a directory tree; a missing path is not an error.
  virtual Expected<void> remove_tree(const std::string& path) = 0;
  /// Seconds since the guest booted.
  virtual double uptime_s() = 0;
  /// The running kernel's release (uname -r).
  virtual std::string kernel_release() = 0;
  /// Blocks the agent for `duration`.
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
  /// Syncs and powers the guest off. The real system never returns; fakes record the call.
  virtual void power_off() = 0;
};

}  // namespace bh::agent
