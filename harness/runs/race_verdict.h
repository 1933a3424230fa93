#pragma once
/// From a traced race phase to its verdict: the race evidence summarised for summary.json
/// (every stale block explained where a stale insert covers it), and the rules that let a
/// race or control run PASS only when it proved it tested what it claims.

#include <cstdint>
#include <optional>

#include "analysis/block_classifier.h"
#include "analysis/trace/race_evidence.h"
#include "analysis/trace/trace_capture.h"
#include "base/expected.h"
#include "harness/results/run_result.h"
#include "harness/scenario/scenario.h"

namespace bh {

/// Where the scenario's region lies for bcache's events: backing-device sectors.
struct EvidenceFrame {
  std::uint64_t data_offset_sectors = 0;  ///< the backing device's data offset
  std::uint64_t first_event_ns = 0;       ///< times are reported from here
};

/// Decodes `capture` and finds the evidence for the scenario's written range. Errors name
/// what does not parse.
struct TracedRace {
  analysis::BcacheTrace trace;
  analysis::RaceEvidence evidence;
};
Expected<TracedRace> trace_race(const analysis::TraceCapture& capture, const Scenario& scenario,
                                std::uint64_t data_offset_bytes);

/// The evidence's counts, and an explanation for every stale block of `verification`
/// (nullptr: none verified) that a stale insert covers.
RaceEvidenceResult summarize_race_evidence(const TracedRace& traced, const Scenario& scenario,
                                           std::uint64_t data_offset_bytes,
                                           const analysis::BlockClassification* verification);

class RunSteps;

/// The evidence of the last race `steps` ran, for the scenario's region, with every stale
/// block of `verification` (nullptr: none read back) explained; none when the race was not
/// traced (steps.race_trace_error() says why). RunStop ERROR when the trace does not parse.
std::optional<RaceEvidenceResult> race_evidence(const RunSteps& steps, const Scenario& scenario,
                                                const analysis::BlockClassification* verification);

/// The explanation of one stale block: {text, miss, insert, bypass_write}, sectors on the
/// bcache device, times in seconds from the trace's first event.
nlohmann::json explain_stale_insert(const analysis::ReadMiss& miss, const analysis::BypassWrite& write,
                                    const EvidenceFrame& frame);

/// Sets the status, reason and `exercised` of a race or control run that verified its
/// region (result.verification) and traced its race (result.race_evidence; without it a
/// run can FAIL, otherwise it is an ERROR "not exercised: no race evidence (...)"):
/// - wrong data served (stale, lost, torn, misplaced, unrecognised blocks) or an oops: FAIL;
/// - otherwise, lost trace events: ERROR (the evidence would under-count);
/// - a race scenario (expected_stale "some") PASSes only with race_windows >= its
///   min_race_windows, else ERROR "not exercised: " naming the precondition that failed
///   (SKIP, same reason, for a scenario with not_exercised = "skip");
/// - a control (expected_stale "none") PASSes only with race_windows == 0, else ERROR.
void judge_race_run(RunResult& result, const Scenario& scenario);

/// Why a clean race run did not exercise the race ("" when it did): no bypass writes, no
/// read misses in the written range, or too few overlaps.
std::string not_exercised_reason(const RaceEvidenceResult& evidence);

/// "B of W writer writes bypassed, N REASON...; M read misses in the written range[, K
/// more bypassed (never inserted)]": the counts a "not exercised" reason quotes.
std::string evidence_counts(const RaceEvidenceResult& evidence);

}  // namespace bh
