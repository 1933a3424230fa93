#include "harness/vm/doctor.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "harness/vm/accel.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

struct RequiredProgram {
  const char* program;
  const char* package;
  const char* purpose;
};

constexpr RequiredProgram kPrograms[] = {
    {"qemu-system-x86_64", "qemu-system-x86", "runs the guest"},
    {"fio", "fio", "the workload, copied into the guest"},
    {"make-bcache", "bcache-tools", "formats bcache devices in the guest"},
    {"bcache-super-show", "bcache-tools", "reads bcache superblocks in the guest"},
    {"dmsetup", "dmsetup", "builds the dm-delay race amplifier in the guest"},
    {"cpio", "cpio", "packs the guest initramfs"},
    {"depmod", "kmod", "indexes the modules of downloaded kernels"},
    {"dpkg-deb", "dpkg", "unpacks kernel packages"},
    {"apt-get", "apt", "downloads Debian kernels"},
    {"xz", "xz-utils", "unpacks xz-compressed kernels and modules"},
    {"zstd", "zstd", "unpacks zstd-compressed kernels and modules"},
    {"ldd", "libc-bin", "finds the shared libraries the guest tools need"},
};

constexpr std::uint64_t kMinFreeBytes = 3ull << 30;

std::string gib(std::uint64_t bytes) {
  std::ostringstream text;
  text.precision(1);
  text << std::fixed << static_cast<double>(bytes) / (1ull << 30) << " GiB";
  return text.str();
}

DoctorCheck program_check(HostFacts& host, const RequiredProgram& p) {
  const auto where = host.find_program(p.program);
  return {p.program, where.has_value(), true,
          where ? where->string() + " (" + p.purpose + ")" : std::string("not found (") + p.purpose + ")",
          std::string("apt-get install ") + p.package};
}

DoctorCheck busybox_check(HostFacts& host) {
  const bool ok = host.file_exists("/bin/busybox");
  return {"busybox (static)", ok, true, ok ? "/bin/busybox (the guest's shell and tools)" : "not found",
          "apt-get install busybox-static"};
}

DoctorCheck agent_check(HostFacts& host, const DoctorPaths& paths) {
  const bool ok = host.file_exists(paths.agent_binary);
  return {"guest agent", ok, true, paths.agent_binary.string() + (ok ? "" : " missing"), "scripts/build"};
}

DoctorCheck kvm_check(HostFacts& host) {
  if (auto problem = host.kvm_device_problem()) {
    return {"kvm", false, false, *problem + "; runs use TCG (slower)",
            "load kvm_intel/kvm_amd and give this user access to /dev/kvm"};
  }
  if (auto remembered = host.remembered_kvm_failure()) {
    return {"kvm", false, false, *remembered + "; runs use TCG (slower)",
            "none needed: --accel auto falls back to TCG by itself"};
  }
  return {"kvm", true, false, "/dev/kvm opens; --accel auto probes it at the first boot", ""};
}

DoctorCheck disk_check(HostFacts& host, const std::string& name, const fs::path& path) {
  const auto free = host.free_bytes(path);
  return {name, free >= kMinFreeBytes, true,
          gib(free) + " free at " + path.string() + " (need " + gib(kMinFreeBytes) + ")",
          "free disk space or point XDG_CACHE_HOME / --out elsewhere"};
}

DoctorCheck kernels_check(HostFacts& host) {
  const auto kernels = host.cached_kernels();
  std::string list;
  for (const auto& release : kernels) list += (list.empty() ? "" : ", ") + release;
  return {"cached kernels", true, false,
          kernels.empty() ? "none yet (the first run downloads debian:stock, ~70 MB)" : list, ""};
}

}  // namespace

std::vector<DoctorCheck> run_doctor(HostFacts& host, const DoctorPaths& paths) {
  std::vector<DoctorCheck> checks;
  for (const auto& program : kPrograms) checks.push_back(program_check(host, program));
  checks.push_back(busybox_check(host));
  checks.push_back(agent_check(host, paths));
  checks.push_back(disk_check(host, "free disk (cache)", paths.cache_root));
  checks.push_back(disk_check(host, "free disk (output)", paths.output_dir));
  checks.push_back(kvm_check(host));
  checks.push_back(kernels_check(host));
  return checks;
}

bool can_start_run(const std::vector<DoctorCheck>& checks) {
  for (const auto& check : checks) {
    if (check.required && !check.ok) return false;
  }
  return true;
}

std::string render_doctor(const std::vector<DoctorCheck>& checks) {
  std::size_t width = 0;
  for (const auto& check : checks) width = std::max(width, check.name.size());
  std::ostringstream out;
  for (const auto& check : checks) {
    const char* mark = check.ok ? "ok     " : check.required ? "MISSING" : "note   ";
    out << mark << "  " << check.name << std::string(width - check.name.size() + 2, ' ') << check.detail;
    if (!check.ok && !check.fix.empty()) out << "\n" << std::string(width + 11, ' ') << "fix: " << check.fix;
    out << "\n";
  }
  out << (can_start_run(checks) ? "ready: a run can start\n" : "not ready: fix the MISSING lines above\n");
  return out.str();
}

fs::path kvm_verdict_file(const fs::path& cache_root) { return cache_root / "kvm-verdict.json"; }

SystemHostFacts::SystemHostFacts(fs::path cache_root) : cache_root_(std::move(cache_root)) {}

std::optional<fs::path> SystemHostFacts::find_program(const std::string& program) {
  std::string dirs = std::getenv("PATH") ? std::getenv("PATH") : "";
  dirs += ":/usr/sbin:/sbin";
  std::istringstream parts(dirs);
  std::string dir;
  while (std::getline(parts, dir, ':')) {
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return fs::path(dir) / program;
  }
  return std::nullopt;
}

bool SystemHostFacts::file_exists(const fs::path& path) {
  std::error_code error;
  return fs::exists(path, error);
}

std::optional<std::string> SystemHostFacts::kvm_device_problem() {
  return HostAccelEnvironment(kvm_verdict_file(cache_root_)).kvm_device_problem();
}

std::optional<std::string> SystemHostFacts::remembered_kvm_failure() {
  return HostAccelEnvironment(kvm_verdict_file(cache_root_)).remembered_kvm_failure();
}

std::vector<std::string> SystemHostFacts::cached_kernels() {
  std::vector<std::string> releases;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(cache_root_ / "kernels", error)) {
    if (fs::exists(entry.path() / ".complete")) releases.push_back(entry.path().filename().string());
  }
  std::sort(releases.begin(), releases.end());
  return releases;
}

std::uint64_t SystemHostFacts::free_bytes(const fs::path& path) {
  fs::path existing = fs::absolute(path);
  while (!fs::exists(existing) && existing.has_parent_path() && existing != existing.parent_path()) {
    existing = existing.parent_path();
  }
  struct statvfs info {};
  if (::statvfs(existing.c_str(), &info) != 0) return 0;
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

}  // namespace bh
