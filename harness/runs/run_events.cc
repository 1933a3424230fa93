#include "harness/runs/run_events.h"

namespace bh {

std::string format_position(const ProgressPosition& position) {
  std::string where;
  const auto add = [&where](const std::string& part) { where += (where.empty() ? "" : " ") + part; };
  if (position.scenarios > 0) add(std::to_string(position.scenario) + "/" + std::to_string(position.scenarios));
  if (!position.scenario_name.empty()) add(position.scenario_name);
  if (position.runs > 0) add("run " + std::to_string(position.run) + "/" + std::to_string(position.runs));
  std::string text = where.empty() ? "" : "[" + where + "]";
  if (!position.phase.empty()) text += (text.empty() ? "" : " ") + position.phase;
  return text;
}

}  // namespace bh
