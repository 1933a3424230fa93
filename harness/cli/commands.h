#pragma once
/// The subcommands behind the CLI. Each returns the process exit code or throws HarnessError.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/cli/progress.h"
#include "harness/core/accel.h"
#include "harness/core/bcache_settings.h"
#include "harness/core/guest_session.h"

namespace bh::cli {

/// Options shared by every command that boots a guest.
struct GuestOptions {
  std::string kernel_spec = "debian:stock";
  AccelRequest accel = AccelRequest::kAuto;
  std::vector<std::string> settings;  ///< KEY=VALUE, in order (--devices is one of them)
  std::filesystem::path out_dir;      ///< empty: runs/<command>-<time>
  std::chrono::seconds boot_timeout{120};
  int memory_mib = 1024;
};

/// The boot options the shared guest flags ask for.
BootOptions boot_options(const GuestOptions& options);

/// `doctor`: prints what is present and missing; 0 only if a run can start.
int doctor_command();

/// `image`: resolves the kernel and builds (or reuses) its guest image; prints size and time.
int image_command(const GuestOptions& options);

/// `fio JOBFILE`: boots, provisions, runs the job through /dev/bcache0, powers off.
int fio_command(const GuestOptions& options, const std::filesystem::path& job_file,
                std::chrono::seconds fio_timeout);

/// `shell`: boots, provisions and attaches the terminal to the guest console.
int shell_command(const GuestOptions& options);

}  // namespace bh::cli
