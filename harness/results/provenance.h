#pragma once
/// Where a result came from: the harness, QEMU and fio versions, the host CPU, the
/// accelerator, the command line and the start time. summary.json's "provenance" object and
/// every history row carry it, so a number can always be traced to what produced it.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace bh {

/// The provenance of one invocation; each member is the JSON field of the same name.
struct Provenance {
  std::string harness_version;  ///< git describe at build time
  std::string qemu_version;     ///< e.g. "7.2.19 (Debian 1:7.2+dfsg-7+deb12u16)"; "" when unknown
  std::string fio_version;      ///< e.g. "fio-3.33"; "" when unknown
  std::string host_cpu;         ///< /proc/cpuinfo's first "model name"
  std::string accel;            ///< kvm or tcg, as the guests booted ("" before any boot)
  std::string command_line;     ///< argv, shell-quoted where needed
  std::string started_at;       ///< UTC, ISO 8601: "2026-12-04T13:53:00Z"
};

/// summary.json's "provenance".
nlohmann::json to_json(const Provenance& provenance);

/// The version from `qemu-system-x86_64 --version`'s first line ("QEMU emulator version X"
/// gives "X"); "" when the text has no such line.
std::string parse_qemu_version(std::string_view output);

/// The first non-empty line of `fio --version` ("fio-3.33"); "".
std::string parse_fio_version(std::string_view output);

/// The first "model name" of /proc/cpuinfo; "" when there is none.
std::string parse_cpu_model(std::string_view cpuinfo);

/// `time` as "YYYY-MM-DDTHH:MM:SSZ" (UTC).
std::string iso8601_utc(std::chrono::system_clock::time_point time);

/// The argument vector as one line a shell would split back into the same words.
std::string shell_quoted(const std::vector<std::string>& argv);

}  // namespace bh
