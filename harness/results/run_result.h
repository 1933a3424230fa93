#pragma once
/// What one run produced, typed: its status, the block counts it verified, what it learnt
/// about its guest and workload, its metrics and its power cuts. Written to summary.json
/// once (run_summary.h's to_json) under the field names users' CI scripts read.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/block_classifier.h"
#include "analysis/power_cut_classifier.h"

namespace bh {

/// KCIDB statuses: PASS (no stale data), FAIL (the kernel is faulty: stale data or an oops),
/// ERROR (the harness could not run it), SKIP (not applicable to this kernel).
enum class Status { kPass, kFail, kError, kSkip };

/// "PASS", "FAIL", "ERROR" or "SKIP".
std::string status_name(Status status);

/// The status status_name gives `name`; anything else is an ERROR (never a PASS).
Status status_from_name(std::string_view name);

/// What a run learnt about its guest and workload on the way; each is a run field of
/// summary.json under the name given, absent when the run never got that far.
struct RunFacts {
  std::string run_dir;                      ///< "run_dir"
  std::optional<std::string> accel;         ///< "accel": the accelerator the guest booted with
  std::optional<std::string> accel_reason;  ///< "accel_reason"
  std::vector<std::string> boot_retries;    ///< "boot_retries": each hung boot retried (absent: none)
  std::optional<std::map<std::string, std::string>> readback;  ///< "readback": knob -> value read back
  std::optional<std::uint64_t> fill_bytes;                     ///< "fill_bytes": what the fill wrote
  /// "backing_bytes": the backing device's size as the guest's bcache sees it (bcache0's size
  /// plus the data offset), read back after provisioning.
  std::optional<std::uint64_t> backing_bytes;
  /// "disks": how the cache and backing devices reached the guest (RunDisks::facts: devices,
  /// qemu_cache, aio, host_devices, direct_io).
  std::optional<nlohmann::json> disks;
  std::optional<std::uint64_t> race_write_bytes;   ///< "race_write_bytes": what the race's writer wrote
  std::optional<std::uint64_t> race_read_ios;      ///< "race_read_ios": reads the race's readers completed
  std::map<std::string, std::uint64_t> phase_ios;  ///< "PHASE_ios": I/Os of each perf phase
};

/// What bcache's tracepoints showed of one race phase (a run's, or a cut's up to the cut):
/// analysis/trace/race_evidence.h defines each count. Run (or cut) fields of summary.json:
/// bypass_writes {total, BY REASON...}, read_misses, race_windows, stale_inserts, and
/// "race_evidence" with the rest.
struct RaceEvidenceResult {
  std::uint64_t trace_events = 0;  ///< bcache events decoded
  std::uint64_t lost_events = 0;   ///< events the ring buffer lost (any makes the run an ERROR)
  std::uint64_t writer_writes = 0;
  std::uint64_t bypass_writes = 0;
  std::map<std::string, std::uint64_t> bypass_by_reason;  ///< sequential, congested, writearound, other
  std::uint64_t read_misses = 0;                          ///< in the written range
  std::uint64_t bypassed_read_misses = 0;                 ///< in the written range, never inserted
  std::uint64_t race_windows = 0;
  std::uint64_t stale_inserts = 0;
  std::uint64_t insert_collisions = 0;  ///< windows whose insert bcache's collision check dropped
  std::uint64_t min_race_windows = 0;   ///< what a PASS needs (race scenarios)
  /// Stale blocks a stale insert covers, of all the run's stale blocks.
  std::uint64_t stale_blocks_explained = 0;
  /// Per stale example (by its offset): {text, miss, insert, bypass_write}.
  std::map<std::uint64_t, nlohmann::json> explanations;
};

/// One power cut inside (or right after) the race, and what bcache served after the reboot.
/// Each member is the summary.json field of the same name.
struct PowerCutResult {
  unsigned index = 0;  ///< 1-based
  std::string method;  ///< "kill" or "sysrq-b"
  bool after_race = false;
  std::optional<double> at_s;  ///< seconds into the race's fio when the cut was triggered
  std::string dir;
  bool registered = false;       ///< bcache took its devices back after the reboot
  std::string journal_replay;    ///< bcache's journal replay line from the console
  std::optional<Status> status;  ///< none: the cut never reached a verdict (never a PASS)
  std::string reason;            ///< written with the status
  std::map<std::string, double> timing_s;
  std::vector<std::string> boot_retries;  ///< absent from the JSON when empty
  std::vector<std::string> console_findings;
  /// "errors": what failed that was not the kernel's (see RunResult::errors).
  std::vector<std::string> errors;
  std::optional<std::vector<std::string>> console_lines;  ///< bcache's lines when it refused the devices
  /// When the region was read back; its acknowledged_writes, in_flight_writes,
  /// stale_blocks_after_power_cut, torn_blocks and lost_writes are also cut fields of
  /// summary.json (0 without it).
  std::optional<analysis::PowerCutClassification> verification;
  /// The race up to the cut, from the trace read just before it.
  std::optional<RaceEvidenceResult> race_evidence;
};

/// A run's first attempt, when the run was made twice (see retrying_lost_measurements).
struct RetriedAttempt {
  std::string first_attempt_dir;     ///< where its files are kept
  std::string first_attempt_reason;  ///< why it was an ERROR
};

/// One run of one scenario with one seed.
struct RunResult {
  std::uint64_t seed = 0;
  Status status = Status::kError;
  std::string reason;  ///< why FAIL/ERROR/SKIP, for people
  /// Race and control runs that read their region back: the classification, whose counts
  /// (blocks_checked, stale_blocks, ...) are run fields of summary.json.
  std::optional<analysis::BlockClassification> verification;
  std::map<std::string, double> timing_s;  ///< boot, provision, fill, race, verify, ...
  std::vector<std::string> console_findings;
  /// "errors": every failure of the harness, QEMU, the host or the guest agent in this run,
  /// with its evidence. Never hidden by a FAIL: a run whose kernel failed and whose harness
  /// also broke is FAIL with these listed (settle_errors).
  std::vector<std::string> errors;
  RunFacts facts;
  /// The measured phase's metrics as analysis::run_metrics computes them (measured_phase,
  /// latency_us, iops, bandwidth_kib_s, memory_kib, bcache_counters): run fields of
  /// summary.json, recomputed by `report` from the run's raw files.
  nlohmann::json metrics = nlohmann::json::object();
  std::optional<std::string> metrics_error;  ///< "metrics_error": why the metrics are missing
  /// The race phase's evidence (race and control runs that traced it).
  std::optional<RaceEvidenceResult> race_evidence;
  /// "race_evidence_error": why a run that raced has no evidence (its kernel has no
  /// tracepoints, tracing failed); such a run can FAIL but never PASS.
  std::optional<std::string> race_evidence_error;
  /// "exercised": the run proved its workload tested what it claims (a race scenario: at
  /// least min_race_windows race windows or a stale block; a control: none). Absent when
  /// the run stopped before it could tell.
  std::optional<bool> exercised;
  /// One per power cut; empty without --power-cuts.
  std::vector<PowerCutResult> power_cuts;
  /// True only on an ERROR whose one error is a measurement the guest lost (a memory trace
  /// that missed events), which a fresh attempt with the same seed may not lose. Not in
  /// summary.json.
  bool lost_a_measurement = false;
  /// "retried": this is the second attempt of its seed; the first one's directory and reason.
  std::optional<RetriedAttempt> retried;

  /// The run's stale blocks (0 when it verified nothing).
  std::uint64_t stale_blocks() const { return verification ? verification->stale_blocks : 0; }
};

/// Applies a run's (or cut's) errors to its verdict: a FAIL stays FAIL (the kernel's finding
/// is what users must see; the errors stay listed beside it); anything else with errors is
/// an ERROR whose reason is the first error, unless the reason already is one. An ERROR's
/// reason is always among its errors.
void settle_errors(Status& status, std::string& reason, std::vector<std::string>& errors);

/// Adds `error` to `errors` unless it is already there.
void add_error(std::vector<std::string>& errors, const std::string& error);

/// One line for people: "PASS stale 0 of 4096; 412 race windows, all closed", or with the
/// stale inserts that were not closed, then the reason in parentheses when there is one,
/// and for a FAIL with harness errors "; and N harness errors: <the first>".
std::string run_line(const RunResult& run);

/// The cut as its summary.json object.
nlohmann::json to_json(const PowerCutResult& cut);

/// The run as its summary.json object.
nlohmann::json to_json(const RunResult& run);

}  // namespace bh
