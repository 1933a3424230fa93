#include "harness/runs/perf_run.h"

#include <cstdlib>
#include <memory>
#include <optional>

#include "analysis/memory/module_memory.h"
#include "analysis/run_metrics.h"
#include "harness/bcache/bcache_counters.h"
#include "harness/bcache/provisioner.h"
#include "harness/results/run_directory.h"
#include "harness/runs/run_steps.h"
#include "harness/runs/trace_counters.h"
#include "util/clock.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;
using Json = nlohmann::json;

std::map<std::string, std::string> perf_phase_environment(const std::string& phase, std::uint32_t seconds) {
  return {{"BH_RUNTIME", std::to_string(seconds)}, {"BH_LAT_LOG", phase}};
}

std::string perf_workload_problem(const analysis::FioReport& report, std::uint32_t runtime_s) {
  if (report.jobs.empty()) return "fio reported no jobs";
  const double wanted_ms = 0.9 * 1000.0 * runtime_s;
  for (const auto& job : report.jobs) {
    if (job.read.total_ios + job.write.total_ios == 0) return "job '" + job.name + "' completed no I/O";
    const auto ran_ms = std::max(job.read.runtime_ms, job.write.runtime_ms);
    if (static_cast<double>(ran_ms) < wanted_ms) {
      return "job '" + job.name + "' ran " + std::to_string(ran_ms) + " ms of the " + std::to_string(runtime_s) +
             " s measured runtime";
    }
  }
  return "";
}

void add_memory_error(RunResult& result, const std::string& memory_error) {
  add_error(result.errors, "bcache's memory: " + memory_error);
  settle_errors(result.status, result.reason, result.errors);
  if (result.status == Status::kError && result.errors.size() == 1 && analysis::is_trace_loss(memory_error)) {
    result.lost_a_measurement = true;
  }
}

namespace {

/// The perf run's phases on one guest.
class PerfRun {
 public:
  PerfRun(const RunContext& context, RunResult& result)
      : context_(context), result_(result), steps_(context, result.timing_s, result.facts) {}

  void run() {
    steps_.start();
    use_counter_source();
    // bcache0 is new: stats_total counts from zero since registration (the kernel's own
    // read of the partition table included), and the tracefs counters from now, so the
    // first phase's reading needs no fold to be awaited before it (~14 s a run saved).
    counters_before_ = or_error(counter_source_->read(), "reading bcache's counters after provisioning");
    if (!context_.scenario.fill_job.empty()) {
      steps_.fill();
      record_counters("fill");
    }
    const auto& perf = context_.scenario.perf;
    if (perf.warmup_s > 0) perf_phase("warmup", perf.warmup_s);
    perf_phase(kPerfMeasuredPhase, perf.runtime_s);
    steps_.power_off();
  }

  void end_guest() { steps_.end_guest(); }

  /// Why the run has no memory trace ("" when it has one).
  const std::string& memory_trace_error() const { return steps_.memory_trace_error(); }

 private:
  /// Runs the perf job for `seconds` as phase `name`, sampling memory against an idle
  /// baseline; ERROR unless the workload provably ran.
  void perf_phase(const std::string& name, std::uint32_t seconds) {
    steps_.phase(name);
    const auto baseline = steps_.memory_sample();
    const auto fio = steps_.run_job(context_.scenario.perf_job, name, perf_phase_environment(name, seconds),
                                    FioRunOptions{kMemorySampleIntervalMs, {}});
    steps_.save_memory(name, baseline, fio);
    const auto report = steps_.finished_report(fio, name);
    steps_.timed(name);
    result_.facts.phase_ios[name] = report.total_ios();
    if (const auto problem = perf_workload_problem(report, seconds); !problem.empty()) {
      stop(Status::kError, name + " phase: " + problem + ": the workload did not happen as designed");
    }
    record_counters(name, report.read_ios());
  }

  /// The counters counted as requests happen (trace_counters.h) when the guest kernel can
  /// arm them; else bcache0's stats_total, whose readings wait for bcache's fold, with the
  /// reason kept for bcache-counters.json.
  void use_counter_source() {
    tracefs_unavailable_ = arm_trace_counters();
    if (counting_with_tracefs()) return;
    const auto device = fs::path(steps_.bcache().bcache_device).filename().string();
    counter_source_ = std::make_unique<GuestCounterSource>(steps_.session().agent(), bcache_stats_total_dir(device));
  }

  /// "" when the tracefs counters are armed and in use; else why they are not.
  std::string arm_trace_counters() {
    const char* forced = std::getenv(kStatsTotalCountersVariable);
    if (forced != nullptr && *forced != '\0')
      return std::string("not used (") + kStatsTotalCountersVariable + " is set)";
    auto traced = std::make_unique<TraceCounterSource>(steps_.session().agent());
    if (auto armed = traced->arm(); !armed) return armed.error().message;
    counter_source_ = std::move(traced);
    return "";
  }

  bool counting_with_tracefs() const { return tracefs_unavailable_.empty(); }

  /// bcache's counters once they hold everything the phase did.
  SettledCounters settled_counters(const std::string& after_phase) {
    steps_.phase("settle counters");
    SteadyClock clock;
    auto settled =
        counting_with_tracefs() ? quiet_counters(*counter_source_, clock) : settle_counters(*counter_source_, clock);
    auto counters = or_error(std::move(settled), "reading bcache's counters after " + after_phase);
    steps_.timed("settle_" + after_phase);
    return counters;
  }

  /// Records phase `name`'s counters: before it, after it, and the difference; with the
  /// reads fio made in it, when fio alone read the device (not in the fill, which follows
  /// the kernel's own reads at registration).
  void record_counters(const std::string& name, std::optional<std::uint64_t> fio_reads = std::nullopt) {
    const auto after = settled_counters(name);
    const auto delta = or_error(counter_delta(counters_before_, after.values), "bcache's counters over " + name);
    counters_[name] = to_json(counters_before_, after, delta);
    counters_[name]["source"] = counting_with_tracefs() ? kTracefsCounters : kStatsTotalCounters;
    if (!counting_with_tracefs()) counters_[name]["tracefs_unavailable"] = tracefs_unavailable_;
    if (fio_reads) counters_[name].update(reads_check(delta, *fio_reads));
    counters_before_ = after.values;
    // Saved after every phase, so a run that stops later keeps the phases it completed.
    or_error(write_json(context_.run_dir, "bcache-counters.json", counters_), "saving bcache-counters.json");
  }

  const RunContext& context_;
  RunResult& result_;
  RunSteps steps_;
  std::unique_ptr<CounterSource> counter_source_;
  std::string tracefs_unavailable_;  ///< why the counters come from stats_total; "" when they do not
  BcacheCounterValues counters_before_;
  Json counters_ = Json::object();
};

}  // namespace

RunResult run_perf_once(const RunContext& context, std::string& used_accel) {
  RunResult result;
  result.seed = context.seed;
  result.facts.run_dir = context.run_dir.string();
  PerfRun perf(context, result);
  if (run_until_stopped(result, context.run_dir, [&] { perf.run(); })) {
    result.status = result.console_findings.empty() ? Status::kPass : Status::kFail;
    if (!result.console_findings.empty()) result.reason = "kernel: " + result.console_findings.front();
    settle_errors(result.status, result.reason, result.errors);
  }
  if (result.facts.accel) used_accel = *result.facts.accel;
  perf.end_guest();
  remove_virtio_images(context.run_dir);
  if (fs::exists(context.run_dir / (std::string(kPerfMeasuredPhase) + ".fio.json"))) {
    const auto problem = add_run_metrics(result, context.run_dir, kPerfMeasuredPhase);
    if (!problem.empty() && result.status == Status::kPass) {
      add_error(result.errors, "the measured phase's metrics: " + problem);
      settle_errors(result.status, result.reason, result.errors);
    }
    // A memory trace that was recorded but gives no honest figure (lost events) is no
    // measurement; one that could not start (a kernel without kprobe events) is noted.
    const auto memory_error = result.metrics.find("bcache_memory_error");
    if (memory_error != result.metrics.end() && result.status == Status::kPass &&
        fs::exists(context.run_dir / analysis::kModuleMemoryTraceDir)) {
      add_memory_error(result, memory_error->get<std::string>());
    }
    note_memory_trace_error(result, perf.memory_trace_error());
  }
  return result;
}

}  // namespace bh
