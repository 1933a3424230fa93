#include "harness/vm/guest_session.h"

#include <fstream>

#include "base/strings.h"
#include "protocol/message_fields.h"
#include "util/files.h"
#include "util/process_runner.h"

namespace bh {
using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string with_console_tail(const std::string& message, const VirtualMachine& vm, std::size_t lines) {
  return message + "; last " + std::to_string(lines) + " console lines (" + vm.config().console_log.string() + "):\n" +
         vm.console_tail(lines);
}

namespace {

/// unix socket paths are limited to 107 bytes; deep run directories get a short temp dir.
bool socket_path_fits(const fs::path& path) { return path.string().size() < 100; }

}  // namespace

Expected<void> GuestSession::start_vm(const BootTarget& target, const fs::path& run_dir, const BootOptions& options,
                                      Accel accel) {
  if (socket_path_.empty()) {
    socket_path_ = run_dir / "ctl.sock";
    if (!socket_path_fits(socket_path_)) {
      socket_dir_.emplace("bh-ctl");
      socket_path_ = socket_dir_->path() / "ctl.sock";
    }
  }
  std::error_code ignored;
  fs::remove(socket_path_, ignored);
  fs::remove(socket_path_.parent_path() / "qmp.sock", ignored);
  VmConfig config;
  config.accel = accel;
  config.kernel_image = target.kernel_image;
  config.initramfs = target.initramfs;
  config.extra_cmdline = options.extra_cmdline;
  config.memory_mib = options.memory_mib;
  config.cpus = options.cpus;
  config.disks = target.disks;
  config.console_log = run_dir / "console.log";
  config.control_socket = socket_path_;
  config.qmp_socket = socket_path_.parent_path() / "qmp.sock";
  config.console = options.console;
  vm_.reset();
  started_ = std::chrono::steady_clock::now();
  qemu_log_ = run_dir / "qemu.log";
  auto vm = VirtualMachine::start(config, qemu_log_);
  if (!vm) return vm.error();
  vm_ = std::move(vm).value();
  report_.accel = accel;
  report_.qemu_pid = vm_->pid();
  std::ofstream(run_dir / "qemu.pid") << vm_->pid() << "\n";
  return outcome::success();
}

Expected<void> GuestSession::connect_agent(const BootTarget& target, const BootOptions& options) {
  auto channel = SocketGuestChannel::connect(socket_path_, 10s, [vm = vm_.get()] { return vm->gone_reason(); });
  if (!channel) return fail(with_console_tail(channel.error().message + qemu_said(), *vm_));
  channel_ = std::move(channel).value();
  auto ready = channel_->wait_until_ready(options.agent_timeout);
  if (!ready) {
    return fail(with_console_tail(
        "guest agent not ready (" + ready.error().message + "; QEMU " + vm_->exit_description() + ")", *vm_));
  }
  report_.boot_to_agent_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  agent_ = std::make_unique<GuestAgent>(*channel_);
  auto release = protocol::required_string(ready.value(), "uname_r");
  if (!release) return fail("guest agent's ready event: " + release.error().message);
  report_.guest_release = std::move(release).value();
  if (!target.expected_release.empty() && report_.guest_release != target.expected_release) {
    return fail("the guest runs kernel '" + report_.guest_release + "' but the spec resolved to '" +
                target.expected_release + "'");
  }
  return outcome::success();
}

std::string GuestSession::qemu_said() const {
  auto text = read_file(qemu_log_);
  if (!text || trim(text.value()).empty()) return "";
  return "; QEMU, booting " + vm_->config().kernel_image.string() +
         ", said: " + std::string(trim(tail_lines(text.value(), 5)));
}

Expected<std::unique_ptr<GuestSession>> GuestSession::boot(const BootTarget& target, const fs::path& run_dir,
                                                           const BootOptions& options,
                                                           AccelEnvironment& accel_environment) {
  auto plan = plan_accel(options.accel, accel_environment);
  if (!plan) return plan.error();
  std::unique_ptr<GuestSession> session(new GuestSession());
  if (auto started = session->start_vm(target, run_dir, options, plan.value().accel); !started) {
    return started.error();
  }
  if (plan.value().probe && !session->vm_->wait_for_console(kKernelStartMarker, options.kvm_probe)) {
    session->vm_->kill();
    session->vm_->wait_for_exit(5s);
    fs::rename(run_dir / "console.log", run_dir / "console-kvm-probe.log");
    auto fallback = fall_back_after_failed_probe(options.accel, accel_environment, options.kvm_probe);
    if (!fallback) return fallback.error();
    plan = fallback;
    if (auto restarted = session->start_vm(target, run_dir, options, plan.value().accel); !restarted) {
      return restarted.error();
    }
  }
  session->report_.accel_reason = plan.value().reason;
  if (auto connected = session->connect_agent(target, options); !connected) return connected.error();
  return session;
}

Expected<void> GuestSession::power_off(std::chrono::milliseconds timeout) {
  if (auto asked = agent_->power_off(); !asked) return fail(with_console_tail(asked.error().message, *vm_));
  if (!vm_->wait_for_exit(timeout)) {
    return fail(
        with_console_tail("the guest did not power off within " + std::to_string(timeout.count() / 1000) + " s", *vm_));
  }
  if (!vm_->exited_cleanly()) {
    return fail(with_console_tail("QEMU " + vm_->exit_description() + " at power-off", *vm_));
  }
  return outcome::success();
}

}  // namespace bh
