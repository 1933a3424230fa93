#include "harness/runs/run_steps.h"

#include <cstdlib>

#include "analysis/memory/memory_capture.h"
#include "analysis/run_metrics.h"
#include "base/strings.h"
#include "harness/image/module_file.h"
#include "harness/runs/console_verdict.h"
#include "harness/runs/guest_boot.h"
#include "harness/runs/memory_trace.h"
#include "harness/runs/race_trace.h"
#include "harness/vm/console_findings.h"
#include "util/files.h"
#include "util/process_runner.h"

namespace bh {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void stop(Status status, std::string reason) { throw RunStop{status, std::move(reason)}; }

std::uint64_t written_bytes(const analysis::FioReport& report) {
  std::uint64_t bytes = 0;
  for (const auto& job : report.jobs) bytes += job.write.io_bytes;
  return bytes;
}

std::uint64_t read_ios(const analysis::FioReport& report) {
  std::uint64_t ios = 0;
  for (const auto& job : report.jobs) ios += job.read.total_ios;
  return ios;
}

double writer_runtime_s(const analysis::FioReport& report) {
  std::uint64_t runtime_ms = 0;
  for (const auto& job : report.jobs) {
    if (job.write.io_bytes > 0) runtime_ms = std::max(runtime_ms, job.write.runtime_ms);
  }
  return static_cast<double>(runtime_ms) / 1000.0;
}

std::uint64_t writer_io_size(const analysis::FioReport& report) {
  for (const auto& job : report.jobs) {
    if (job.write.total_ios > 0) return job.write.io_bytes / job.write.total_ios;
  }
  return 0;
}

std::string nonzero_counts(std::initializer_list<NamedCount> counts) {
  std::string text;
  for (const auto& [name, count] : counts) {
    if (count > 0) text += (text.empty() ? "" : "; ") + std::to_string(count) + " " + name;
  }
  return text;
}

namespace {

/// The emulator fault the run's console shows, if any (emulator_fault).
std::optional<std::string> console_emulator_fault(const fs::path& console_log) {
  auto console = read_file(console_log);
  return console ? emulator_fault(console.value()) : std::nullopt;
}

}  // namespace

bool run_until_stopped(RunResult& result, const fs::path& run_dir, const std::function<void()>& body) {
  std::optional<RunStop> stopped_by;
  try {
    body();
  } catch (const RunStop& stopped) {
    stopped_by = stopped;
  }
  // QEMU broke the guest: an ERROR of the platform, whatever the kernel's lines say.
  if (const auto fault = console_emulator_fault(run_dir / "console.log")) {
    result.status = Status::kError;
    result.reason = "QEMU: " + *fault + (stopped_by ? " (" + stopped_by->reason + ")" : "");
    add_error(result.errors, result.reason);
    return false;
  }
  auto consoles = read_session_consoles(run_dir, guest_speed(result.facts.accel));
  result.console_findings = consoles.findings;
  for (const auto& error : consoles.errors) add_error(result.errors, error);
  if (!stopped_by) return true;
  result.status = stopped_by->status;
  result.reason = stopped_by->reason;
  if (stopped_by->status == Status::kError) add_error(result.errors, stopped_by->reason);
  // The kernel's finding is the verdict; what the harness could not do stays in errors.
  if (!result.console_findings.empty() && result.status != Status::kFail) {
    result.status = Status::kFail;
    result.reason = "kernel: " + result.console_findings.front() + " (" + stopped_by->reason + ")";
  }
  settle_errors(result.status, result.reason, result.errors);
  return false;
}

std::string add_run_metrics(RunResult& result, const fs::path& run_dir, const std::string& phase) {
  auto metrics = analysis::run_metrics(run_dir, phase);
  if (!metrics) {
    result.metrics_error = metrics.error().message;
    return metrics.error().message;
  }
  result.metrics = std::move(metrics).value();
  return "";
}

void note_memory_trace_error(RunResult& result, const std::string& trace_error) {
  if (trace_error.empty() || result.metrics.contains("bcache_memory") || result.metrics.contains("bcache_memory_error"))
    return;
  result.metrics["bcache_memory_error"] = trace_error;
}

RunSteps::RunSteps(const RunContext& context, std::map<std::string, double>& timing_s, RunFacts& facts,
                   MemoryTracing memory_tracing)
    : context_(context),
      timing_s_(timing_s),
      facts_(facts),
      output_dir_(context.run_dir),
      memory_tracing_(memory_tracing) {}

RunSteps::~RunSteps() = default;

void RunSteps::phase(const std::string& name) {
  context_.on_phase(name);
  if (memory_tracer_ && mark_phases_) {
    const auto started = Clock::now();
    if (auto marked = memory_tracer_->mark(name); !marked) {
      memory_error_ = marked.error().message;  // the run goes on without its memory figures
      memory_tracer_.reset();
    }
    add_time("memory_trace_marks", "memory_trace", started);
  }
  phase_start_ = Clock::now();
}

void RunSteps::timed(const std::string& name) {
  timing_s_[name] = std::chrono::duration<double>(Clock::now() - phase_start_).count();
}

BootTarget RunSteps::boot_target(const std::vector<VirtioDisk>& disks) const {
  const auto& guest = context_.guest;
  return {guest.boot_image(), guest.image.path, guest.kernel.release, disks};
}

void RunSteps::boot(const fs::path& session_dir, const std::vector<VirtioDisk>& disks) {
  boot(session_dir, boot_target(disks), context_.boot);
}

void RunSteps::boot(const fs::path& session_dir, const BootTarget& target, const BootOptions& options,
                    const std::string& name) {
  phase(name);
  output_dir_ = session_dir;
  std::vector<std::string> hangs;
  auto session = boot_guest(target, session_dir, options, context_.accel_environment, hangs);
  facts_.boot_retries.insert(facts_.boot_retries.end(), hangs.begin(), hangs.end());
  session_ = or_error(std::move(session), "boot");
  facts_.accel = accel_name(session_->report().accel);
  facts_.accel_reason = session_->report().accel_reason;
  timed(name);
}

void RunSteps::provision() {
  if (context_.scenario.kind != ScenarioKind::kPerf) arm_trace();
  if (memory_tracing_ == MemoryTracing::kRecord) start_memory_trace();
  mark_phases_ = false;
  phase("provision");
  const auto started = Clock::now();
  const auto& settings = context_.scenario.settings;
  Provisioner provisioner(session_->agent());
  bcache_ = or_error(provisioner.format(settings), "provisioning bcache");
  const double fill_s = context_.scenario.kind != ScenarioKind::kPerf ? fill_data(provisioner) : 0.0;
  or_error(provisioner.attach(settings, context_.scenario.required_knobs, bcache_), "provisioning bcache");
  facts_.readback = bcache_.readback;
  if (!bcache_.missing_knobs.empty()) {
    std::string names;
    for (const auto& knob : bcache_.missing_knobs) names += (names.empty() ? "" : ", ") + knob;
    stop(Status::kSkip, "this kernel's bcache has no " + names + " (the scenario's bypass path does not exist)");
  }
  facts_.backing_bytes = backing_bytes();
  timing_s_["provision"] = std::chrono::duration<double>(Clock::now() - started).count() - fill_s;
  mark_phases_ = true;  // the next phase's mark is the baseline: registered and idle
}

std::uint64_t RunSteps::backing_bytes() {
  const auto sysfs = "/sys/block/" + fs::path(bcache_.bcache_device).filename().string() + "/size";
  const auto text = or_error(session_->agent().read_file(sysfs), "reading back the bcache device's size");
  const auto sectors = to_number(trim(text));
  if (!sectors) stop(Status::kError, sysfs + " holds '" + std::string(trim(text)) + "', no sector count");
  return *sectors * 512 + bcache_.data_offset_bytes;
}

std::uint64_t bytes_a_run_writes(const Region& region) {
  constexpr std::uint64_t kMetadataAndResults = 64ull << 20;  // bcache's journal and btree, traces, logs
  return 2 * region.fill_size() + region.write_size + kMetadataAndResults;
}

void check_space_for_run(const fs::path& dir, const Region& region) {
  const auto free = or_error(free_bytes(dir), "checking free space");
  const auto needed = bytes_a_run_writes(region);
  if (free < needed) {
    stop(Status::kError, "no space left on device for the run: " + dir.string() + " has " + std::to_string(free >> 20) +
                             " MiB free, the run writes about " + std::to_string(needed >> 20) +
                             " MiB (disk images and results)");
  }
}

const std::vector<VirtioDisk>& RunSteps::create_disks(const fs::path& dir) {
  check_space_for_run(dir, context_.scenario.region);
  disks_ = std::make_unique<RunDisks>(or_error(RunDisks::create(context_.scenario.settings, dir), "disks"));
  facts_.disks = disks_->facts();
  return disks_->disks();
}

void RunSteps::start() {
  boot(context_.run_dir, create_disks(context_.run_dir));
  provision();
}

std::string RunSteps::reattach() {
  phase("register");
  Provisioner provisioner(session_->agent());
  auto reattached = or_error(provisioner.reattach(context_.scenario.settings), "re-registering bcache");
  bcache_ = reattached.bcache;
  facts_.readback = bcache_.readback;
  timed("register");
  return reattached.refusal;
}

GuestFioResult RunSteps::run_fio(const fs::path& job, unsigned generation, const std::string& name,
                                 const FioRunOptions& options, const std::map<std::string, std::string>& extra_env) {
  const auto text = or_error(read_file(job), "reading job file");
  const auto timeout = std::chrono::seconds(context_.scenario.race_timeout_s + 120);
  auto environment = job_environment(context_.scenario, context_.seed, generation,
                                     race_writer_iodepth(context_.scenario, context_.power_cuts.any()));
  for (const auto& [key, value] : extra_env) environment[key] = value;
  auto fio = or_error(session_->agent().fio(text, {}, environment, timeout, options), name + " job");
  or_error(write_file_atomically(output_dir_ / (name + ".fio.json"), fio.json_output), "saving " + name + ".fio.json");
  for (const auto& [log_name, content] : fio.logs) {
    if (fs::path(log_name).filename() == log_name)
      or_error(write_file_atomically(output_dir_ / log_name, content), "saving " + log_name);
  }
  if (fio.timed_out) stop(Status::kError, name + " job timed out");
  return fio;
}

GuestFioResult RunSteps::run_job(const fs::path& job, const std::string& name,
                                 const std::map<std::string, std::string>& extra_env, const FioRunOptions& options) {
  return run_fio(job, kFillGeneration, name, options, extra_env);
}

nlohmann::json RunSteps::memory_sample() {
  return or_error(session_->agent().sample_memory(), "sampling the guest's memory");
}

void RunSteps::save_memory(const std::string& name, const nlohmann::json& baseline, const GuestFioResult& fio) {
  const nlohmann::json file = {
      {"interval_ms", kMemorySampleIntervalMs}, {"baseline", baseline}, {"samples", fio.samples}};
  or_error(write_file_atomically(output_dir_ / (name + ".memory.json"), file.dump()),
           "saving " + name + ".memory.json");
}

analysis::FioReport RunSteps::finished_report(const GuestFioResult& fio, const std::string& name) {
  if (fio.signal != 0) {
    stop(Status::kError,
         name + " job: fio was killed by signal " + std::to_string(fio.signal) + ": " + tail_lines(fio.stderr_text, 5));
  }
  if (fio.exit_code != 0) {
    stop(Status::kError, name + " job: fio exited with status " + std::to_string(fio.exit_code) + ": " +
                             tail_lines(fio.stderr_text, 5));
  }
  return or_error(analysis::parse_fio_json(fio.json_output), name + " job output");
}

void RunSteps::run_fill(const std::string& device) {
  const auto fio = run_fio(context_.scenario.fill_job, kFillGeneration, "fill", {}, {{"BH_DEV", device}});
  const auto report = finished_report(fio, "fill");
  const auto want = context_.scenario.region.fill_size();
  if (written_bytes(report) != want) {
    stop(Status::kError,
         "fill wrote " + std::to_string(written_bytes(report)) + " of " + std::to_string(want) + " bytes");
  }
  facts_.fill_bytes = written_bytes(report);
}

void RunSteps::fill() {
  phase("fill");
  run_fill(bcache_.bcache_device);
  timed("fill");
}

double RunSteps::fill_data(Provisioner& provisioner) {
  context_.on_phase("fill");
  const auto started = Clock::now();
  const auto& region = context_.scenario.region;
  const auto view = or_error(provisioner.open_data_view(bcache_, region.fill_offset() + region.fill_size()),
                             "opening the backing device's data for the fill");
  run_fill(view);
  or_error(provisioner.close_data_view(), "closing the fill's view of the backing device");
  timing_s_["fill"] = std::chrono::duration<double>(Clock::now() - started).count();
  return timing_s_["fill"];
}

bool race_tracing_disabled() {
  const char* value = std::getenv(kNoRaceTraceVariable);
  return value != nullptr && *value != '\0';
}

void RunSteps::arm_trace() {
  tracer_.reset();
  race_trace_ = {};
  trace_error_ = std::string("not traced (") + kNoRaceTraceVariable + " is set)";
  if (race_tracing_disabled()) return;
  const auto started = Clock::now();
  tracer_ = std::make_unique<RaceTrace>(session_->agent());
  if (auto armed = tracer_->arm(); !armed) {
    trace_error_ = armed.error().message;  // the race still runs: it can still FAIL
    tracer_.reset();
    return;
  }
  trace_error_.clear();
  add_time("trace_arm", "trace", started);
}

void RunSteps::start_trace() {
  race_trace_ = {};
  if (!tracer_) {
    if (trace_error_.empty()) trace_error_ = "tracing was not armed before bcache was provisioned";
    return;
  }
  const auto started = Clock::now();
  if (auto started_trace = tracer_->start(); !started_trace) {
    trace_error_ = started_trace.error().message;
    tracer_.reset();
    return;
  }
  add_time("trace_start", "trace", started);
}

void RunSteps::add_time(const std::string& name, const char* total, Clock::time_point started) {
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  timing_s_[name] += seconds;
  timing_s_[total] += seconds;
}

void RunSteps::stop_trace() {
  if (!tracer_) return;
  const auto started = Clock::now();
  auto capture = tracer_->stop();
  tracer_.reset();
  if (!capture) {
    trace_error_ = capture.error().message;
    return;
  }
  race_trace_ = std::move(capture).value();
  add_time("trace_stop", "trace", started);
  or_error(analysis::save_trace_capture(race_trace_, output_dir_ / "race.trace"), "saving the race's trace");
}

void RunSteps::start_memory_trace() {
  memory_tracer_.reset();
  memory_error_.clear();
  const char* off = std::getenv(kNoMemoryTraceVariable);
  if (off != nullptr && *off != '\0') {
    memory_error_ = std::string("not traced (") + kNoMemoryTraceVariable + " is set)";
    return;
  }
  const auto started = Clock::now();
  SystemProcessRunner runner;
  auto bytes = image::read_module_file(runner, context_.guest.kernel.modules_dir, "bcache");
  auto image = bytes ? analysis::read_module_image(bytes.value()) : Expected<analysis::ModuleImage>(bytes.error());
  if (!image) {
    memory_error_ = "memory tracing: bcache.ko: " + image.error().message;
    return;
  }
  memory_tracer_ = std::make_unique<MemoryTracer>(session_->agent(), "bcache", std::move(image).value());
  if (auto traced = memory_tracer_->start(); !traced) {
    memory_error_ = traced.error().message;  // e.g. a kernel without kprobe events: no figures, same run
    memory_tracer_.reset();
    return;
  }
  add_time("memory_trace_start", "memory_trace", started);
}

void RunSteps::stop_memory_trace() {
  if (!memory_tracer_) return;
  const auto started = Clock::now();
  auto capture = memory_tracer_->stop();
  memory_tracer_.reset();
  if (!capture) {
    memory_error_ = capture.error().message;
    return;
  }
  if (auto saved = analysis::save_memory_capture(capture.value(), output_dir_ / analysis::kModuleMemoryTraceDir);
      !saved)
    memory_error_ = "saving the memory trace: " + saved.error().message;
  add_time("memory_trace_stop", "memory_trace", started);
}

analysis::FioReport RunSteps::race() {
  phase("race");
  const auto baseline = memory_sample();
  start_trace();
  const auto fio =
      run_fio(context_.scenario.race_job, kRaceGeneration, "race", FioRunOptions{kMemorySampleIntervalMs, {}});
  stop_trace();
  save_memory("race", baseline, fio);
  const auto report = finished_report(fio, "race");
  const auto want = context_.scenario.region.write_size;
  facts_.race_write_bytes = written_bytes(report);
  facts_.race_read_ios = read_ios(report);
  if (written_bytes(report) != want) {
    stop(Status::kError, "the race's writer wrote " + std::to_string(written_bytes(report)) + " of " +
                             std::to_string(want) + " bytes: the workload did not happen as designed");
  }
  if (read_ios(report) == 0) stop(Status::kError, "the race's readers completed no reads: no race happened");
  timed("race");
  return report;
}

GuestFioResult RunSteps::race_until_cut(std::chrono::milliseconds after) {
  phase("race");
  start_trace();
  auto fio = run_fio(context_.scenario.race_job, kRaceGeneration, "race", FioRunOptions{0, after});
  stop_trace();
  timed("race");
  return fio;
}

RegionReadback RunSteps::read_region() {
  phase("verify");
  const auto& region = context_.scenario.region;
  auto& agent = session_->agent();
  RegionReadback readback;
  readback.served = or_error(agent.read_blocks(bcache_.bcache_device, region.fill_offset(), region.fill_size()),
                             "reading back " + bcache_.bcache_device);
  readback.backing = or_error(
      agent.read_blocks(bcache_.backing_device, bcache_.data_offset_bytes + region.fill_offset(), region.fill_size()),
      "reading the backing device " + bcache_.backing_device);
  timed("verify");
  return readback;
}

void RunSteps::power_off() {
  stop_memory_trace();
  phase("poweroff");
  or_error(session_->power_off(), "power-off");
  timed("poweroff");
}

}  // namespace bh
