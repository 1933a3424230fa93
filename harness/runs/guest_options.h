#pragma once
/// What every command that boots a guest is asked for: the kernel, the accelerator, bcache
/// and device settings, the output directory and the guest's boot limits.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/bcache/bcache_settings.h"
#include "harness/vm/accel.h"
#include "harness/vm/guest_session.h"

namespace bh {

/// Options shared by every command that boots a guest.
struct GuestOptions {
  std::string kernel_spec = "debian:stock";
  AccelRequest accel = AccelRequest::kAuto;
  std::vector<std::string> settings;  ///< KEY=VALUE, in order (--devices is one of them)
  std::filesystem::path out_dir;      ///< empty: runs/<command>-<time>
  std::chrono::seconds boot_timeout{120};
  int memory_mib = 1024;
};

/// The boot options the guest options ask for.
BootOptions boot_options(const GuestOptions& options);

/// The bcache settings `options.settings` give over the defaults, validated. Throws
/// HarnessError (usage) naming a bad setting.
BcacheSettings settings_from(const GuestOptions& options);

/// Checks the kernel spec's form before anything is created: a malformed spec throws
/// HarnessError (usage).
void check_kernel_spec(const std::string& spec);

/// The output directory for `command`: options.out_dir, else runs/<command>-<time>, created
/// (HarnessError, usage, when it cannot be or already holds files; HarnessError, error,
/// when nothing can be written there).
std::filesystem::path create_out_dir(const GuestOptions& options, const std::string& command);

}  // namespace bh
