#include "harness/nightly/night_verdict.h"

#include <algorithm>
#include <map>
#include <set>

#include "analysis/comparison.h"
#include "harness/results/run_summary.h"

namespace bh {
namespace {

using Json = nlohmann::json;

/// The runs of `night` grouped by kernel name, in record order.
std::map<std::string, std::vector<RunRecord>> kernels_of(const std::vector<RunRecord>& runs, const std::string& night) {
  std::map<std::string, std::vector<RunRecord>> kernels;
  for (const auto& run : runs) {
    if (run.night == night) kernels[run.kernel_name].push_back(run);
  }
  return kernels;
}

/// The latest night before `night` in which kernel `kernel` ran (nights sort as written,
/// so names like YYYY-MM-DD order by date); "" when none.
std::string previous_night(const std::vector<RunRecord>& runs, const std::string& kernel, const std::string& night) {
  std::string previous;
  for (const auto& run : runs) {
    if (run.kernel_name == kernel && run.night < night && run.night > previous) previous = run.night;
  }
  return previous;
}

/// Scenario -> combined status of its runs.
std::map<std::string, std::string> scenario_statuses(const std::vector<RunRecord>& runs) {
  std::map<std::string, std::vector<std::string>> statuses;
  for (const auto& run : runs) statuses[run.scenario].push_back(run.status);
  std::map<std::string, std::string> combined;
  for (const auto& [scenario, list] : statuses) combined[scenario] = combined_status(list);
  return combined;
}

std::string failure_reason(const std::vector<RunRecord>& runs, const std::string& scenario) {
  for (const auto& run : runs) {
    if (run.scenario == scenario && run.status == "FAIL") return run.run.value("reason", std::string("FAIL"));
  }
  return "";
}

void add_new_failures(const std::string& kernel, const std::vector<RunRecord>& tonight,
                      const std::vector<RunRecord>& before, const std::string& before_night, Json& judgement) {
  const auto then = scenario_statuses(before);
  for (const auto& [scenario, status] : scenario_statuses(tonight)) {
    const auto it = then.find(scenario);
    if (status != "FAIL" || it == then.end() || it->second != "PASS") continue;
    judgement["new_failures"].push_back({{"kernel", kernel},
                                         {"scenario", scenario},
                                         {"previous_night", before_night},
                                         {"reason", failure_reason(tonight, scenario)}});
  }
}

void add_regressions(const std::string& kernel, const std::vector<RunRecord>& tonight,
                     const std::vector<RunRecord>& before, const std::string& before_night, Json& judgement) {
  analysis::ComparisonOptions options;
  auto comparison = analysis::compare_summaries(summary_from_records(before), summary_from_records(tonight), options);
  if (!comparison) return;
  for (const auto& scenario : comparison.value().value("scenarios", Json::array())) {
    for (const auto& metric : scenario.value("metrics", Json::array())) {
      if (metric.value("verdict", "") != "regression") continue;
      Json entry = {{"kernel", kernel},
                    {"scenario", scenario.value("name", "")},
                    {"metric", metric.value("name", "")},
                    {"previous_night", before_night}};
      for (const char* key : {"baseline_median", "candidate_median", "ratio", "ci_low", "ci_high", "p_adjusted"}) {
        if (metric.contains(key)) entry[key] = metric[key];
      }
      judgement["regressions"].push_back(entry);
    }
  }
}

void add_errors(const std::string& kernel, const std::vector<RunRecord>& tonight, Json& judgement) {
  for (const auto& run : tonight) {
    if (run.status != "ERROR") continue;
    judgement["errors"].push_back({{"kernel", kernel},
                                   {"scenario", run.scenario},
                                   {"run_index", run.run_index},
                                   {"reason", run.run.value("reason", std::string())}});
  }
}

std::string status_of(const Json& judgement) {
  if (!judgement["new_failures"].empty()) return "NEW_FAIL";
  if (!judgement["regressions"].empty()) return "REGRESSION";
  if (!judgement["errors"].empty()) return "ERROR";
  return "OK";
}

}  // namespace

std::string combined_status(const std::vector<std::string>& names) {
  std::vector<Status> statuses;
  for (const auto& name : names) statuses.push_back(status_from_name(name));
  return status_name(combine(statuses));
}

Json summary_from_records(const std::vector<RunRecord>& runs) {
  Json scenarios = Json::array();
  std::map<std::string, std::size_t> position;
  std::vector<std::vector<const RunRecord*>> grouped;
  for (const auto& run : runs) {
    auto [it, added] = position.emplace(run.scenario, grouped.size());
    if (added) grouped.emplace_back();
    grouped[it->second].push_back(&run);
  }
  for (auto& group : grouped) {
    std::sort(group.begin(), group.end(), [](auto* a, auto* b) { return a->run_index < b->run_index; });
    Json list = Json::array();
    std::vector<std::string> statuses;
    for (const auto* run : group) {
      list.push_back(run->run);
      statuses.push_back(run->status);
    }
    scenarios.push_back({{"name", group.front()->scenario},
                         {"kind", group.front()->kind},
                         {"status", combined_status(statuses)},
                         {"runs", list}});
  }
  Json summary = {{"schema", 1}, {"scenarios", scenarios}};
  if (!runs.empty()) summary["kernel"] = {{"spec", runs.front().kernel_spec}, {"release", runs.front().kernel_release}};
  return summary;
}

Json judge_night(const std::vector<RunRecord>& runs, const std::string& night) {
  Json judgement = {{"night", night},
                    {"new_failures", Json::array()},
                    {"regressions", Json::array()},
                    {"errors", Json::array()},
                    {"kernels", Json::array()}};
  const auto tonight = kernels_of(runs, night);
  if (tonight.empty()) {
    judgement["errors"].push_back({{"kernel", ""},
                                   {"scenario", ""},
                                   {"run_index", 0},
                                   {"reason", "the history holds no run of night '" + night + "'"}});
  }
  for (const auto& [kernel, kernel_runs] : tonight) {
    const auto before_night = previous_night(runs, kernel, night);
    judgement["kernels"].push_back({{"name", kernel}, {"previous_night", before_night}});
    add_errors(kernel, kernel_runs, judgement);
    if (before_night.empty()) continue;
    const auto before = kernels_of(runs, before_night)[kernel];
    add_new_failures(kernel, kernel_runs, before, before_night, judgement);
    add_regressions(kernel, kernel_runs, before, before_night, judgement);
  }
  judgement["status"] = status_of(judgement);
  return judgement;
}

int night_exit_code(const Json& judgement) {
  const std::string status = judgement.value("status", "ERROR");
  if (status == "NEW_FAIL" || status == "REGRESSION") return 1;
  return status == "OK" ? 0 : 3;
}

std::string judgement_text(const Json& judgement) {
  std::string text;
  const std::string night = judgement.value("night", "");
  for (const auto& failure : judgement["new_failures"]) {
    text += "NEW FAIL  " + failure.value("kernel", "") + " " + failure.value("scenario", "") + " (passed on " +
            failure.value("previous_night", "") + "): " + failure.value("reason", "") + "\n";
  }
  for (const auto& regression : judgement["regressions"]) {
    char ratio[32] = "";
    if (regression.contains("ratio") && regression["ratio"].is_number()) {
      std::snprintf(ratio, sizeof ratio, " x%.3f", regression["ratio"].get<double>());
    }
    text += "REGRESSION " + regression.value("kernel", "") + " " + regression.value("scenario", "") + " " +
            regression.value("metric", "") + ratio + " against " + regression.value("previous_night", "") + "\n";
  }
  if (!judgement["errors"].empty()) {
    text += std::to_string(judgement["errors"].size()) + " run(s) of night " + night +
            " ERRORed; the first: " + judgement["errors"][0].value("reason", "") + "\n";
  }
  if (text.empty()) text = "night " + night + ": nothing new against the previous night\n";
  return text;
}

}  // namespace bh
