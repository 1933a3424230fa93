#include "harness/runs/power_cut_plan.h"

#include <random>

namespace bh {

std::string cut_method_name(CutMethod method) { return method == CutMethod::kKill ? "kill" : "sysrq-b"; }

Expected<CutMethod> parse_cut_method(std::string_view text) {
  if (text == "kill") return CutMethod::kKill;
  if (text == "sysrq-b") return CutMethod::kSysrqB;
  return fail("unknown power-cut method '" + std::string(text) + "' (choose kill or sysrq-b)");
}

std::vector<double> cut_times_s(std::uint64_t seed, unsigned cuts, double race_s) {
  std::mt19937_64 random(seed ^ 0x6375742d706f696eULL);  // "cut-poin": cuts differ from fio's randseed use
  std::uniform_real_distribution<double> within(0.0, 1.0);
  std::vector<double> times;
  const double first = 0.1 * race_s, span = 0.8 * race_s;
  for (unsigned i = 0; i < cuts; ++i) times.push_back(first + span * (i + within(random)) / cuts);
  return times;
}

}  // namespace bh
