#include "harness/runs/provenance_probe.h"

#include "harness/results/harness_version.h"
#include "util/files.h"

namespace bh {
namespace {

/// The program's output, or "" when it cannot run or fails.
std::string version_output(ProcessRunner& runner, std::vector<std::string> argv) {
  auto result = runner.run({.argv = std::move(argv), .timeout = std::chrono::seconds(30)});
  if (!result || result.value().exit_code != 0) return "";
  return result.value().output;
}

}  // namespace

Provenance collect_provenance(ProcessRunner& runner, const std::vector<std::string>& command_line,
                              std::chrono::system_clock::time_point started, const std::filesystem::path& cpuinfo) {
  Provenance provenance;
  provenance.harness_version = kHarnessVersion;
  provenance.qemu_version = parse_qemu_version(version_output(runner, {"qemu-system-x86_64", "--version"}));
  provenance.fio_version = parse_fio_version(version_output(runner, {"fio", "--version"}));
  auto cpu = read_file(cpuinfo);
  if (cpu) provenance.host_cpu = parse_cpu_model(cpu.value());
  provenance.command_line = shell_quoted(command_line);
  provenance.started_at = iso8601_utc(started);
  return provenance;
}

}  // namespace bh
