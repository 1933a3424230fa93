#include "harness/runs/guest_commands.h"

#include "analysis/fio_json.h"
#include "harness/bcache/disk_images.h"
#include "harness/bcache/provisioner.h"
#include "harness/bcache/run_disks.h"
#include "harness/exit/harness_error.h"
#include "harness/results/run_directory.h"
#include "harness/runs/guest_boot.h"
#include "harness/vm/doctor.h"
#include "harness/vm/guest_preparation.h"
#include "util/files.h"
#include "util/process_runner.h"

namespace bh {
namespace fs = std::filesystem;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

Json image_json(const PreparedGuest& prepared) {
  const auto& image = prepared.image;
  return {{"path", image.path.string()},    {"hash", image.hash},     {"size_bytes", image.size_bytes},
          {"build_s", image.build_seconds}, {"reused", image.reused}, {"modules", image.modules}};
}

Json kernel_json(const GuestOptions& options, const PreparedGuest& prepared) {
  return {{"spec", options.kernel_spec},
          {"release", prepared.kernel.release},
          {"source", prepared.kernel.source},
          {"boot_image", prepared.boot_image().string()}};
}

/// Everything one guest command records, written to run.json as it grows.
class RunRecord {
 public:
  RunRecord(fs::path dir, std::string command) : dir_(std::move(dir)) {
    json_ = {{"schema", 1}, {"command", command}, {"status", "ERROR"}, {"timing_s", Json::object()}};
  }
  Json& json() { return json_; }
  void time(const std::string& phase, double seconds) { json_["timing_s"][phase] = seconds; }
  void save() const { save_result_json(dir_, "run.json", json_); }
  /// Records an error and throws it as HarnessError with the same code.
  [[noreturn]] void fail_with(ExitCode code, const std::string& message) {
    json_["status"] = "ERROR";
    json_["error"] = message;
    save();
    throw HarnessError(code, message + "\n(partial results in " + dir_.string() + ")");
  }
  /// The value, or fail_with(kError, "<what>: <message>").
  template <class T>
  T value_or_fail(Expected<T> result, const std::string& what) {
    if (!result)
      fail_with(ExitCode::kError, what.empty() ? result.error().message : what + ": " + result.error().message);
    return std::move(result).value();
  }

 private:
  fs::path dir_;
  Json json_;
};

PreparedGuest prepare_recorded(const GuestOptions& options, RunRecord& record, const RunEvents& events) {
  SystemProcessRunner runner;
  events.say("preparing kernel " + options.kernel_spec + " and guest image");
  auto prepared = record.value_or_fail(prepare_guest(options.kernel_spec, runner, cache_root()), "");
  record.json()["kernel"] = kernel_json(options, prepared);
  record.json()["image"] = image_json(prepared);
  record.time("kernel", prepared.kernel_seconds);
  record.time("image_build", prepared.image.build_seconds);
  events.say("guest image " + std::string(prepared.image.reused ? "reused" : "built") + ": " +
             std::to_string(prepared.image.size_bytes >> 20) + " MiB");
  return prepared;
}

struct BootedGuest {
  std::unique_ptr<GuestSession> session;
  ProvisionedBcache bcache;
  std::shared_ptr<RunDisks> disks;  ///< held while the guest runs (host loop devices)
};

BootedGuest boot_and_provision(const PreparedGuest& prepared, const BcacheSettings& settings, const fs::path& dir,
                               const BootOptions& boot, RunRecord& record, const RunEvents& events) {
  auto run_disks = std::make_shared<RunDisks>(record.value_or_fail(RunDisks::create(settings, dir), ""));
  const auto& disks = run_disks->disks();
  record.json()["disks"] = run_disks->facts();
  HostAccelEnvironment accel_environment(kvm_verdict_file(cache_root()));
  events.say("booting " + prepared.kernel.release);
  std::vector<std::string> hangs;
  auto session = boot_guest({prepared.boot_image(), prepared.image.path, prepared.kernel.release, disks}, dir, boot,
                            accel_environment, hangs);
  for (const auto& hang : hangs) record.json()["boot_retries"].push_back(hang);
  auto guest = record.value_or_fail(std::move(session), "");
  const auto& report = guest->report();
  record.json()["accel"] = accel_name(report.accel);
  record.json()["accel_reason"] = report.accel_reason;
  record.json()["kernel"]["guest_release"] = report.guest_release;
  record.time("boot_to_agent", report.boot_to_agent_s);
  events.say("guest agent ready after " + std::to_string(report.boot_to_agent_s).substr(0, 4) + " s (" +
             accel_name(report.accel) + ": " + report.accel_reason + ")");
  const auto start = Clock::now();
  Provisioner provisioner(guest->agent());
  auto bcache = provisioner.provision(settings);
  if (!bcache) {
    record.fail_with(ExitCode::kError,
                     with_console_tail("provisioning bcache: " + bcache.error().message, guest->vm()));
  }
  record.time("provision", seconds_since(start));
  record.json()["bcache"] = {{"cache_device", bcache.value().cache_device},
                             {"backing_device", bcache.value().backing_top},
                             {"cset_uuid", bcache.value().cset_uuid},
                             {"data_offset_bytes", bcache.value().data_offset_bytes},
                             {"readback", bcache.value().readback}};
  record.save();
  events.say("bcache provisioned: " + bcache.value().bcache_device + " over " + bcache.value().cache_device + " + " +
             bcache.value().backing_top + ", cache_mode " + bcache.value().readback["cache_mode"]);
  return {std::move(guest), bcache.value(), run_disks};
}

/// {"total_ios", "jobs": [{"name", "error", "read_ios", "read_iops", "write_ios", "write_iops"}]}.
Json fio_counts(const analysis::FioReport& report) {
  Json jobs = Json::array();
  for (const auto& job : report.jobs) {
    jobs.push_back({{"name", job.name},
                    {"error", job.error},
                    {"read_ios", job.read.total_ios},
                    {"read_iops", job.read.iops},
                    {"write_ios", job.write.total_ios},
                    {"write_iops", job.write.iops}});
  }
  return {{"total_ios", report.total_ios()}, {"jobs", jobs}};
}

}  // namespace

Json prepare_image(const GuestOptions& options) {
  check_kernel_spec(options.kernel_spec);
  SystemProcessRunner runner;
  const auto prepared = value_or_throw(prepare_guest(options.kernel_spec, runner, cache_root()));
  return {{"kernel", kernel_json(options, prepared)},
          {"kernel_s", prepared.kernel_seconds},
          {"image", image_json(prepared)}};
}

FioJobOutcome run_fio_job(const GuestOptions& options, const fs::path& job_file, std::chrono::seconds fio_timeout,
                          const RunEvents& events) {
  const auto job_text = value_or_throw(read_file(job_file), ExitCode::kUsage);
  const auto settings = settings_from(options);
  check_kernel_spec(options.kernel_spec);
  const auto dir = create_out_dir(options, "fio");
  RunRecord record(dir, "fio");
  record.json()["job_file"] = fs::absolute(job_file).string();
  record.json()["kernel"] = {{"spec", options.kernel_spec}};
  const auto prepared = prepare_recorded(options, record, events);
  auto guest = boot_and_provision(prepared, settings, dir, boot_options(options), record, events);
  auto& session = *guest.session;
  events.say("running " + job_file.filename().string());
  const auto fio_start = Clock::now();
  auto fio = session.agent().fio(job_text, {}, {{"BH_DEV", guest.bcache.bcache_device}}, fio_timeout);
  if (!fio) record.fail_with(ExitCode::kError, with_console_tail("fio: " + fio.error().message, session.vm()));
  record.time("fio", seconds_since(fio_start));
  save_result_file(dir / "fio.json", fio.value().json_output);
  for (const auto& [name, content] : fio.value().logs) save_result_file(dir / name, content);
  if (fio.value().exit_code != 0) {
    record.fail_with(ExitCode::kError, "fio exited with status " + std::to_string(fio.value().exit_code) + ": " +
                                           tail_lines(fio.value().stderr_text, 10));
  }
  const auto report = record.value_or_fail(analysis::parse_fio_json(fio.value().json_output), "fio");
  if (report.total_ios() == 0) record.fail_with(ExitCode::kError, "fio completed no I/O: the workload did not happen");
  record.json()["fio"] = fio_counts(report);
  const auto off_start = Clock::now();
  if (auto off = session.power_off(); !off) record.fail_with(ExitCode::kError, off.error().message);
  record.time("poweroff", seconds_since(off_start));
  record.json()["status"] = "DONE";
  record.save();
  return {record.json(), dir};
}

void run_shell(const GuestOptions& options, const RunEvents& events) {
  const auto settings = settings_from(options);
  check_kernel_spec(options.kernel_spec);
  const auto dir = create_out_dir(options, "shell");
  RunRecord record(dir, "shell");
  SystemProcessRunner runner;
  const auto prepared = value_or_throw(prepare_guest(options.kernel_spec, runner, cache_root()));
  auto boot = boot_options(options);
  boot.console = ConsoleMode::kInteractive;
  boot.extra_cmdline = "bh.shell=1";
  auto guest = boot_and_provision(prepared, settings, dir, boot, record, events);
  events.say("attached to the guest console; leave with `poweroff -f` (or exit the shell)");
  while (!guest.session->vm().wait_for_exit(std::chrono::hours(24))) {
  }
  record.json()["status"] = "DONE";
  record.save();
}

}  // namespace bh
