#include "harness/results/run_result.h"

#include <algorithm>

namespace bh {
using Json = nlohmann::json;

std::string status_name(Status status) {
  switch (status) {
    case Status::kPass: return "PASS";
    case Status::kFail: return "FAIL";
    case Status::kError: return "ERROR";
    case Status::kSkip: return "SKIP";
  }
  return "ERROR";
}

Status status_from_name(std::string_view name) {
  for (auto status : {Status::kPass, Status::kFail, Status::kSkip}) {
    if (name == status_name(status)) return status;
  }
  return Status::kError;
}

namespace {

template <class T>
void put_if(Json& json, const char* key, const std::optional<T>& value) {
  if (value) json[key] = *value;
}

void put_facts(Json& json, const RunFacts& facts) {
  json["run_dir"] = facts.run_dir;
  put_if(json, "accel", facts.accel);
  put_if(json, "accel_reason", facts.accel_reason);
  if (!facts.boot_retries.empty()) json["boot_retries"] = facts.boot_retries;
  put_if(json, "readback", facts.readback);
  put_if(json, "fill_bytes", facts.fill_bytes);
  put_if(json, "backing_bytes", facts.backing_bytes);
  if (facts.disks) json["disks"] = *facts.disks;
  put_if(json, "race_write_bytes", facts.race_write_bytes);
  put_if(json, "race_read_ios", facts.race_read_ios);
  for (const auto& [phase, ios] : facts.phase_ios) json[phase + "_ios"] = ios;
}

/// The evidence's run (or cut) fields and its "race_evidence" object; explanations go on
/// the stale examples they explain.
void put_race_evidence(Json& json, const RaceEvidenceResult& evidence) {
  Json bypass = {{"total", evidence.bypass_writes}};
  for (const auto& [reason, count] : evidence.bypass_by_reason) bypass[reason] = count;
  json["bypass_writes"] = bypass;
  json["read_misses"] = evidence.read_misses;
  json["race_windows"] = evidence.race_windows;
  json["stale_inserts"] = evidence.stale_inserts;
  json["race_evidence"] = {{"trace_events", evidence.trace_events},
                           {"lost_events", evidence.lost_events},
                           {"writer_writes", evidence.writer_writes},
                           {"insert_collisions", evidence.insert_collisions},
                           {"min_race_windows", evidence.min_race_windows},
                           {"stale_blocks_explained", evidence.stale_blocks_explained},
                           {"bypassed_read_misses", evidence.bypassed_read_misses}};
  if (!json.contains("stale_examples")) return;
  for (auto& example : json["stale_examples"]) {
    const auto found = evidence.explanations.find(example.value("offset", std::uint64_t{0}));
    if (found != evidence.explanations.end()) example["explanation"] = found->second;
  }
}

}  // namespace

std::string run_line(const RunResult& run) {
  std::string line = status_name(run.status);
  if (run.verification) {
    line += " stale " + std::to_string(run.verification->stale_blocks) + " of " +
            std::to_string(run.verification->blocks_checked);
  }
  if (run.race_evidence) {
    const auto& evidence = *run.race_evidence;
    line += run.verification ? "; " : " ";
    if (evidence.race_windows == 0) {
      line += "no race window opened";
    } else {
      line += std::to_string(evidence.race_windows) + " race windows, " +
              (evidence.stale_inserts == 0 ? std::string("all closed")
                                           : std::to_string(evidence.stale_inserts) + " stale inserts");
    }
  }
  if (!run.reason.empty()) line += " (" + run.reason + ")";
  if (run.status == Status::kFail && !run.errors.empty() && run.reason.find(run.errors.front()) == std::string::npos) {
    line += "; and " + std::to_string(run.errors.size()) + " harness error" + (run.errors.size() > 1 ? "s" : "") +
            ": " + run.errors.front();
  }
  if (run.retried) line += "; second attempt (the first was an ERROR: " + run.retried->first_attempt_reason + ")";
  return line;
}

void add_error(std::vector<std::string>& errors, const std::string& error) {
  if (std::find(errors.begin(), errors.end(), error) == errors.end()) errors.push_back(error);
}

void settle_errors(Status& status, std::string& reason, std::vector<std::string>& errors) {
  if (status == Status::kError && !reason.empty()) add_error(errors, reason);
  if (errors.empty() || status == Status::kFail) return;
  status = Status::kError;
  if (std::find(errors.begin(), errors.end(), reason) == errors.end()) reason = errors.front();
}

Json to_json(const PowerCutResult& cut) {
  const auto counts = cut.verification.value_or(analysis::PowerCutClassification{});
  Json json = {{"index", cut.index},
               {"method", cut.method},
               {"after_race", cut.after_race},
               {"dir", cut.dir},
               {"registered", cut.registered},
               {"journal_replay", cut.journal_replay},
               {"acknowledged_writes", counts.acknowledged_writes},
               {"in_flight_writes", counts.in_flight_writes},
               {"stale_blocks_after_power_cut", counts.stale_blocks_after_power_cut},
               {"torn_blocks", counts.torn_blocks},
               {"lost_writes", counts.lost_writes},
               {"timing_s", cut.timing_s},
               {"console_findings", cut.console_findings},
               {"errors", cut.errors}};
  put_if(json, "at_s", cut.at_s);
  if (cut.status) {
    json["status"] = status_name(*cut.status);
    json["reason"] = cut.reason;
  }
  if (!cut.boot_retries.empty()) json["boot_retries"] = cut.boot_retries;
  put_if(json, "console_lines", cut.console_lines);
  if (cut.verification) json["verification"] = analysis::to_json(*cut.verification);
  if (cut.race_evidence) put_race_evidence(json, *cut.race_evidence);
  return json;
}

Json to_json(const RunResult& run) {
  Json json = run.verification ? analysis::to_json(*run.verification) : Json::object();
  json["seed"] = run.seed;
  json["status"] = status_name(run.status);
  if (!run.reason.empty()) json["reason"] = run.reason;
  json["timing_s"] = run.timing_s;
  json["console_findings"] = run.console_findings;
  json["errors"] = run.errors;
  put_facts(json, run.facts);
  for (const auto& [key, value] : run.metrics.items()) json[key] = value;
  put_if(json, "metrics_error", run.metrics_error);
  if (run.race_evidence) put_race_evidence(json, *run.race_evidence);
  put_if(json, "exercised", run.exercised);
  put_if(json, "race_evidence_error", run.race_evidence_error);
  Json cuts = Json::array();
  for (const auto& cut : run.power_cuts) cuts.push_back(to_json(cut));
  json["power_cuts"] = cuts;
  if (run.retried) {
    json["retried"] = {{"first_attempt_dir", run.retried->first_attempt_dir},
                       {"first_attempt_reason", run.retried->first_attempt_reason}};
  }
  return json;
}

}  // namespace bh
