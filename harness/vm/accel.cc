#include "harness/vm/accel.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "util/files.h"

namespace bh {

Expected<AccelRequest> parse_accel_request(std::string_view text) {
  if (text == "auto") return AccelRequest::kAuto;
  if (text == "kvm") return AccelRequest::kKvm;
  if (text == "tcg") return AccelRequest::kTcg;
  return fail("--accel: unknown accelerator '" + std::string(text) + "': expected auto, kvm or tcg");
}

Expected<AccelPlan> plan_accel(AccelRequest request, AccelEnvironment& environment) {
  if (request == AccelRequest::kTcg) return AccelPlan{Accel::kTcg, false, "requested with --accel tcg"};
  const auto problem = environment.kvm_device_problem();
  if (request == AccelRequest::kKvm) {
    if (problem) return fail("--accel kvm: " + *problem);
    return AccelPlan{Accel::kKvm, false, "requested with --accel kvm"};
  }
  if (problem) return AccelPlan{Accel::kTcg, false, *problem + "; using TCG"};
  if (auto remembered = environment.remembered_kvm_failure()) {
    return AccelPlan{Accel::kTcg, false, *remembered + " (remembered for this host boot); using TCG"};
  }
  return AccelPlan{Accel::kKvm, true, "/dev/kvm is usable and the guest kernel started under KVM"};
}

Expected<AccelPlan> fall_back_after_failed_probe(AccelRequest request, AccelEnvironment& environment,
                                                 std::chrono::milliseconds waited) {
  const std::string reason = "KVM probe: the guest kernel printed nothing within " + std::to_string(waited.count()) +
                             " ms under KVM (stuck in firmware: /dev/kvm cannot run an "
                             "ordinary guest here)";
  if (request == AccelRequest::kKvm) return fail("--accel kvm: " + reason);
  environment.remember_kvm_failure(reason);
  return AccelPlan{Accel::kTcg, false, reason + "; using TCG"};
}

namespace {

std::string host_boot_id() {
  auto text = read_file("/proc/sys/kernel/random/boot_id");
  if (!text) return "unknown";
  auto id = text.value();
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id;
}

}  // namespace

HostAccelEnvironment::HostAccelEnvironment(std::filesystem::path verdict_file)
    : verdict_file_(std::move(verdict_file)) {}

std::optional<std::string> HostAccelEnvironment::kvm_device_problem() {
  const int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::string("/dev/kvm cannot be opened: ") + std::strerror(errno);
  ::close(fd);
  return std::nullopt;
}

std::optional<std::string> HostAccelEnvironment::remembered_kvm_failure() {
  auto text = read_file(verdict_file_);
  if (!text) return std::nullopt;
  auto verdict = nlohmann::json::parse(text.value(), nullptr, false);
  if (!verdict.is_object() || verdict.value("boot_id", "") != host_boot_id()) return std::nullopt;
  return verdict.value("reason", std::string("KVM failed to boot a guest"));
}

void HostAccelEnvironment::remember_kvm_failure(const std::string& reason) {
  const nlohmann::json verdict = {{"boot_id", host_boot_id()}, {"reason", reason}};
  (void)write_file_atomically(verdict_file_, verdict.dump());
}

}  // namespace bh
