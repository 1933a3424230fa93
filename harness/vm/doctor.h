#pragma once
/// `bcache-harness doctor`: what a run needs, what is present, and the command that fixes
/// each missing piece.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bh {

/// The host facts doctor looks at; faked in tests.
class HostFacts {
 public:
  virtual ~HostFacts() = default;
  /// Where `program` is (PATH, /usr/sbin, /sbin), if anywhere.
  virtual std::optional<std::filesystem::path> find_program(const std::string& program) = 0;
  virtual bool file_exists(const std::filesystem::path& path) = 0;
  /// Why /dev/kvm cannot be opened, or nullopt.
  virtual std::optional<std::string> kvm_device_problem() = 0;
  /// A remembered "KVM cannot boot a guest here" verdict.
  virtual std::optional<std::string> remembered_kvm_failure() = 0;
  /// Releases with a complete entry in the kernel cache.
  virtual std::vector<std::string> cached_kernels() = 0;
  /// Free bytes on the filesystem holding `path` (or its nearest existing parent).
  virtual std::uint64_t free_bytes(const std::filesystem::path& path) = 0;
};

/// One line of the doctor's report.
struct DoctorCheck {
  std::string name;
  bool ok = false;
  bool required = true;  ///< a run cannot start without it
  std::string detail;
  std::string fix;  ///< the command that fixes it, when not ok
};

/// Where doctor looks for what it checks.
struct DoctorPaths {
  std::filesystem::path cache_root;
  std::filesystem::path agent_binary;
  std::filesystem::path output_dir = ".";
};

/// Every check, required ones first.
std::vector<DoctorCheck> run_doctor(HostFacts& host, const DoctorPaths& paths);

/// True when every required check passed.
bool can_start_run(const std::vector<DoctorCheck>& checks);

/// The report as aligned text lines: "ok   name  detail" / "MISSING name  detail  -> fix".
std::string render_doctor(const std::vector<DoctorCheck>& checks);

/// The real host.
class SystemHostFacts : public HostFacts {
 public:
  explicit SystemHostFacts(std::filesystem::path cache_root);
  std::optional<std::filesystem::path> find_program(const std::string& program) override;
  bool file_exists(const std::filesystem::path& path) override;
  std::optional<std::string> kvm_device_problem() override;
  std::optional<std::string> remembered_kvm_failure() override;
  std::vector<std::string> cached_kernels() override;
  std::uint64_t free_bytes(const std::filesystem::path& path) override;

 private:
  std::filesystem::path cache_root_;
};

/// Where the remembered KVM verdict lives in the cache.
std::filesystem::path kvm_verdict_file(const std::filesystem::path& cache_root);

}  // namespace bh
