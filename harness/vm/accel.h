#pragma once
/// Choosing the accelerator: KVM when it can really boot the guest, TCG otherwise.
///
/// /dev/kvm can exist and open yet be unable to run an ordinary guest (a nested hypervisor
/// for special guests only: the guest hangs silently in firmware). So `auto` boots with KVM,
/// watches the console for the kernel's first line for a few seconds, and falls back to TCG
/// if it never comes. The verdict "KVM hangs" is remembered for the host's current boot so
/// later runs skip the probe.

#include <chrono>
#include <optional>
#include <string>

#include "base/expected.h"
#include "harness/vm/qemu_command.h"

namespace bh {

/// What the user asked for with --accel.
enum class AccelRequest { kAuto, kKvm, kTcg };

/// Parses "auto", "kvm" or "tcg".
Expected<AccelRequest> parse_accel_request(std::string_view text);

/// The host facts the choice depends on; faked in tests.
class AccelEnvironment {
 public:
  virtual ~AccelEnvironment() = default;
  /// Why /dev/kvm cannot be used at all (missing, not openable), or nullopt if it opens.
  virtual std::optional<std::string> kvm_device_problem() = 0;
  /// A remembered "KVM cannot boot a guest here" verdict for this host boot, if any.
  virtual std::optional<std::string> remembered_kvm_failure() = 0;
  /// Remembers that KVM failed to boot a guest, for this host boot.
  virtual void remember_kvm_failure(const std::string& reason) = 0;
};

/// The accelerator to try first, and why.
struct AccelPlan {
  Accel accel = Accel::kTcg;
  bool probe = false;  ///< true: KVM must show the kernel's first line within the probe time
  std::string reason;
};

/// Decides what to boot with first. Fails when KVM was requested explicitly and the device
/// cannot be used.
Expected<AccelPlan> plan_accel(AccelRequest request, AccelEnvironment& environment);

/// The plan after a KVM probe saw no kernel output within `waited`: TCG, with the reason
/// remembered. Explicit --accel kvm does not fall back: that is an error.
Expected<AccelPlan> fall_back_after_failed_probe(AccelRequest request, AccelEnvironment& environment,
                                                 std::chrono::milliseconds waited);

/// The real host: opens /dev/kvm; remembers verdicts in the cache keyed by the host's boot id.
class HostAccelEnvironment : public AccelEnvironment {
 public:
  explicit HostAccelEnvironment(std::filesystem::path verdict_file);
  std::optional<std::string> kvm_device_problem() override;
  std::optional<std::string> remembered_kvm_failure() override;
  void remember_kvm_failure(const std::string& reason) override;

 private:
  std::filesystem::path verdict_file_;
};

/// The text that proves a kernel started executing (its first console line).
inline constexpr std::string_view kKernelStartMarker = "Linux version";

}  // namespace bh
