#include "harness/results/run_summary.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace bh {
using Json = nlohmann::json;

Status combine(const std::vector<Status>& statuses) {
  auto any = [&](Status wanted) { return std::find(statuses.begin(), statuses.end(), wanted) != statuses.end(); };
  if (any(Status::kFail)) return Status::kFail;
  if (any(Status::kError)) return Status::kError;
  if (!statuses.empty() && std::all_of(statuses.begin(), statuses.end(), [](Status s) { return s == Status::kSkip; })) {
    return Status::kSkip;
  }
  return statuses.empty() ? Status::kError : Status::kPass;
}

Status ScenarioResult::status() const {
  std::vector<Status> statuses;
  for (const auto& run : runs) statuses.push_back(run.status);
  return combine(statuses);
}

Status RunSummary::status() const {
  std::vector<Status> statuses;
  for (const auto& scenario : scenarios) statuses.push_back(scenario.status());
  return combine(statuses);
}

int exit_code_for(Status overall) {
  if (overall == Status::kFail) return 1;
  if (overall == Status::kError) return 3;
  return 0;
}

namespace {

double total_time(const ScenarioResult& scenario) {
  double total = 0;
  for (const auto& run : scenario.runs) {
    for (const auto& [phase, seconds] : run.timing_s) total += seconds;
    for (const auto& cut : run.power_cuts) {
      for (const auto& [phase, seconds] : cut.timing_s) total += seconds;
    }
  }
  return total;
}

/// The median of sorted values (the mean of the middle two for an even count).
double median(const std::vector<std::uint64_t>& sorted) {
  const std::size_t n = sorted.size();
  return n % 2 ? static_cast<double>(sorted[n / 2]) : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

/// "stale 221 (min 150, median 200, max 240 over 20 runs)" or "stale 0".
std::string stale_text(const ScenarioResult& scenario) {
  std::vector<std::uint64_t> stale;
  std::uint64_t checked = 0;
  for (const auto& run : scenario.runs) {
    if (!run.verification) continue;
    stale.push_back(run.stale_blocks());
    checked += run.verification->blocks_checked;
  }
  if (stale.empty()) return "no blocks checked";
  std::sort(stale.begin(), stale.end());
  const auto total = std::accumulate(stale.begin(), stale.end(), std::uint64_t{0});
  char text[160];
  if (stale.size() == 1) {
    std::snprintf(text, sizeof text, "stale %llu of %llu blocks", (unsigned long long)total,
                  (unsigned long long)checked);
  } else {
    std::snprintf(text, sizeof text, "stale %llu of %llu blocks (per run: min %llu, median %g, max %llu; %zu runs)",
                  (unsigned long long)total, (unsigned long long)checked, (unsigned long long)stale.front(),
                  median(stale), (unsigned long long)stale.back(), stale.size());
  }
  return text;
}

/// "; after power cuts: stale 310 in 4 of 5 cuts (per cut: min 0, median 80, max 120), torn 0,
/// not registered 0" or "" when the scenario made no cuts.
std::string power_cut_text(const ScenarioResult& scenario) {
  std::vector<std::uint64_t> stale;
  std::uint64_t torn = 0, unregistered = 0, errors = 0, cuts = 0;
  for (const auto& run : scenario.runs) {
    for (const auto& cut : run.power_cuts) {
      ++cuts;
      if (cut.status == Status::kError) ++errors;
      if (!cut.verification) {
        if (cut.status == Status::kFail && !cut.registered) ++unregistered;
        continue;
      }
      stale.push_back(cut.verification->stale_blocks_after_power_cut);
      torn += cut.verification->torn_blocks;
    }
  }
  if (cuts == 0) return "";
  std::sort(stale.begin(), stale.end());
  const auto total = std::accumulate(stale.begin(), stale.end(), std::uint64_t{0});
  const auto with_stale = std::count_if(stale.begin(), stale.end(), [](std::uint64_t n) { return n > 0; });
  char text[240];
  std::snprintf(text, sizeof text, "; after power cuts: stale %llu in %ld of %llu cuts", (unsigned long long)total,
                static_cast<long>(with_stale), (unsigned long long)cuts);
  std::string out = text;
  if (stale.size() > 1) {
    std::snprintf(text, sizeof text, " (per cut: min %llu, median %g, max %llu)", (unsigned long long)stale.front(),
                  median(stale), (unsigned long long)stale.back());
    out += text;
  }
  out += ", torn " + std::to_string(torn);
  if (unregistered > 0) out += ", not registered " + std::to_string(unregistered);
  if (errors > 0) out += ", " + std::to_string(errors) + " cut(s) ERROR";
  return out;
}

/// The median over runs of the number at `path` in each run's summary fields; nullopt when
/// no run has it.
std::optional<double> median_over_runs(const ScenarioResult& scenario, const Json::json_pointer& path) {
  std::vector<double> values;
  for (const auto& run : scenario.runs) {
    if (run.metrics.contains(path) && run.metrics[path].is_number()) values.push_back(run.metrics[path].get<double>());
  }
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

/// "read 5,120 IOPS p99 2,210 us; write 310 IOPS p99 98,000 us; Slab +412 KiB" (medians
/// over runs) for a perf scenario.
std::string perf_text(const ScenarioResult& scenario) {
  std::string text;
  char part[120];
  for (const char* direction : {"read", "write"}) {
    const auto iops = median_over_runs(scenario, Json::json_pointer(std::string("/iops/") + direction));
    if (!iops) continue;
    const auto p99 = median_over_runs(scenario, Json::json_pointer(std::string("/latency_us/") + direction + "/p99"));
    std::snprintf(part, sizeof part, "%s %.0f IOPS p99 %.0f us", direction, *iops, p99.value_or(0));
    text += (text.empty() ? "" : "; ") + std::string(part);
  }
  if (const auto slab =
          median_over_runs(scenario, Json::json_pointer("/memory_kib/meminfo/Slab/peak_minus_baseline_kib"))) {
    std::snprintf(part, sizeof part, "; Slab %+.0f KiB", *slab);
    text += part;
  }
  if (text.empty()) return "no measurements";
  return text + (scenario.runs.size() > 1 ? " (medians of " + std::to_string(scenario.runs.size()) + " runs)" : "");
}

std::string first_reason(const ScenarioResult& scenario) {
  for (const auto& run : scenario.runs) {
    if (!run.reason.empty() && run.status != Status::kPass) return run.reason;
  }
  return "";
}

}  // namespace

Json to_json(const RunSummary& summary) {
  Json scenarios = Json::array();
  for (const auto& scenario : summary.scenarios) {
    Json runs = Json::array();
    for (const auto& run : scenario.runs) runs.push_back(to_json(run));
    scenarios.push_back(
        {{"name", scenario.name}, {"kind", scenario.kind}, {"status", status_name(scenario.status())}, {"runs", runs}});
  }
  Json json = {{"schema", 1},
               {"status", status_name(summary.status())},
               {"accel", summary.accel},
               {"seed", summary.seed},
               {"kernel", {{"spec", summary.kernel_spec}, {"release", summary.kernel_release}}},
               {"scenarios", scenarios}};
  if (summary.provenance) {
    auto provenance = *summary.provenance;
    provenance.accel = summary.accel;
    json["provenance"] = to_json(provenance);
  }
  return json;
}

std::string render_human_summary(const RunSummary& summary, const std::string& out_dir) {
  std::size_t width = 8;
  for (const auto& scenario : summary.scenarios) width = std::max(width, scenario.name.size());
  std::string text;
  for (const auto& scenario : summary.scenarios) {
    const auto status = scenario.status();
    char time[32];
    std::snprintf(time, sizeof time, "%.1f s", total_time(scenario));
    text += status_name(status) + std::string(6 - status_name(status).size(), ' ') + scenario.name +
            std::string(width - scenario.name.size() + 2, ' ');
    const std::string cuts = power_cut_text(scenario);
    if (status == Status::kSkip || status == Status::kError)
      text += first_reason(scenario);
    else if (scenario.kind == "perf")
      text += status == Status::kFail ? first_reason(scenario) : perf_text(scenario);
    else
      text += (cuts.empty() ? "" : "run time: ") + stale_text(scenario) + cuts;
    text += "  " + std::string(time) + "\n";
  }
  const std::string accel = summary.accel.empty() ? "no guest booted" : summary.accel;
  text += "overall " + status_name(summary.status()) + " (kernel " + summary.kernel_release + ", " + accel + ", seed " +
          std::to_string(summary.seed) + "); full results: " + out_dir + "/summary.json\n";
  return text;
}

}  // namespace bh
