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
///  fio            job (job-file text), args [string]?, env {string:string}?,
///                 sample_interval_ms int? (0/absent: no sampling)
///                 -> exit_code, timed_out, output (fio's --output file: the JSON),
///                    stderr, logs {file name: content} (every *.log fio wrote),
///                    samples [{t_s, meminfo {key: kB}, slab_kb {cache: kB}}]
///  sample_memory  -> uptime_s, meminfo {key: kB}, slab_kb {cache name: kB}
///  poweroff       -> (nothing more); the agent answers first, then syncs and powers off.
/// Every request's timeout_ms bounds the work in the guest; the host adds a margin and
/// never waits longer for the answer.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "harness/base/expected.h"

namespace bh::protocol {

using Json = nlohmann::json;

inline constexpr std::string_view kOpHello = "hello";
inline constexpr std::string_view kOpExec = "exec";
inline constexpr std::string_view kOpReadFiles = "read_files";
inline constexpr std::string_view kOpWriteFile = "write_file";
inline constexpr std::string_view kOpFio = "fio";
inline constexpr std::string_view kOpSampleMemory = "sample_memory";
inline constexpr std::string_view kOpPowerOff = "poweroff";
inline constexpr std::string_view kEventReady = "ready";

/// Name of the virtio-serial port (the guest finds it in /sys/class/virtio-ports/*/name).
inline constexpr std::string_view kPortName = "bh.ctl";

/// Largest stdout/stderr an exec response carries; more is cut and flagged truncated.
inline constexpr std::size_t kMaxCapturedOutput = 4u << 20;

/// One message as a line: compact JSON, invalid UTF-8 replaced, '\n' appended.
std::string encode(const Json& message);

/// Parses one line (without its '\n'); the error quotes the start of the bad line.
Expected<Json> decode(std::string_view line);

/// Splits a byte stream into lines; bytes arrive in arbitrary chunks.
class LineBuffer {
 public:
  /// Appends bytes read from the channel.
  void feed(std::string_view bytes);
  /// The next complete line without its '\n', if one has arrived.
  std::optional<std::string> next_line();

 private:
  std::string pending_;
};

}  // namespace bh::protocol
