#pragma once
/// The control protocol between the host and the guest agent, over a virtio-serial port.
///
/// One JSON object per line (UTF-8, '\n'-terminated), both ways. The host sends requests;
/// the agent answers each with exactly one response carrying the same "id". The agent also
/// sends one unsolicited event when it starts: {"event":"ready","uname_r":..,"uptime_s":..}.
///
/// Request:  {"id": 7, "op": "<op>", "timeout_ms": 30000, ...op fields}
/// Success:  {"id": 7, "ok": true, ...result fields}
/// Failure:  {"id": 7, "ok": false, "error": "what failed, naming the path or command"}
///
/// Ops (fields of the request -> fields of a successful response):
///  hello          -> uname_r (string), uptime_s (number)
///  exec           argv [string], env {string:string}?, stdin string?
///                 -> exit_code int (-1 if killed), signal int (0 if none), timed_out bool,
///                    stdout string, stderr string, truncated bool (output capped at 4 MiB)
///  read_files     paths [string] -> files {path: content}, errors {path: message}
///  write_file     path, content -> (nothing more). A write the kernel refuses (EINVAL from
///                 sysfs) is a failure whose error names the path, the value and strerror.
///  write_files    writes [{path, content, append bool?}], make_dirs [string]?,
///                 keep_going bool? -> (nothing more). The directories are made first (each
///                 must not exist); then each write as write_file (append: at the end of the
///                 existing file, never truncating it), in order, in one round trip; the
///                 first refused write ends the request with "write N of M: <its error>"
///                 (the writes before it stay done). With keep_going every write is tried
///                 -> errors [{index, error}] for the refused ones.
///  fio            job (job-file text), args [string]?, env {string:string}?,
///                 sample_interval_ms int? (0/absent: no sampling)
///                 -> exit_code, timed_out, output (fio's --output file: the JSON),
///                    stderr, logs {file name: content} (every *.log fio wrote),
///                    samples [{t_s, ...every sample_memory field}]
///  sample_memory  -> uptime_s, meminfo {key: kB}, slab_kb {cache name: kB}, and when the
///                    guest has them: bcache_module_kib (the module's core size),
///                    allocinfo_kib {total, sites {"drivers/md/bcache/F.c:L func": KiB}}
///  read_blocks    path, offset int, length int (both multiples of 4096, length 1..64 MiB)
///                 -> data_base64 (the bytes, base64 as in protocol/base64.h). Read with
///                    O_DIRECT, bypassing the guest's page cache: what the block layer
///                    returns. A short read or an I/O error fails, naming path and offset.
///  read_pipes     paths [string], chunk_bytes int? (default 4096), max_bytes int? (per path,
///                 default 256 MiB) -> data_base64 {path: base64 of the bytes}. Each path is
///                 read O_NONBLOCK until EOF or EAGAIN, in chunk_bytes reads (tracefs'
///                 trace_pipe_raw hands out one ring-buffer page per read); what is read is
///                 consumed. Any path that cannot be read fails the request, naming it.
///                 With compression "lz4": -> compression "lz4", data_lz4_base64 {path:
///                 base64 of one LZ4 block of the bytes (protocol/lz4_block.h)}, raw_bytes
///                 {path: size before compression}.
///  poweroff       -> (nothing more); the agent answers first, then syncs and powers off.
/// Every request's timeout_ms bounds the work in the guest; the host adds a margin and
/// never waits longer for the answer.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh::protocol {

using Json = nlohmann::json;

inline constexpr std::string_view kOpHello = "hello";
inline constexpr std::string_view kOpExec = "exec";
inline constexpr std::string_view kOpReadFiles = "read_files";
inline constexpr std::string_view kOpWriteFile = "write_file";
inline constexpr std::string_view kOpWriteFiles = "write_files";
inline constexpr std::string_view kOpFio = "fio";
inline constexpr std::string_view kOpSampleMemory = "sample_memory";
inline constexpr std::string_view kOpReadBlocks = "read_blocks";
inline constexpr std::string_view kOpReadPipes = "read_pipes";
inline constexpr std::string_view kOpPowerOff = "poweroff";
inline constexpr std::string_view kEventReady = "ready";

/// Name of the virtio-serial port (the guest finds it in /sys/class/virtio-ports/*/name).
inline constexpr std::string_view kPortName = "bh.ctl";

/// Block size read_blocks' offset and length must be multiples of.
inline constexpr std::uint64_t kReadBlocksAlignment = 4096;
/// Largest length one read_blocks request may ask for.
inline constexpr std::uint64_t kMaxReadBlocksLength = 64u << 20;

/// Largest stdout/stderr an exec response carries; more is cut and flagged truncated.
inline constexpr std::size_t kMaxCapturedOutput = 4u << 20;

/// One message as a line: compact JSON, invalid UTF-8 replaced, '\n' appended.
std::string encode(const Json& message);

/// Parses one line (without its '\n'); the error quotes the start of the bad line.
Expected<Json> decode(std::string_view line);

/// Longest line LineBuffer accepts (without its '\n'): 512 MiB. The largest legitimate
/// messages are answers carrying bulk data: read_pipes with the trace of every guest CPU
/// (256 MiB per CPU at most, LZ4 shrinks trace pages ~3.5x, base64 adds a third: ~100 MiB a
/// CPU, ~200 MiB for the 2-CPU guests the harness boots), read_blocks at its 64 MiB limit
/// (~86 MiB of base64; runs read 2 x 16 MiB regions) and exec with 2 x 4 MiB of output
/// (at most 6x longer JSON-escaped). A longer line is garbage, not a reply to wait for.
inline constexpr std::size_t kMaxLineBytes = std::size_t{512} << 20;

/// Splits a byte stream into lines; bytes arrive in arbitrary chunks. Linear in the bytes
/// fed, also for single lines of many megabytes (read_blocks answers). Holds at most one
/// line of `max_line_bytes` plus the chunk last fed.
class LineBuffer {
 public:
  explicit LineBuffer(std::size_t max_line_bytes = kMaxLineBytes) : max_line_bytes_(max_line_bytes) {}
  /// Appends bytes read from the channel (dropped once a line was too long).
  void feed(std::string_view bytes);
  /// The next complete line without its '\n', nullopt if none has arrived yet, or an error
  /// naming the cap once a line is longer than max_line_bytes; the stream is then out of
  /// step for good, and every later call gives the same error.
  Expected<std::optional<std::string>> next_line();

 private:
  std::size_t max_line_bytes_;
  std::string pending_;
  std::size_t scanned_ = 0;  ///< bytes of pending_ known to hold no '\n'
  bool overlong_ = false;    ///< a line was longer than max_line_bytes_
};

}  // namespace bh::protocol
