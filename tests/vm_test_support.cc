#include "tests/vm_test_support.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "harness/vm/doctor.h"
#include "util/files.h"
#include "util/temp_dir.h"

extern char** environ;

namespace bh::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string last_line(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const auto start = text.rfind('\n');
  return start == std::string::npos ? text : text.substr(start + 1);
}

Expected<BuiltModule> build_module_now(const std::string& patch) {
  const fs::path source = BH_SOURCE_DIR;
  TempDir dir("bh-module-test");
  SystemProcessRunner runner;
  const auto started = std::chrono::steady_clock::now();
  auto result = runner.run({.argv = {(source / "scripts/build-bcache-module").string(), (source / patch).string()},
                            .stdout_file = dir.path() / "stdout",
                            .timeout = std::chrono::minutes(20)});
  std::cerr << "build-bcache-module " << patch << " took "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s\n"
            << (result ? result.value().output : result.error().message);
  if (!result) return fail(result.error().message);
  auto printed = read_file(dir.path() / "stdout");
  const auto spec = last_line(printed ? printed.value() : "");
  if (result.value().exit_code != 0 || !spec.starts_with("module:")) {
    return fail("build-bcache-module failed (exit " + std::to_string(result.value().exit_code) +
                "): " + tail_lines(result.value().output, 10));
  }
  const auto at = spec.find("@debian:");
  return BuiltModule{spec, spec.substr(7, at - 7)};
}

}  // namespace

Expected<BuiltModule> build_patched_module(const std::string& patch) {
  static std::map<std::string, Expected<BuiltModule>> built;
  static std::mutex lock;
  std::lock_guard guard(lock);
  if (auto it = built.find(patch); it != built.end()) return it->second;
  return built.emplace(patch, build_module_now(patch)).first->second;
}

Expected<PreparedGuest> prepared(const std::string& spec) {
  static std::map<std::string, Expected<PreparedGuest>> cache;
  static std::mutex lock;
  std::lock_guard guard(lock);
  if (auto it = cache.find(spec); it != cache.end()) return it->second;
  SystemProcessRunner runner;
  auto result = prepare_guest(spec, runner, cache_root());
  cache.emplace(spec, result);
  return result;
}

BcacheSettings writethrough_64k_cutoff(DeviceKind devices) {
  BcacheSettings settings;
  settings.devices = devices;
  settings.cache_mode = CacheMode::kWritethrough;
  settings.sequential_cutoff_bytes = 65536;
  return settings;
}

Expected<ProvisionedGuest> boot_provisioned(const std::string& spec, const BcacheSettings& settings) {
  auto guest = prepared(spec);
  if (!guest) return guest.error();
  ProvisionedGuest result;
  result.dir = std::make_unique<TempDir>("bh-vm-test");
  std::vector<VirtioDisk> disks;
  if (settings.devices == DeviceKind::kVirtio) {
    auto images = create_virtio_images(settings, result.dir->path());
    if (!images) return images.error();
    disks = images.value();
  }
  HostAccelEnvironment accel(kvm_verdict_file(cache_root()));
  BootOptions options;
  options.accel = AccelRequest::kTcg;
  auto session =
      GuestSession::boot({guest.value().boot_image(), guest.value().image.path, guest.value().kernel.release, disks},
                         result.dir->path(), options, accel);
  if (!session) return session.error();
  result.session = std::move(session).value();
  Provisioner provisioner(result.session->agent());
  auto bcache = provisioner.provision(settings);
  if (!bcache) return fail(with_console_tail(bcache.error().message, result.session->vm()));
  result.bcache = bcache.value();
  return result;
}

bool process_alive(int pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0) return errno != ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_text, name, state;
  stat >> pid_text >> name >> state;
  return state != "Z";
}

int recorded_qemu_pid(const fs::path& run_dir) {
  std::ifstream in(run_dir / "qemu.pid");
  int pid = 0;
  in >> pid;
  return pid;
}

BackgroundCli::BackgroundCli(const std::vector<std::string>& args) {
  std::vector<std::string> words = {BH_CLI_PATH};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0) pid_ = pid;
}

BackgroundCli::~BackgroundCli() {
  if (pid_ > 0) (void)stop(SIGKILL);
}

int BackgroundCli::stop(int signal, std::chrono::seconds deadline) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  for (const auto end = std::chrono::steady_clock::now() + deadline;;) {
    const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_ || reaped < 0) break;
    if (std::chrono::steady_clock::now() >= end) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  pid_ = 0;
  return status;
}

ProcessResult run_cli(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  std::vector<std::string> argv = {BH_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  SystemProcessRunner runner;
  auto result = runner.run({.argv = argv, .timeout = timeout});
  return result ? result.value() : ProcessResult{-1, false, result.error().message};
}

}  // namespace bh::testing
