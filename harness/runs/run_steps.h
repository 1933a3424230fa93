#pragma once
/// The steps a race run and a power-cut cycle share, on one guest at a time: boot, provision
/// (or re-register after a cut), fill generation 1, race generation 2, read the region back.
///
/// A step that cannot prove its part of the workload happened throws RunStop (ERROR, or
/// SKIP when the kernel lacks what the scenario needs); run_race_once and the power-cut
/// cycles catch it.

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analysis/fio_json.h"
#include "analysis/trace/trace_capture.h"
#include "harness/bcache/provisioner.h"
#include "harness/bcache/run_disks.h"
#include "harness/results/run_summary.h"
#include "harness/runs/console_verdict.h"
#include "harness/runs/job_environment.h"
#include "harness/runs/run_context.h"
#include "harness/vm/guest_agent.h"
#include "harness/vm/guest_session.h"

namespace bh {

class RaceTrace;
class MemoryTracer;

/// Set (non-empty) in the environment, races run without bcache's tracepoints, to measure
/// what observing costs (README "Race evidence"). No such run can PASS: its evidence is missing.
inline constexpr const char* kNoRaceTraceVariable = "BH_NO_RACE_TRACE";

/// Whether kNoRaceTraceVariable is set.
bool race_tracing_disabled();

/// Set (non-empty) in the environment, runs record no memory trace (memory.trace/), to
/// measure what it costs. Such runs report no "bcache_memory".
inline constexpr const char* kNoMemoryTraceVariable = "BH_NO_MEMORY_TRACE";

/// Whether a run records bcache's own allocations (harness/runs/memory_trace.h) from
/// provisioning to power-off. Power-cut cycles do not: their guest never powers off.
enum class MemoryTracing { kRecord, kSkip };

/// How often the guest agent samples memory while a measured phase runs.
inline constexpr int kMemorySampleIntervalMs = 250;

/// The generation the fill writes and the one the race's writer writes.
inline constexpr unsigned kFillGeneration = 1;
inline constexpr unsigned kRaceGeneration = 2;

/// Ends a run (or a cut cycle) with a status and a reason.
struct RunStop {
  Status status;
  std::string reason;
};

/// Throws RunStop{status, reason}.
[[noreturn]] void stop(Status status, std::string reason);

/// The value, or RunStop ERROR "<what>: <message>".
template <class T>
T or_error(Expected<T> result, const std::string& what) {
  if (!result) stop(Status::kError, what + ": " + result.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(result).value();
}

/// What bcache serves over the checked region, and what the backing device holds there.
struct RegionReadback {
  std::string served;
  std::string backing;
};

/// One guest at a time, driven through the steps; timings and facts go to `timing_s` and
/// `facts`.
class RunSteps {
 public:
  RunSteps(const RunContext& context, std::map<std::string, double>& timing_s, RunFacts& facts,
           MemoryTracing memory_tracing = MemoryTracing::kRecord);
  ~RunSteps();

  /// What the run boots: the prepared kernel and image with these disks.
  BootTarget boot_target(const std::vector<VirtioDisk>& disks) const;
  /// Boots a guest whose console, logs and control socket live in `session_dir` (boot_guest:
  /// a hung boot is tried once more; facts' boot_retries records why).
  void boot(const std::filesystem::path& session_dir, const std::vector<VirtioDisk>& disks);
  /// The same with an explicit target and options; `phase` names it in timings and progress.
  void boot(const std::filesystem::path& session_dir, const BootTarget& target, const BootOptions& options,
            const std::string& phase = "boot");
  /// Formats and registers bcache with the scenario's settings (SKIP if knobs are missing).
  /// For a race or control scenario, bcache's tracepoints are armed first (RaceTrace::arm),
  /// while no bcache code runs, and the fill is written between formatting and registering
  /// (fill_data()); with MemoryTracing::kRecord the memory trace starts first too, and every
  /// phase after provisioning is marked in it.
  void provision();
  /// The run's disks in `dir` (check_space_for_run first; RunDisks::create; a refusal stops
  /// the run as an ERROR), held until the next call or the end of these steps; facts'
  /// "disks" records them.
  const std::vector<VirtioDisk>& create_disks(const std::filesystem::path& dir);
  /// The disks create_disks made (none before).
  const RunDisks* disks() const { return disks_.get(); }
  /// A run's start: the disk images (virtio devices) in the run directory, a boot on them,
  /// and provision().
  void start();
  /// Registers the devices bcache left after a cut. Returns "" when registration worked,
  /// else the kernel's refusal (a finding, not a harness error).
  std::string reattach();
  /// Writes generation 1 over the whole region through bcache0 (perf scenarios); ERROR
  /// unless fio wrote all of it.
  void fill();
  /// The whole race, with the guest's memory sampled every kMemorySampleInterval against a
  /// baseline taken just before it (race.memory.json) and bcache's tracepoints recorded
  /// (race_trace(), saved under race.trace/); ERROR unless the writer wrote its range and
  /// readers read.
  analysis::FioReport race();
  /// The race with a cut armed `after` fio starts, traced up to the moment the agent
  /// answered (fio may still run in the guest when it fired); returns that answer.
  GuestFioResult race_until_cut(std::chrono::milliseconds after);
  /// What the last race()/race_until_cut() recorded, or why nothing was ("" when it was).
  /// A race whose tracing failed still runs: a kernel without tracepoints can still FAIL.
  const analysis::TraceCapture& race_trace() const { return race_trace_; }
  const std::string& race_trace_error() const { return trace_error_; }
  /// The checked region through bcache and from the backing device.
  RegionReadback read_region();
  /// Stops the memory trace (saved as run_dir/memory.trace/), then asks the guest to power
  /// off; ERROR if it does not.
  void power_off();
  /// Why the run has no memory trace ("" when it has one, or none was asked for).
  const std::string& memory_trace_error() const { return memory_error_; }
  /// Runs `job` with the scenario's environment (generation 1's pattern) plus `extra_env`;
  /// fio's JSON goes to NAME.fio.json and every log fio wrote beside it under its own name.
  /// ERROR if fio times out.
  GuestFioResult run_job(const std::filesystem::path& job, const std::string& name,
                         const std::map<std::string, std::string>& extra_env, const FioRunOptions& options);
  /// The parsed report of a fio run that finished; ERROR if fio failed or its output does
  /// not parse.
  analysis::FioReport finished_report(const GuestFioResult& fio, const std::string& name);
  /// The guest's memory now (idle, between phases) with its time on the guest's clock.
  nlohmann::json memory_sample();
  /// Writes NAME.memory.json: {"interval_ms", "baseline", "samples"} (see run_metrics.h).
  void save_memory(const std::string& name, const nlohmann::json& baseline, const GuestFioResult& fio);
  /// Starts phase `name`: reports it and starts its clock.
  void phase(const std::string& name);
  /// Records the time since the last phase() as timing_s[name].
  void timed(const std::string& name);
  /// The running guest (boot first).
  GuestSession& session() { return *session_; }
  /// Kills QEMU if it still runs and forgets the guest.
  void end_guest() { session_.reset(); }
  /// The stack as provisioned or re-registered.
  const ProvisionedBcache& bcache() const { return bcache_; }

 private:
  /// The backing device's size: bcache's device size read back, plus the data offset.
  std::uint64_t backing_bytes();
  /// Race and control scenarios, between format and attach: the fill job writes generation
  /// 1 over the region through a view of the backing device's data (bcache0's offsets,
  /// no dm-delay, bcache not yet registered), so the race starts with the fill on the
  /// backing device and an empty cache: every first read misses. ERROR unless fio wrote all
  /// of it. Timed as "fill"; returns its seconds.
  double fill_data(Provisioner& provisioner);
  /// Runs the fill job on `device`; ERROR unless it wrote the whole fill range.
  void run_fill(const std::string& device);
  void arm_trace();
  void start_memory_trace();
  void stop_memory_trace();
  void start_trace();
  void stop_trace();
  /// Adds the time since `started` to timing_s[name] and to timing_s[total].
  void add_time(const std::string& name, const char* total, std::chrono::steady_clock::time_point started);
  GuestFioResult run_fio(const std::filesystem::path& job, unsigned generation, const std::string& name,
                         const FioRunOptions& options, const std::map<std::string, std::string>& extra_env = {});

  const RunContext& context_;
  std::map<std::string, double>& timing_s_;
  RunFacts& facts_;
  std::filesystem::path output_dir_;
  std::unique_ptr<RunDisks> disks_;  ///< declared before the session: QEMU goes first
  std::unique_ptr<GuestSession> session_;
  ProvisionedBcache bcache_;
  std::unique_ptr<RaceTrace> tracer_;
  analysis::TraceCapture race_trace_;
  std::string trace_error_;
  MemoryTracing memory_tracing_;
  std::unique_ptr<MemoryTracer> memory_tracer_;
  bool mark_phases_ = false;  ///< provisioned: phases are marked in the memory trace
  std::string memory_error_;
  std::chrono::steady_clock::time_point phase_start_ = std::chrono::steady_clock::now();
};

/// Total bytes the report's jobs wrote / reads they completed.
std::uint64_t written_bytes(const analysis::FioReport& report);
std::uint64_t read_ios(const analysis::FioReport& report);

/// A count and the name it is reported under.
struct NamedCount {
  const char* name;
  std::uint64_t count;
};

/// "N name; M name" for each count above 0, in order; "" when none is.
std::string nonzero_counts(std::initializer_list<NamedCount> counts);

/// About how many bytes a run with `region` writes into its directory: the fill and its copy
/// in the cache, the race's writes, bcache's metadata and the results.
std::uint64_t bytes_a_run_writes(const Region& region);

/// RunStop ERROR "no space left on device ..." when the filesystem of `dir` has less free
/// space than bytes_a_run_writes(region): a run that would fill it stops before booting.
void check_space_for_run(const std::filesystem::path& dir, const Region& region);

/// Runs `body` (a run's steps). Afterwards the result's console_findings hold the kernel's
/// findings on every console of run_dir (read_session_consoles), and its errors what was not
/// the kernel's. A RunStop becomes the result's status and reason; a kernel finding turns a
/// stop into a FAIL naming the kernel line, the stop's reason kept in errors. A console that
/// shows the emulator at fault (emulator_fault) makes the run an ERROR "QEMU: ...", whatever
/// else happened. Returns whether `body` completed and the caller should judge it (and then
/// settle_errors).
bool run_until_stopped(RunResult& result, const std::filesystem::path& run_dir, const std::function<void()>& body);

/// Adds the metrics of `phase` (analysis/run_metrics.h: latency_us, iops, memory_kib, ...)
/// from the files in `run_dir` to the result's summary fields. Returns "" or, when they
/// cannot be computed, why (also recorded as "metrics_error").
std::string add_run_metrics(RunResult& result, const std::filesystem::path& run_dir, const std::string& phase);

/// Records why the run has no memory figures as the metric "bcache_memory_error", when its
/// memory trace never started or stopped (`trace_error`, RunSteps::memory_trace_error())
/// and the metrics did not say why already.
void note_memory_trace_error(RunResult& result, const std::string& trace_error);

/// How long the writing job ran, in seconds (fio's write runtime; 0 without writes).
double writer_runtime_s(const analysis::FioReport& report);

/// The writing job's I/O size: bytes written over writes completed (0 without writes).
std::uint64_t writer_io_size(const analysis::FioReport& report);

}  // namespace bh
