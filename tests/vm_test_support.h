#pragma once
/// Shared pieces of the guest (`vm`-labelled) tests: preparing kernels once per process,
/// booting, and running the CLI as a user would.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/bcache/provisioner.h"
#include "harness/vm/guest_preparation.h"
#include "harness/vm/guest_session.h"
#include "util/process_runner.h"
#include "util/temp_dir.h"

namespace bh::testing {

/// The kernel the tests use besides debian:stock.
inline constexpr const char* kBackportSpec = "debian:6.12.107+deb12-amd64";

/// Resolves the spec and builds or reuses its image, once per test process; fails the
/// calling test (via the returned error) when that is impossible.
Expected<PreparedGuest> prepared(const std::string& spec);

/// A booted, provisioned guest with its run directory; killed on destruction.
struct ProvisionedGuest {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<GuestSession> session;
  ProvisionedBcache bcache;
};

/// Boots `spec` under TCG with `settings` and provisions bcache.
Expected<ProvisionedGuest> boot_provisioned(const std::string& spec, const BcacheSettings& settings);

/// Settings of the race scenarios: writearound... or writethrough with a 64 KiB cutoff.
BcacheSettings writethrough_64k_cutoff(DeviceKind devices);

/// True while a process with this pid exists (zombies of other parents count as gone).
bool process_alive(int pid);

/// The pid QEMU had in a run directory (qemu.pid), or 0.
int recorded_qemu_pid(const std::filesystem::path& run_dir);

/// What scripts/build-bcache-module printed last: the spec to boot, and the module's path.
struct BuiltModule {
  std::string spec;
  std::filesystem::path module;
};

/// Builds (or reuses) debian:stock's bcache.ko with one patch (a path relative to the
/// source tree), once per patch and process.
Expected<BuiltModule> build_patched_module(const std::string& patch);

/// The bcache-harness binary started in the background with `args` (its output goes to the
/// test's); SIGKILLed and reaped on destruction if it still runs, so no test leaves it behind.
class BackgroundCli {
 public:
  explicit BackgroundCli(const std::vector<std::string>& args);
  BackgroundCli(const BackgroundCli&) = delete;
  BackgroundCli& operator=(const BackgroundCli&) = delete;
  ~BackgroundCli();

  /// True if the program started.
  bool started() const { return pid_ > 0; }
  /// Sends `signal`, then waits up to `deadline` for the program to end (SIGKILL after it);
  /// the wait status, or -1 when it did not start or could not be reaped.
  int stop(int signal, std::chrono::seconds deadline = std::chrono::seconds(30));

 private:
  int pid_ = 0;
};

/// Runs the bcache-harness binary with `args`; its output and exit code.
ProcessResult run_cli(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(300));

}  // namespace bh::testing
