#include "harness/results/run_result.h"

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
  put_if(json, "race_write_bytes", facts.race_write_bytes);
  put_if(json, "race_read_ios", facts.race_read_ios);
  for (const auto& [phase, ios] : facts.phase_ios) json[phase + "_ios"] = ios;
}

}  // namespace

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
               {"console_findings", cut.console_findings}};
  put_if(json, "at_s", cut.at_s);
  if (cut.status) {
    json["status"] = status_name(*cut.status);
    json["reason"] = cut.reason;
  }
  if (!cut.boot_retries.empty()) json["boot_retries"] = cut.boot_retries;
  put_if(json, "console_lines", cut.console_lines);
  if (cut.verification) json["verification"] = analysis::to_json(*cut.verification);
  return json;
}

Json to_json(const RunResult& run) {
  Json json = run.verification ? analysis::to_json(*run.verification) : Json::object();
  json["seed"] = run.seed;
  json["status"] = status_name(run.status);
  if (!run.reason.empty()) json["reason"] = run.reason;
  json["timing_s"] = run.timing_s;
  json["console_findings"] = run.console_findings;
  put_facts(json, run.facts);
  for (const auto& [key, value] : run.metrics.items()) json[key] = value;
  put_if(json, "metrics_error", run.metrics_error);
  Json cuts = Json::array();
  for (const auto& cut : run.power_cuts) cuts.push_back(to_json(cut));
  json["power_cuts"] = cuts;
  return json;
}

}  // namespace bh
