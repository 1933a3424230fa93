#include "harness/reports/report_model.h"

namespace bh::analysis {

const nlohmann::json& json_at(const nlohmann::json& object, const std::string& key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::optional<double> number_at(const nlohmann::json& object, const std::string& key) {
  const auto& value = json_at(object, key);
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

std::optional<double> stale_blocks_after_power_cuts(const nlohmann::json& run) {
  std::optional<double> sum;
  const auto& cuts = json_at(run, "power_cuts");
  if (!cuts.is_array()) return sum;
  for (const auto& cut : cuts) {
    if (auto stale = number_at(cut, "stale_blocks_after_power_cut")) sum = sum.value_or(0) + *stale;
  }
  return sum;
}

void for_each_scenario(const nlohmann::json& summary,
                       const std::function<void(const std::string&, const nlohmann::json&)>& visit) {
  const auto& scenarios = json_at(summary, "scenarios");
  if (!scenarios.is_array()) return;
  for (const auto& scenario : scenarios) {
    const auto& name = json_at(scenario, "name");
    visit(name.is_string() ? name.get<std::string>() : "–", scenario);
  }
}

void for_each_run(const nlohmann::json& summary, const std::function<void(const SummaryRun&)>& visit) {
  for_each_scenario(summary, [&](const std::string& name, const nlohmann::json& scenario) {
    const auto& runs = json_at(scenario, "runs");
    if (!runs.is_array()) return;
    for (std::size_t i = 0; i < runs.size(); ++i) visit({name, i, runs[i]});
  });
}

}  // namespace bh::analysis
