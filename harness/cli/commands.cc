#include "harness/cli/commands.h"

#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "analysis/fio_json.h"
#include "harness/base/files.h"
#include "harness/base/process_runner.h"
#include "harness/core/doctor.h"
#include "harness/core/guest_preparation.h"
#include "harness/core/guest_session.h"
#include "harness/core/provisioner.h"
#include "harness/core/run_directory.h"
#include "harness/kernel/kernel_spec.h"

namespace bh::cli {
namespace fs = std::filesystem;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

BcacheSettings settings_from(const GuestOptions& options) {
  BcacheSettings settings;
  for (const auto& assignment : options.settings) {
    value_or_throw(apply_setting_assignment(settings, assignment), ExitCode::kUsage);
  }
  value_or_throw(validate(settings), ExitCode::kUsage);
  return settings;
}

/// Checks the spec's form before anything is created: a malformed spec is a usage error.
void check_spec_or_throw(const GuestOptions& options) {
  value_or_throw(parse_kernel_spec(options.kernel_spec), ExitCode::kUsage);
}

PreparedGuest prepare_or_throw(const GuestOptions& options, ProcessRunner& runner) {
  check_spec_or_throw(options);
  return value_or_throw(prepare_guest(options.kernel_spec, runner, cache_root()));
}

Json image_json(const PreparedGuest& prepared) {
  const auto& image = prepared.image;
  return {{"path", image.path.string()}, {"hash", image.hash}, {"size_bytes", image.size_bytes},
          {"build_s", image.build_seconds}, {"reused", image.reused}, {"modules", image.modules}};
}

Json kernel_json(const GuestOptions& options, const PreparedGuest& prepared) {
  return {{"spec", options.kernel_spec}, {"release", prepared.kernel.release},
          {"source", prepared.kernel.source}, {"boot_image", prepared.boot_image().string()}};
}

/// Everything one guest run records, written to run.json as it grows.
class RunRecord {
 public:
  RunRecord(fs::path dir, std::string command) : dir_(std::move(dir)) {
    json_ = {{"schema", 1}, {"command", command}, {"status", "ERROR"}, {"timing_s", Json::object()}};
  }
  Json& json() { return json_; }
  void time(const std::string& phase, double seconds) { json_["timing_s"][phase] = seconds; }
  void save() const { (void)write_json(dir_, "run.json", json_); }
  /// Records an error and rethrows it as HarnessError with the same code.
  [[noreturn]] void fail_with(ExitCode code, const std::string& message) {
    json_["status"] = "ERROR";
    json_["error"] = message;
    save();
    throw HarnessError(code, message + "\n(partial results in " + dir_.string() + ")");
  }

 private:
  fs::path dir_;
  Json json_;
};

fs::path out_dir_for(const GuestOptions& options, const std::string& command) {
  const auto wanted = options.out_dir.empty() ? default_run_directory(command) : options.out_dir;
  return value_or_throw(create_run_directory(wanted), ExitCode::kUsage);
}

struct BootedGuest {
  std::unique_ptr<GuestSession> session;
  ProvisionedBcache bcache;
};

BootedGuest boot_and_provision(const PreparedGuest& prepared,
                               const BcacheSettings& settings, const fs::path& dir,
                               BootOptions boot, RunRecord& record, const Progress& progress) {
  std::vector<VirtioDisk> disks;
  if (settings.devices == DeviceKind::kVirtio) {
    auto images = create_virtio_images(settings, dir);
    if (!images) record.fail_with(ExitCode::kError, images.error().message);
    disks = images.value();
  }
  HostAccelEnvironment accel_environment(kvm_verdict_file(cache_root()));
  progress.say("booting " + prepared.kernel.release);
  auto session = GuestSession::boot({prepared.boot_image(), prepared.image.path, prepared.kernel.release, disks},
                                    dir, boot, accel_environment);
  if (!session) record.fail_with(ExitCode::kError, session.error().message);
  const auto& report = session.value()->report();
  record.json()["accel"] = accel_name(report.accel);
  record.json()["accel_reason"] = report.accel_reason;
  record.json()["kernel"]["guest_release"] = report.guest_release;
  record.time("boot_to_agent", report.boot_to_agent_s);
  progress.say("guest agent ready after " + std::to_string(report.boot_to_agent_s).substr(0, 4) +
               " s (" + accel_name(report.accel) + ": " + report.accel_reason + ")");
  const auto start = Clock::now();
  Provisioner provisioner(session.value()->agent());
  auto bcache = provisioner.provision(settings);
  if (!bcache) record.fail_with(ExitCode::kError, with_console_tail("provisioning bcache: " + bcache.error().message, session.value()->vm()));
  record.time("provision", seconds_since(start));
  record.json()["bcache"] = {{"cache_device", bcache.value().cache_device},
                             {"backing_device", bcache.value().backing_top},
                             {"cset_uuid", bcache.value().cset_uuid},
                             {"data_offset_bytes", bcache.value().data_offset_bytes},
                             {"readback", bcache.value().readback}};
  record.save();
  progress.say("bcache provisioned: " + bcache.value().bcache_device + " over " + bcache.value().cache_device +
               " + " + bcache.value().backing_top + ", cache_mode " + bcache.value().readback["cache_mode"]);
  return {std::move(session).value(), bcache.value()};
}

}  // namespace

BootOptions boot_options(const GuestOptions& options) {
  BootOptions boot;
  boot.accel = options.accel;
  boot.agent_timeout = options.boot_timeout;
  boot.memory_mib = options.memory_mib;
  return boot;
}

int doctor_command() {
  SystemHostFacts host(cache_root());
  const auto checks = run_doctor(host, {cache_root(), guest_agent_path(), fs::current_path()});
  std::cout << render_doctor(checks);
  return can_start_run(checks) ? 0 : static_cast<int>(ExitCode::kError);
}

int image_command(const GuestOptions& options) {
  SystemProcessRunner runner;
  const auto prepared = prepare_or_throw(options, runner);
  std::cout << Json{{"kernel", kernel_json(options, prepared)}, {"kernel_s", prepared.kernel_seconds},
                    {"image", image_json(prepared)}}.dump(2) << "\n";
  return 0;
}

int fio_command(const GuestOptions& options, const fs::path& job_file, std::chrono::seconds fio_timeout) {
  const auto job_text = value_or_throw(read_file(job_file), ExitCode::kUsage);
  const auto settings = settings_from(options);
  check_spec_or_throw(options);
  const auto dir = out_dir_for(options, "fio");
  Progress progress;
  RunRecord record(dir, "fio");
  record.json()["job_file"] = fs::absolute(job_file).string();
  record.json()["kernel"] = {{"spec", options.kernel_spec}};
  SystemProcessRunner runner;
  progress.say("preparing kernel " + options.kernel_spec + " and guest image");
  auto prepared = prepare_guest(options.kernel_spec, runner, cache_root());
  if (!prepared) record.fail_with(ExitCode::kError, prepared.error().message);
  record.json()["kernel"] = kernel_json(options, prepared.value());
  record.json()["image"] = image_json(prepared.value());
  record.time("kernel", prepared.value().kernel_seconds);
  record.time("image_build", prepared.value().image.build_seconds);
  progress.say("guest image " + std::string(prepared.value().image.reused ? "reused" : "built") + ": " +
               std::to_string(prepared.value().image.size_bytes >> 20) + " MiB");
  auto guest = boot_and_provision(prepared.value(), settings, dir, boot_options(options), record, progress);
  auto& session = *guest.session;
  progress.say("running " + job_file.filename().string());
  const auto fio_start = Clock::now();
  auto fio = session.agent().fio(job_text, {}, {{"BH_DEV", guest.bcache.bcache_device}}, fio_timeout);
  if (!fio) record.fail_with(ExitCode::kError, with_console_tail("fio: " + fio.error().message, session.vm()));
  record.time("fio", seconds_since(fio_start));
  (void)write_file_atomically(dir / "fio.json", fio.value().json_output);
  for (const auto& [name, content] : fio.value().logs) (void)write_file_atomically(dir / name, content);
  if (fio.value().exit_code != 0) {
    record.fail_with(ExitCode::kError, "fio exited with status " + std::to_string(fio.value().exit_code) + ": " +
                                           tail_lines(fio.value().stderr_text, 10));
  }
  auto report = analysis::parse_fio_json(fio.value().json_output);
  if (!report) record.fail_with(ExitCode::kError, "fio: " + report.error().message);
  if (report.value().total_ios() == 0) record.fail_with(ExitCode::kError, "fio completed no I/O: the workload did not happen");
  Json jobs = Json::array();
  for (const auto& job : report.value().jobs) {
    jobs.push_back({{"name", job.name}, {"error", job.error}, {"read_ios", job.read.total_ios},
                    {"read_iops", job.read.iops}, {"write_ios", job.write.total_ios}, {"write_iops", job.write.iops}});
  }
  record.json()["fio"] = {{"total_ios", report.value().total_ios()}, {"jobs", jobs}};
  const auto off_start = Clock::now();
  if (auto off = session.power_off(); !off) record.fail_with(ExitCode::kError, off.error().message);
  record.time("poweroff", seconds_since(off_start));
  record.json()["status"] = "DONE";
  record.save();
  for (const auto& job : jobs) {
    std::cout << "fio job " << job["name"].get<std::string>() << ": " << job["read_ios"] << " reads ("
              << static_cast<long>(job["read_iops"].get<double>()) << " IOPS), " << job["write_ios"]
              << " writes (" << static_cast<long>(job["write_iops"].get<double>()) << " IOPS)\n";
  }
  std::cout << "DONE  kernel " << prepared.value().kernel.release << " (" << record.json()["accel"].get<std::string>()
            << "), results in " << dir.string() << "\n";
  return 0;
}

int shell_command(const GuestOptions& options) {
  const auto settings = settings_from(options);
  const auto dir = out_dir_for(options, "shell");
  Progress progress;
  RunRecord record(dir, "shell");
  SystemProcessRunner runner;
  auto prepared = prepare_or_throw(options, runner);
  auto boot = boot_options(options);
  boot.console = ConsoleMode::kInteractive;
  boot.extra_cmdline = "bh.shell=1";
  auto guest = boot_and_provision(prepared, settings, dir, boot, record, progress);
  progress.say("attached to the guest console; leave with `poweroff -f` (or exit the shell)");
  while (!guest.session->vm().wait_for_exit(std::chrono::hours(24))) {
  }
  record.json()["status"] = "DONE";
  record.save();
  return 0;
}

}  // namespace bh::cli
