#include "analysis/comparison.h"

#include <algorithm>
#include <charconv>

namespace bh::analysis {
using Json = nlohmann::json;

const std::vector<ComparedMetric>& compared_metrics() {
  static const std::vector<ComparedMetric> metrics = [] {
    std::vector<ComparedMetric> list;
    for (const char* direction : {"read", "write"}) {
      for (const char* percentile : {"p50", "p99", "p99.9"}) {
        list.push_back({std::string("latency_us.") + direction + "." + percentile,
                        std::string("/latency_us/") + direction + "/" + percentile, Direction::kLowerIsBetter});
      }
      list.push_back({std::string("iops.") + direction, std::string("/iops/") + direction, Direction::kHigherIsBetter});
    }
    for (const char* source : {"Slab", "SUnreclaim", "VmallocUsed"}) {
      list.push_back({std::string("memory_kib.") + source + ".peak_minus_baseline_kib",
                      std::string("/memory_kib/meminfo/") + source + "/peak_minus_baseline_kib",
                      Direction::kLowerIsBetter});
    }
    return list;
  }();
  return metrics;
}

Expected<void> add_threshold(ComparisonOptions& options, std::string_view assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string_view::npos) {
    return fail("threshold '" + std::string(assignment) + "': expected METRIC=PERCENT, e.g. latency_us.read.p99=10");
  }
  const std::string name(assignment.substr(0, equals));
  const auto text = assignment.substr(equals + 1);
  const auto& metrics = compared_metrics();
  if (std::none_of(metrics.begin(), metrics.end(), [&](const ComparedMetric& m) { return m.name == name; })) {
    std::string known;
    for (const auto& metric : metrics) known += (known.empty() ? "" : ", ") + metric.name;
    return fail("threshold '" + std::string(assignment) + "': unknown metric '" + name + "' (known: " + known + ")");
  }
  double percent = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), percent);
  if (error != std::errc() || end != text.data() + text.size() || percent < 0 || percent > 1000) {
    return fail("threshold '" + std::string(assignment) + "': '" + std::string(text) +
                "' is not a percentage between 0 and 1000");
  }
  options.thresholds[name] = percent / 100.0;
  return outcome::success();
}

namespace {

const Json kEmptyArray = Json::array();

const Json& runs_of(const Json& scenario) {
  const auto runs = scenario.find("runs");
  return runs != scenario.end() && runs->is_array() ? *runs : kEmptyArray;
}

std::uint64_t count_at(const Json& object, const char* key) {
  const auto value = object.find(key);
  if (value == object.end() || !value->is_number_integer() || value->get<std::int64_t>() < 0) return 0;
  return value->get<std::uint64_t>();
}

/// The runs' statuses combined as `run` combines them: FAIL, else ERROR, else SKIP when all
/// skipped, else PASS; no runs is an ERROR.
std::string combined_status(const Json& runs) {
  bool fail = false, error = false, all_skip = !runs.empty();
  for (const auto& run : runs) {
    const std::string status = run.value("status", "ERROR");
    fail |= status == "FAIL";
    error |= status == "ERROR";
    all_skip &= status == "SKIP";
  }
  if (fail) return "FAIL";
  if (error || runs.empty()) return "ERROR";
  return all_skip ? "SKIP" : "PASS";
}

/// One side's stale blocks, statuses and kernel findings over a scenario's runs.
Json side_facts(const Json* scenario) {
  if (scenario == nullptr) return {{"status", "ERROR"}, {"runs", 0}, {"missing", true}};
  std::uint64_t stale = 0, stale_after_cuts = 0, cuts = 0, findings = 0;
  for (const auto& run : runs_of(*scenario)) {
    stale += count_at(run, "stale_blocks");
    if (const auto list = run.find("console_findings"); list != run.end() && list->is_array()) findings += list->size();
    if (const auto list = run.find("power_cuts"); list != run.end() && list->is_array()) {
      for (const auto& cut : *list) {
        ++cuts;
        stale_after_cuts += count_at(cut, "stale_blocks_after_power_cut");
      }
    }
  }
  return {{"status", combined_status(runs_of(*scenario))},
          {"runs", runs_of(*scenario).size()},
          {"stale_blocks", stale},
          {"stale_blocks_after_power_cut", stale_after_cuts},
          {"power_cuts", cuts},
          {"kernel_findings", findings}};
}

/// The metric's values over the runs that measured it (PASS or FAIL runs with the field).
std::vector<double> values_of(const Json* scenario, const ComparedMetric& metric) {
  std::vector<double> values;
  if (scenario == nullptr) return values;
  const Json::json_pointer pointer(metric.pointer);
  for (const auto& run : runs_of(*scenario)) {
    const std::string status = run.value("status", "");
    if (status != "PASS" && status != "FAIL") continue;
    if (run.contains(pointer) && run[pointer].is_number()) values.push_back(run[pointer].get<double>());
  }
  return values;
}

Json metric_json(const ComparedMetric& metric, const std::vector<double>& baseline,
                 const std::vector<double>& candidate, double threshold, const BootstrapOptions& bootstrap,
                 std::vector<MetricComparison>& compared) {
  Json out = {{"name", metric.name},
              {"threshold", threshold},
              {"baseline_runs", baseline.size()},
              {"candidate_runs", candidate.size()}};
  if (baseline.size() < kMinRunsForVerdict || candidate.size() < kMinRunsForVerdict) {
    out["direction"] = metric.direction == Direction::kHigherIsBetter ? "higher_is_better" : "lower_is_better";
    if (!baseline.empty()) out["baseline_median"] = median(baseline).value();
    if (!candidate.empty()) out["candidate_median"] = median(candidate).value();
    out["verdict"] = "too_few_runs";
    return out;
  }
  auto comparison = compare_metric(baseline, candidate, metric.direction, Threshold{threshold}, bootstrap);
  if (!comparison) {
    out["verdict"] = "undefined";
    out["error"] = comparison.error().message;
    return out;
  }
  compared.push_back(comparison.value());
  const Json numbers = to_json(comparison.value());  // items() of a temporary would dangle
  for (const auto& [key, value] : numbers.items()) out[key] = value;
  return out;
}

/// Holm's step-down adjustment of the scenario's Mann-Whitney p-values ("p_adjusted"),
/// and a regression or improvement kept only when its adjusted p is below kAlpha: with a
/// dozen metrics per scenario, each tested at 5%, some metric would look significant in
/// about half of all comparisons of two identical kernels.
void adjust_for_multiple_metrics(Json& metrics) {
  std::vector<Json*> tested;
  for (auto& metric : metrics) {
    if (metric.contains("p_value") && metric["p_value"].is_number()) tested.push_back(&metric);
  }
  std::sort(tested.begin(), tested.end(),
            [](const Json* a, const Json* b) { return (*a)["p_value"].get<double>() < (*b)["p_value"].get<double>(); });
  double running = 0;
  for (std::size_t i = 0; i < tested.size(); ++i) {
    Json& metric = *tested[i];
    running =
        std::max(running, std::min(1.0, static_cast<double>(tested.size() - i) * metric["p_value"].get<double>()));
    metric["p_adjusted"] = running;
    const std::string verdict = metric.value("verdict", "");
    if ((verdict == "regression" || verdict == "improvement") && running >= kAlpha) {
      metric["verdict"] = "no_change";
      metric["note"] = verdict + " by the interval, but not significant across the scenario's metrics (Holm)";
    }
  }
}

const Json* find_scenario(const Json& summary, const std::string& name) {
  for (const auto& scenario : summary["scenarios"]) {
    if (scenario.value("name", "") == name) return &scenario;
  }
  return nullptr;
}

/// The scenario names of both sides, baseline order first.
std::vector<std::string> scenario_names(const Json& baseline, const Json& candidate) {
  std::vector<std::string> names;
  for (const Json* summary : {&baseline, &candidate}) {
    for (const auto& scenario : (*summary)["scenarios"]) {
      const std::string name = scenario.value("name", "");
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

/// One side's values of bcache_memory.KEY: {"runs", "median", "min", "max"}; none measured: {"runs": 0}.
Json memory_side(const std::vector<double>& values) {
  if (values.empty()) return {{"runs", 0}};
  return {{"runs", values.size()},
          {"median", median(values).value()},
          {"min", *std::min_element(values.begin(), values.end())},
          {"max", *std::max_element(values.begin(), values.end())}};
}

/// The values of run field `pointer` over a side's measured runs.
std::vector<double> values_at(const Json* scenario, const std::string& pointer) {
  return values_of(scenario, {pointer, pointer, Direction::kLowerIsBetter});
}

Json memory_differences(const Json* base, const Json* cand) {
  Json list = Json::array();
  const auto backing = values_at(cand, "/backing_bytes");
  for (const char* key : kMemoryDifferenceKeys) {
    const auto pointer = std::string("/bcache_memory/") + key;
    const auto b = values_at(base, pointer), c = values_at(cand, pointer);
    if (b.empty() && c.empty()) continue;
    Json entry = {{"name", key}, {"baseline", memory_side(b)}, {"candidate", memory_side(c)}};
    if (!b.empty() && !c.empty()) {
      const double difference = median(c).value() - median(b).value();
      entry["difference_bytes"] = difference;
      entry["difference_range_bytes"] = {*std::min_element(c.begin(), c.end()) - *std::max_element(b.begin(), b.end()),
                                         *std::max_element(c.begin(), c.end()) - *std::min_element(b.begin(), b.end())};
      if (!backing.empty() && median(backing).value() > 0)
        entry["difference_bytes_per_tib"] = difference * 1099511627776.0 / median(backing).value();
    }
    list.push_back(std::move(entry));
  }
  return list;
}

struct Outcome {
  std::vector<std::string> errors, failures, regressions;
};

void judge_scenario(const Json& scenario, Outcome& outcome) {
  const std::string name = scenario["name"];
  for (const char* side : {"baseline", "candidate"}) {
    if (scenario[side].value("missing", false))
      outcome.errors.push_back(name + ": no runs on the " + side);
    else if (scenario[side]["status"] == "ERROR")
      outcome.errors.push_back(name + ": a " + side + " run is an ERROR");
  }
  const Json& candidate = scenario["candidate"];
  const auto stale = candidate.value("stale_blocks", std::uint64_t{0});
  const auto after_cuts = candidate.value("stale_blocks_after_power_cut", std::uint64_t{0});
  if (stale > 0) outcome.failures.push_back(name + ": candidate served " + std::to_string(stale) + " stale blocks");
  if (after_cuts > 0) {
    outcome.failures.push_back(name + ": candidate kept " + std::to_string(after_cuts) +
                               " stale blocks after power cuts");
  }
  if (candidate.value("kernel_findings", 0) > 0)
    outcome.failures.push_back(name + ": candidate kernel complained on the console");
  if (stale == 0 && after_cuts == 0 && candidate.value("status", "") == "FAIL") {
    outcome.failures.push_back(name + ": a candidate run FAILed");
  }
  for (const auto& metric : scenario["metrics"]) {
    if (metric.value("verdict", "") == "regression")
      outcome.regressions.push_back(name + ": " + metric["name"].get<std::string>());
  }
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : "; ") + item;
  return text;
}

}  // namespace

Expected<Json> compare_summaries(const Json& baseline, const Json& candidate, const ComparisonOptions& options) {
  const std::pair<const char*, const Json*> sides[] = {{"baseline", &baseline}, {"candidate", &candidate}};
  for (const auto& [side, summary] : sides) {
    if (!summary->is_object() || !summary->contains("scenarios") || !(*summary)["scenarios"].is_array()) {
      return fail(std::string(side) + " summary: not a bcache-harness summary (no \"scenarios\" array)");
    }
  }
  Json scenarios = Json::array();
  std::vector<MetricComparison> compared;
  Outcome outcome;
  for (const auto& name : scenario_names(baseline, candidate)) {
    const Json* base = find_scenario(baseline, name);
    const Json* cand = find_scenario(candidate, name);
    Json scenario = {{"name", name},
                     {"kind", (base ? base : cand)->value("kind", "race")},
                     {"baseline", side_facts(base)},
                     {"candidate", side_facts(cand)},
                     {"metrics", Json::array()}};
    for (const auto& metric : compared_metrics()) {
      const auto base_values = values_of(base, metric);
      const auto cand_values = values_of(cand, metric);
      if (base_values.empty() && cand_values.empty()) continue;
      const auto threshold = options.thresholds.contains(metric.name) ? options.thresholds.at(metric.name)
                                                                      : options.default_threshold.relative;
      scenario["metrics"].push_back(
          metric_json(metric, base_values, cand_values, threshold, options.bootstrap, compared));
    }
    adjust_for_multiple_metrics(scenario["metrics"]);
    if (auto memory = memory_differences(base, cand); !memory.empty()) scenario["bcache_memory"] = std::move(memory);
    judge_scenario(scenario, outcome);
    scenarios.push_back(std::move(scenario));
  }
  const auto geometric = geometric_mean_of_ratios(compared);
  Json out = {{"schema", 1},
              {"scenarios", scenarios},
              {"geometric_mean",
               {{"worse_if_above_one", geometric.worse_if_above_one ? Json(*geometric.worse_if_above_one) : Json()},
                {"used", geometric.used},
                {"skipped", geometric.skipped}}}};
  for (const auto& [side, summary] : sides) {
    out[side] = {{"spec", summary->value(Json::json_pointer("/kernel/spec"), "")},
                 {"release", summary->value(Json::json_pointer("/kernel/release"), "")},
                 {"status", summary->value("status", "ERROR")}};
  }
  if (!outcome.errors.empty()) {
    out["status"] = "ERROR";
    out["reason"] = joined(outcome.errors);
  } else if (!outcome.failures.empty()) {
    out["status"] = "FAIL";
    out["reason"] = joined(outcome.failures);
  } else if (!outcome.regressions.empty()) {
    out["status"] = "REGRESSION";
    out["reason"] = "significantly worse: " + joined(outcome.regressions);
  } else {
    out["status"] = "PASS";
  }
  return out;
}

int compare_exit_code(std::string_view status) {
  if (status == "PASS") return 0;
  if (status == "FAIL" || status == "REGRESSION") return 1;
  return 3;
}

}  // namespace bh::analysis
