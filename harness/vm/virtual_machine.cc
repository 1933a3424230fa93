#include "harness/vm/virtual_machine.h"

#include <sys/wait.h>

#include <boost/process.hpp>
#include <thread>

#include "util/child_guard.h"
#include "util/files.h"
#include "util/interrupt.h"
#include "util/process_runner.h"

namespace bh {
namespace bp = boost::process;
using namespace std::chrono_literals;

struct VirtualMachine::Process {
  bp::child child;
};

namespace {

boost::filesystem::path find_qemu(const std::filesystem::path& binary) {
  if (binary.has_parent_path()) return binary.string();
  return bp::search_path(binary.string());
}

/// Polls `done` every 20 ms until it is true or the timeout passes; Ctrl-C throws.
template <class Predicate>
bool poll_until(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    throw_if_interrupted();
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

}  // namespace

Expected<std::unique_ptr<VirtualMachine>> VirtualMachine::start(const VmConfig& config,
                                                                const std::filesystem::path& qemu_log) {
  const auto program = find_qemu(config.qemu_binary);
  if (program.empty()) {
    return fail(config.qemu_binary.string() + " not found on PATH; install it with: apt-get install qemu-system-x86");
  }
  auto argv = qemu_argv(config);
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  std::error_code error;
  std::unique_ptr<Process> process;
  if (config.console == ConsoleMode::kInteractive) {
    process.reset(
        new Process{bp::child(program, bp::args(args), bp::std_err > qemu_log.string(), DieWithParent{}, error)});
  } else {
    process.reset(new Process{bp::child(program, bp::args(args),
                                        bp::std_in<"/dev/null", (bp::std_out & bp::std_err)> qemu_log.string(),
                                        DieWithParent{}, error)});
  }
  if (error) return fail("could not start QEMU (" + program.string() + "): " + error.message());
  return std::unique_ptr<VirtualMachine>(new VirtualMachine(config, std::move(process)));
}

VirtualMachine::VirtualMachine(VmConfig config, std::unique_ptr<Process> process)
    : config_(std::move(config)), process_(std::move(process)) {}

VirtualMachine::~VirtualMachine() {
  kill();
  std::error_code ignored;
  if (process_->child.valid()) process_->child.wait(ignored);
}

int VirtualMachine::pid() const { return process_->child.id(); }

bool VirtualMachine::running() {
  std::error_code ignored;
  return process_->child.running(ignored);
}

std::string VirtualMachine::exit_description() {
  if (running()) return "running";
  const int status = process_->child.native_exit_code();
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

std::optional<std::string> VirtualMachine::gone_reason() {
  if (!running()) return "QEMU " + exit_description();
  return io_error_pause_now();
}

std::optional<std::string> VirtualMachine::io_error_pause_now() {
  if (config_.qmp_socket.empty() || std::chrono::steady_clock::now() < next_qmp_check_) return std::nullopt;
  next_qmp_check_ = std::chrono::steady_clock::now() + 1s;
  if (!qmp_) {
    auto client = QmpClient::connect(config_.qmp_socket, 500ms);
    if (!client) return std::nullopt;  // asked again in a second; the agent's own deadline still holds
    qmp_ = std::move(client).value();
  }
  auto status = qmp_->execute("query-status", 1s);
  auto blocks = status ? qmp_->execute("query-block", 1s) : Expected<nlohmann::json>(status.error());
  if (!blocks) {
    qmp_.reset();
    return std::nullopt;
  }
  return io_error_pause(status.value(), blocks.value());
}

bool VirtualMachine::exited_cleanly() {
  if (running()) return false;
  const int status = process_->child.native_exit_code();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string VirtualMachine::console_tail(std::size_t lines) const {
  auto text = read_file(config_.console_log);
  return text ? tail_lines(text.value(), lines) : std::string("(no console log)");
}

bool VirtualMachine::wait_for_console(std::string_view needle, std::chrono::milliseconds timeout) {
  bool found = false;
  poll_until(
      [&] {
        auto text = read_file(config_.console_log);
        found = text && text.value().find(needle) != std::string::npos;
        return found || !running();
      },
      timeout);
  return found;
}

bool VirtualMachine::wait_for_exit(std::chrono::milliseconds timeout) {
  return poll_until([&] { return !running(); }, timeout);
}

void VirtualMachine::kill() {
  std::error_code ignored;
  if (running()) process_->child.terminate(ignored);
}

}  // namespace bh
