#include "harness/reports/report_plots.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "analysis/memory_summary.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

constexpr std::array<const char*, 2> kDirections = {"read", "write"};

/// A lines plot with one series per run that has points under `key` in `series_of(run)`.
template <class SeriesOf>
PlotSpec lines_plot(const ReportInput& input, const std::string& key, SeriesOf series_of) {
  PlotSpec spec;
  for (const auto& run : input.runs) {
    const auto& by_key = series_of(run);
    const auto it = by_key.find(key);
    if (it == by_key.end() || it->second.empty()) continue;
    spec.lines.push_back({run.label(), it->second});
  }
  return spec;
}

PlotSpec cdf_plot(const ReportInput& input, const std::string& direction) {
  auto spec = lines_plot(input, direction, [](const RunSeries& run) {
    std::map<std::string, std::vector<XY>> points;
    for (const auto& [dir, cdf] : run.latency_cdf) {
      for (const auto& p : cdf) points[dir].push_back({p.latency_ns / 1000.0, p.fraction});
    }
    return points;
  });
  spec.id = "latency-cdf-" + direction;
  spec.title = "Completion latency CDF (" + direction + ")";
  spec.x_label = "latency (µs)";
  spec.y_label = "fraction of I/Os";
  spec.x_scale = XScale::kLog;
  return spec;
}

PlotSpec latency_time_plot(const ReportInput& input, const std::string& direction) {
  auto spec = lines_plot(
      input, direction, [](const RunSeries& run) -> const auto& { return run.latency_over_time_us; });
  spec.id = "latency-time-" + direction;
  spec.title = "Completion latency over time (" + direction + ")";
  spec.x_label = "time since the phase started (s)";
  spec.y_label = "latency (µs)";
  return spec;
}

/// Every memory source some run has points for: kMeminfoKeys first, then others by name.
std::vector<std::string> memory_sources(const ReportInput& input) {
  std::vector<std::string> sources;
  for (auto key : kMeminfoKeys) sources.emplace_back(key);
  for (const auto& run : input.runs) {
    for (const auto& [source, points] : run.memory_over_time_kib) {
      if (std::find(sources.begin(), sources.end(), source) == sources.end()) {
        sources.push_back(source);
      }
    }
  }
  return sources;
}

PlotSpec memory_plot(const ReportInput& input, const std::string& source) {
  auto spec = lines_plot(
      input, source, [](const RunSeries& run) -> const auto& { return run.memory_over_time_kib; });
  spec.id = "memory-" + plot_id_part(source);
  spec.title = "Kernel memory over time: " + source;
  spec.x_label = "time since the phase started (s)";
  spec.y_label = source + " (KiB)";
  return spec;
}

/// bcache's own memory over each run, from its memory trace, with the first such run's
/// phases marked.
PlotSpec module_memory_plot(const ReportInput& input) {
  PlotSpec spec{"bcache-memory", "bcache's own memory (traced allocations) over the run",
                "time since the first phase after provisioning (s)", "bytes held by bcache"};
  for (const auto& run : input.runs) {
    if (run.module_memory_bytes.empty()) continue;
    std::vector<XY> steps;  // held bytes change at an instant and stay until the next change
    for (const auto& point : run.module_memory_bytes) {
      if (!steps.empty()) steps.push_back({point.x, steps.back().y});
      steps.push_back(point);
    }
    spec.lines.push_back({run.label(), std::move(steps)});
    if (spec.markers.empty()) {
      for (const auto& [start_s, name] : run.module_memory_phases) spec.markers.push_back({start_s, name});
    }
  }
  return spec;
}

/// Per scenario, the sum over its runs of `value_of(run)` (nullopt: nothing to add);
/// scenarios where nothing adds up have no bar.
template <class ValueOf>
BarSeries scenario_sums(const Json& summary, std::string name, ValueOf value_of) {
  BarSeries set{std::move(name), {}};
  for_each_scenario(summary, [&](const std::string& scenario, const Json& object) {
    const auto& runs = json_at(object, "runs");
    if (!runs.is_array()) return;
    std::optional<double> sum;
    for (const auto& run : runs) {
      if (auto value = value_of(run)) sum = sum.value_or(0) + *value;
    }
    if (sum) set.bars.push_back({scenario, *sum});
  });
  return set;
}

bool made_power_cuts(const Json& summary) {
  bool made = false;
  for_each_run(summary, [&](const SummaryRun& ref) {
    const auto& cuts = json_at(ref.run, "power_cuts");
    made = made || (cuts.is_array() && !cuts.empty());
  });
  return made;
}

PlotSpec stale_plot(const Json& summary) {
  PlotSpec spec{"stale-blocks", "Stale blocks per scenario", "scenario", "stale blocks"};
  spec.kind = PlotKind::kBars;
  spec.bars.push_back(
      scenario_sums(summary, "stale blocks", [](const Json& run) { return number_at(run, "stale_blocks"); }));
  if (made_power_cuts(summary)) {
    spec.bars.push_back(scenario_sums(summary, "after power cuts", stale_blocks_after_power_cuts));
  }
  std::erase_if(spec.bars, [](const BarSeries& set) { return set.bars.empty(); });
  return spec;
}

bool has_data(const PlotSpec& spec) { return spec.kind == PlotKind::kLines ? !spec.lines.empty() : !spec.bars.empty(); }

}  // namespace

std::string plot_id_part(std::string_view text) {
  std::string id;
  for (unsigned char c : text) {
    id += (std::isalnum(c) || c == '_' || c == '-') ? static_cast<char>(std::tolower(c)) : '-';
  }
  return id;
}

std::vector<PlotSpec> report_plots(const ReportInput& input) {
  std::vector<PlotSpec> plots;
  for (const char* direction : kDirections) plots.push_back(cdf_plot(input, direction));
  for (const char* direction : kDirections) plots.push_back(latency_time_plot(input, direction));
  for (const auto& source : memory_sources(input)) plots.push_back(memory_plot(input, source));
  plots.push_back(module_memory_plot(input));
  plots.push_back(stale_plot(input.summary));
  std::erase_if(plots, [](const PlotSpec& spec) { return !has_data(spec); });
  return plots;
}

}  // namespace bh::analysis
