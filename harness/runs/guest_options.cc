#include "harness/runs/guest_options.h"

#include "harness/bcache/run_disks.h"
#include "harness/exit/harness_error.h"
#include "harness/kernel/kernel_spec.h"
#include "harness/results/run_directory.h"

namespace bh {

BootOptions boot_options(const GuestOptions& options) {
  BootOptions boot;
  boot.accel = options.accel;
  boot.agent_timeout = options.boot_timeout;
  boot.memory_mib = options.memory_mib;
  return boot;
}

BcacheSettings settings_from(const GuestOptions& options) {
  BcacheSettings settings;
  for (const auto& assignment : options.settings) {
    value_or_throw(apply_setting_assignment(settings, assignment), ExitCode::kUsage);
  }
  value_or_throw(validate(settings), ExitCode::kUsage);
  value_or_throw(check_host_devices(settings), ExitCode::kUsage);  // before anything is written
  return settings;
}

void check_kernel_spec(const std::string& spec) { value_or_throw(parse_kernel_spec(spec), ExitCode::kUsage); }

std::filesystem::path create_out_dir(const GuestOptions& options, const std::string& command) {
  const auto wanted = options.out_dir.empty() ? default_run_directory(command) : options.out_dir;
  auto dir = value_or_throw(create_run_directory(wanted), ExitCode::kUsage);
  value_or_throw(check_writable(dir));  // a full or read-only filesystem: the host's problem
  return dir;
}

}  // namespace bh
