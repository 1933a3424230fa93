#include "harness/core/race_run.h"

#include <chrono>
#include <cstdio>

#include "analysis/block_classifier.h"
#include "analysis/fio_json.h"
#include "harness/base/files.h"
#include "harness/core/console_findings.h"
#include "harness/core/provisioner.h"

namespace bh {
namespace fs = std::filesystem;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string generation_pattern(unsigned generation) {
  char text[16];
  std::snprintf(text, sizeof text, "0x424847%02x", generation & 0xffu);
  return text;
}

std::map<std::string, std::string> job_environment(const Scenario& scenario, std::uint64_t seed,
                                                   unsigned generation) {
  const auto& region = scenario.region;
  return {{"BH_DEV", "/dev/bcache0"},
          {"BH_SEED", std::to_string(seed)},
          {"BH_GEN_PATTERN", generation_pattern(generation)},
          {"BH_WRITE_OFFSET", std::to_string(region.write_offset)},
          {"BH_WRITE_SIZE", std::to_string(region.write_size)},
          {"BH_READ_OFFSET", std::to_string(region.read_offset)},
          {"BH_READ_SIZE", std::to_string(region.read_size)},
          {"BH_FILL_OFFSET", std::to_string(region.fill_offset())},
          {"BH_FILL_SIZE", std::to_string(region.fill_size())},
          {"BH_READ_RUNTIME", std::to_string(scenario.race_timeout_s)}};
}

namespace {

constexpr unsigned kFillGeneration = 1;
constexpr unsigned kRaceGeneration = 2;

/// Thrown inside a run to end it as ERROR (or SKIP) with a reason; caught in run_race_once.
struct RunStop {
  Status status;
  std::string reason;
};

[[noreturn]] void stop(Status status, std::string reason) { throw RunStop{status, std::move(reason)}; }

template <class T>
T or_error(Expected<T> result, const std::string& what) {
  if (!result) stop(Status::kError, what + ": " + result.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(result).value();
}

class RaceRun {
 public:
  RaceRun(const RaceRunContext& context, RunResult& result) : context_(context), result_(result) {}

  void run() {
    boot();
    provision();
    fill();
    race();
    verify();
    power_off();
  }

  /// Ends the guest (kills QEMU if it still runs), so its disk images can go.
  void end_guest() { session_.reset(); }

 private:
  void phase(const std::string& name) {
    context_.on_phase(name);
    phase_start_ = Clock::now();
  }
  void timed(const std::string& name) {
    result_.timing_s[name] = std::chrono::duration<double>(Clock::now() - phase_start_).count();
  }

  void boot() {
    phase("boot");
    const auto& s = context_.scenario.settings;
    std::vector<VirtioDisk> disks;
    if (s.devices == DeviceKind::kVirtio) disks = or_error(create_virtio_images(s, context_.run_dir), "disk images");
    const auto& guest = context_.guest;
    session_ = or_error(GuestSession::boot({guest.boot_image(), guest.image.path, guest.kernel.release, disks},
                                           context_.run_dir, context_.boot, context_.accel_environment),
                        "boot");
    result_.extra["accel"] = accel_name(session_->report().accel);
    result_.extra["accel_reason"] = session_->report().accel_reason;
    timed("boot");
  }

  void provision() {
    phase("provision");
    Provisioner provisioner(session_->agent());
    bcache_ = or_error(provisioner.provision(context_.scenario.settings, context_.scenario.required_knobs),
                       "provisioning bcache");
    result_.extra["readback"] = bcache_.readback;
    if (!bcache_.missing_knobs.empty()) {
      std::string names;
      for (const auto& knob : bcache_.missing_knobs) names += (names.empty() ? "" : ", ") + knob;
      stop(Status::kSkip, "this kernel's bcache has no " + names + " (the scenario's bypass path does not exist)");
    }
    timed("provision");
  }

  analysis::FioReport run_job(const fs::path& job, unsigned generation, const std::string& name) {
    const auto text = or_error(read_file(job), "reading job file");
    const auto timeout = std::chrono::seconds(context_.scenario.race_timeout_s + 120);
    auto fio = or_error(session_->agent().fio(text, {}, job_environment(context_.scenario, context_.seed, generation), timeout),
                        name + " job");
    (void)write_file_atomically(context_.run_dir / (name + ".fio.json"), fio.json_output);
    if (fio.timed_out) stop(Status::kError, name + " job timed out");
    if (fio.exit_code != 0) {
      stop(Status::kError, name + " job: fio exited with status " + std::to_string(fio.exit_code) + ": " +
                               tail_lines(fio.stderr_text, 5));
    }
    return or_error(analysis::parse_fio_json(fio.json_output), name + " job output");
  }

  static std::uint64_t written_bytes(const analysis::FioReport& report) {
    std::uint64_t bytes = 0;
    for (const auto& job : report.jobs) bytes += job.write.io_bytes;
    return bytes;
  }

  static std::uint64_t read_ios(const analysis::FioReport& report) {
    std::uint64_t ios = 0;
    for (const auto& job : report.jobs) ios += job.read.total_ios;
    return ios;
  }

  void fill() {
    phase("fill");
    const auto report = run_job(context_.scenario.fill_job, kFillGeneration, "fill");
    const auto want = context_.scenario.region.fill_size();
    if (written_bytes(report) != want) {
      stop(Status::kError, "fill wrote " + std::to_string(written_bytes(report)) + " of " + std::to_string(want) + " bytes");
    }
    result_.extra["fill_bytes"] = written_bytes(report);
    timed("fill");
  }

  void race() {
    phase("race");
    const auto report = run_job(context_.scenario.race_job, kRaceGeneration, "race");
    const auto want = context_.scenario.region.write_size;
    result_.extra["race_write_bytes"] = written_bytes(report);
    result_.extra["race_read_ios"] = read_ios(report);
    if (written_bytes(report) != want) {
      stop(Status::kError, "the race's writer wrote " + std::to_string(written_bytes(report)) + " of " +
                               std::to_string(want) + " bytes: the workload did not happen as designed");
    }
    if (read_ios(report) == 0) stop(Status::kError, "the race's readers completed no reads: no race happened");
    timed("race");
  }

  void verify() {
    phase("verify");
    const auto& region = context_.scenario.region;
    auto& agent = session_->agent();
    const auto served = or_error(agent.read_blocks(bcache_.bcache_device, region.fill_offset(), region.fill_size()),
                                 "reading back " + bcache_.bcache_device);
    const auto backing = or_error(agent.read_blocks(bcache_.backing_device, bcache_.data_offset_bytes + region.fill_offset(),
                                                    region.fill_size()),
                                  "reading the backing device " + bcache_.backing_device);
    analysis::BlockRegion blocks{std::as_bytes(std::span(served)), std::as_bytes(std::span(backing)), region.fill_offset(),
                                 analysis::generation_in_range(region.write_offset, region.write_offset + region.write_size,
                                                               kRaceGeneration, kFillGeneration)};
    const auto classification = or_error(analysis::classify_blocks(blocks), "classifying blocks");
    result_.verification = analysis::to_json(classification);
    if (classification.newer_blocks > 0) {
      stop(Status::kError, std::to_string(classification.newer_blocks) +
                               " blocks hold a generation the harness never wrote there: the harness's expectation is wrong");
    }
    timed("verify");
  }

  void power_off() {
    phase("poweroff");
    or_error(session_->power_off(), "power-off");
    timed("poweroff");
  }

  const RaceRunContext& context_;
  RunResult& result_;
  std::unique_ptr<GuestSession> session_;
  ProvisionedBcache bcache_;
  Clock::time_point phase_start_ = Clock::now();
};

/// FAIL when the kernel served wrong data or complained; PASS otherwise.
void judge(RunResult& result) {
  const auto& v = result.verification;
  auto count = [&](const char* key) { return v.value(key, std::uint64_t{0}); };
  std::vector<std::string> problems;
  for (const char* key : {"stale_blocks", "lost_writes", "torn_blocks", "misplaced_blocks", "unrecognised_blocks"}) {
    if (count(key) > 0) problems.push_back(std::to_string(count(key)) + " " + key);
  }
  if (!result.console_findings.empty()) problems.push_back("kernel: " + result.console_findings.front());
  if (problems.empty()) {
    result.status = Status::kPass;
    return;
  }
  result.status = Status::kFail;
  for (const auto& problem : problems) result.reason += (result.reason.empty() ? "" : "; ") + problem;
}

std::vector<std::string> console_problems(const fs::path& run_dir) {
  std::vector<std::string> lines;
  auto console = read_file(run_dir / "console.log");
  if (!console) return lines;
  for (const auto& finding : scan_console(console.value())) lines.push_back(finding.line);
  return lines;
}

void remove_disk_images(const fs::path& run_dir) {
  std::error_code ignored;
  fs::remove(run_dir / "cache.img", ignored);
  fs::remove(run_dir / "backing.img", ignored);
}

}  // namespace

RunResult run_race_once(const RaceRunContext& context, std::string& used_accel) {
  RunResult result;
  result.seed = context.seed;
  result.extra["run_dir"] = context.run_dir.string();
  RaceRun race(context, result);
  try {
    race.run();
    result.console_findings = console_problems(context.run_dir);
    judge(result);
  } catch (const RunStop& stopped) {
    result.console_findings = console_problems(context.run_dir);
    result.status = stopped.status;
    result.reason = stopped.reason;
    // An oops explains an ERROR: the kernel, not the harness, broke the run.
    if (stopped.status == Status::kError && !result.console_findings.empty()) {
      result.status = Status::kFail;
      result.reason = "kernel: " + result.console_findings.front() + " (" + stopped.reason + ")";
    }
  }
  if (result.extra.contains("accel")) used_accel = result.extra["accel"].get<std::string>();
  race.end_guest();
  remove_disk_images(context.run_dir);
  return result;
}

}  // namespace bh
