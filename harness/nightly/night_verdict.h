#pragma once
/// What is new in a night, judged against the history: a FAIL of a kernel and scenario that
/// passed on the previous night they ran (flagged first), a metric significantly worse than
/// on that previous night (compare's statistics: analysis/comparison.h), and the runs that
/// ERRORed. CI reads its exit code.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/history/history_db.h"

namespace bh {

/// Run statuses by name combined as `run` combines them (results/run_summary.h's combine):
/// FAIL, else ERROR (no runs, or a name that is no status), else SKIP if all skipped, else PASS.
std::string combined_status(const std::vector<std::string>& names);

/// summary.json's shape (schema 1) for the runs of one kernel in one night, scenarios in
/// first-seen order and runs by run_index, so compare_summaries can weigh two nights.
nlohmann::json summary_from_records(const std::vector<RunRecord>& runs);

/// The judgement of `night` against the nights before it, as JSON:
/// {"night", "new_failures": [{"kernel", "scenario", "previous_night", "reason"}],
///  "regressions": [{"kernel", "scenario", "metric", "previous_night", "baseline_median",
///  "candidate_median", "ratio", "ci_low", "ci_high", "p_adjusted"}],
///  "errors": [{"kernel", "scenario", "run_index", "reason"}],
///  "kernels": [{"name", "previous_night"}], "status": "NEW_FAIL" | "REGRESSION" | "ERROR" | "OK"}.
/// A night missing from `runs` gives status ERROR with an error naming it.
nlohmann::json judge_night(const std::vector<RunRecord>& runs, const std::string& night);

/// 1 for NEW_FAIL or REGRESSION, 3 for ERROR, 0 for OK.
int night_exit_code(const nlohmann::json& judgement);

/// Lines for people: each new FAIL (first), each regression, the error count, or "nothing
/// new".
std::string judgement_text(const nlohmann::json& judgement);

}  // namespace bh
