#include "analysis/run_metrics.h"

#include <algorithm>
#include <cstdio>

#include "analysis/latency_log.h"
#include "analysis/latency_stats.h"
#include "analysis/memory/module_memory.h"
#include "analysis/memory_summary.h"
#include "util/files.h"
#include "util/json_file.h"

namespace bh::analysis {
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr std::size_t kCdfPoints = 400;
constexpr std::uint64_t kTimeBinMs = 500;

struct Direction {
  const char* name;
  IoDirection io;
  const FioDirection FioJob::*member;
};
constexpr Direction kDirections[] = {{"read", IoDirection::kRead, &FioJob::read},
                                     {"write", IoDirection::kWrite, &FioJob::write}};

/// "p99.9" for 99.9: the summary's percentile key.
std::string percentile_key(double percentile) {
  char text[32];
  std::snprintf(text, sizeof text, "p%g", percentile);
  return text;
}

double us(double ns) { return ns / 1000.0; }

std::vector<std::uint64_t> sorted_latencies(const std::vector<LatencyLog>& logs, IoDirection direction) {
  std::vector<std::uint64_t> all;
  for (const auto& log : logs) {
    const auto& samples = log.samples(direction).latency_ns;
    all.insert(all.end(), samples.begin(), samples.end());
  }
  std::sort(all.begin(), all.end());
  return all;
}

/// The percentiles of one direction: fio's own when one job did its I/O, else from the logs.
void add_percentiles(Json& latency, const std::vector<const FioDirection*>& jobs, const std::vector<LatencyLog>& logs,
                     IoDirection direction) {
  if (jobs.size() == 1) {
    for (double p : kSummaryPercentiles) {
      if (auto ns = jobs.front()->clat.percentile_ns(p)) latency[percentile_key(p)] = us(static_cast<double>(*ns));
    }
    latency["percentiles_from"] = "fio-json";
    return;
  }
  const auto sorted = sorted_latencies(logs, direction);
  if (sorted.empty()) {
    latency["percentiles_from"] = "none: several jobs did this direction's I/O and there are no latency logs";
    return;
  }
  for (double p : kSummaryPercentiles) {
    latency[percentile_key(p)] = us(static_cast<double>(*percentile_of_sorted(sorted, p)));
  }
  latency["percentiles_from"] = "latency-logs";
}

}  // namespace

Json fio_metrics(const FioReport& report, const std::vector<LatencyLog>& latency_logs) {
  Json out = {{"latency_us", Json::object()}, {"iops", Json::object()}, {"bandwidth_kib_s", Json::object()}};
  for (const auto& direction : kDirections) {
    std::vector<const FioDirection*> jobs;
    double iops = 0, bandwidth = 0, weighted_mean = 0;
    std::uint64_t samples = 0, max_ns = 0;
    for (const auto& job : report.jobs) {
      const FioDirection& d = job.*(direction.member);
      if (d.total_ios == 0) continue;
      jobs.push_back(&d);
      iops += d.iops;
      bandwidth += static_cast<double>(d.bw_bytes) / 1024.0;
      samples += d.clat.samples;
      weighted_mean += d.clat.mean_ns * static_cast<double>(d.clat.samples);
      max_ns = std::max(max_ns, d.clat.max_ns);
    }
    if (jobs.empty()) continue;
    Json latency = {{"samples", samples}, {"max", us(static_cast<double>(max_ns))}};
    latency["mean"] = samples > 0 ? Json(us(weighted_mean / static_cast<double>(samples))) : Json();
    add_percentiles(latency, jobs, latency_logs, direction.io);
    out["latency_us"][direction.name] = latency;
    out["iops"][direction.name] = iops;
    out["bandwidth_kib_s"][direction.name] = bandwidth;
  }
  return out;
}

namespace {

/// The allocinfo part of a memory file: bcache's allocations at the baseline and at the
/// sample where they were largest.
void add_allocinfo(Json& out, const Json& baseline, const Json& samples) {
  const auto total_of = [](const Json& sample) -> std::optional<std::uint64_t> {
    if (!sample.contains("allocinfo_kib") || !sample["allocinfo_kib"].contains("total")) return std::nullopt;
    const Json& total = sample["allocinfo_kib"]["total"];
    if (!total.is_number_integer() || total.get<std::int64_t>() < 0) return std::nullopt;
    return total.get<std::uint64_t>();
  };
  const auto base = total_of(baseline);
  if (!base) {
    out["allocinfo"] = nullptr;
    out["allocinfo_unavailable"] =
        "the guest kernel has no /proc/allocinfo (it needs CONFIG_MEM_ALLOC_PROFILING and vm.mem_profiling=1)";
    return;
  }
  std::uint64_t peak = *base;
  double peak_t_s = 0;
  for (const auto& sample : samples) {
    const auto total = total_of(sample);
    if (total && *total > peak) {
      peak = *total;
      peak_t_s = sample.value("t_s", 0.0);
    }
  }
  out["allocinfo"] = {{"baseline_kib", *base},
                      {"peak_kib", peak},
                      {"peak_minus_baseline_kib", static_cast<std::int64_t>(peak) - static_cast<std::int64_t>(*base)},
                      {"peak_t_s", peak_t_s}};
}

}  // namespace

Expected<Json> memory_metrics(const Json& memory_file, const std::string& phase) {
  if (!memory_file.is_object() || !memory_file.contains("baseline") || !memory_file.contains("samples")) {
    return fail("memory file: expected an object with \"baseline\" and \"samples\"");
  }
  const Json& baseline = memory_file["baseline"];
  const Json& samples = memory_file["samples"];
  auto summary = summarize_memory(baseline, samples);
  if (!summary) return summary.error();
  summary.value().slab = top_slab_caches(summary.value().slab, kReportedSlabCaches);
  Json out = to_json(summary.value());
  out["phase"] = phase;
  out["interval_ms"] = memory_file.value("interval_ms", 0);
  out["samples"] = samples.size();
  out["bcache_module_kib"] = baseline.contains("bcache_module_kib") ? baseline["bcache_module_kib"] : Json();
  add_allocinfo(out, baseline, samples);
  return out;
}

Expected<std::vector<LatencyLog>> phase_latency_logs(const fs::path& run_dir, const std::string& phase) {
  std::vector<fs::path> paths;
  std::error_code error;
  const std::string prefix = phase + "_clat.";
  for (const auto& entry : fs::directory_iterator(run_dir, error)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".log")) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<LatencyLog> logs;
  for (const auto& path : paths) {
    auto log = parse_latency_log_file(path.string());
    if (!log) return log.error();
    logs.push_back(std::move(log).value());
  }
  return logs;
}

namespace {

/// A phase's raw files, each read and parsed once; the optional ones null when absent.
struct PhaseFiles {
  FioReport report;
  std::vector<LatencyLog> logs;
  fs::path memory_path;
  Json memory;    ///< null without PHASE.memory.json
  Json counters;  ///< null without bcache-counters.json
  /// From memory.trace/ (the module's own allocations over the whole run), when it exists.
  std::optional<ModuleMemory> module_memory;
  std::string module_memory_error;  ///< why memory.trace/ gave no figures
};

/// The run's memory.trace/, decoded, into `files`; nothing when the run has none.
void load_module_memory(const fs::path& run_dir, PhaseFiles& files) {
  const auto dir = run_dir / kModuleMemoryTraceDir;
  if (!fs::exists(dir)) return;
  auto capture = load_memory_capture(dir);
  auto memory = capture ? module_memory(capture.value()) : Expected<ModuleMemory>(capture.error());
  if (memory)
    files.module_memory = std::move(memory).value();
  else
    files.module_memory_error = dir.string() + ": " + memory.error().message;
}

Expected<PhaseFiles> load_phase_files(const fs::path& run_dir, const std::string& phase, bool with_fio) {
  PhaseFiles files;
  if (with_fio) {
    const auto fio_path = run_dir / (phase + ".fio.json");
    auto fio_text = read_file(fio_path);
    if (!fio_text) return fail(fio_path.string() + ": " + fio_text.error().message);
    auto report = parse_fio_json(fio_text.value());
    if (!report) return fail(fio_path.string() + ": " + report.error().message);
    files.report = std::move(report).value();
  }
  auto logs = phase_latency_logs(run_dir, phase);
  if (!logs) return logs.error();
  files.logs = std::move(logs).value();
  files.memory_path = run_dir / (phase + ".memory.json");
  if (fs::exists(files.memory_path)) {
    auto memory = read_json_file(files.memory_path);
    if (!memory) return memory.error();
    files.memory = std::move(memory).value();
  }
  if (const auto counters_path = run_dir / "bcache-counters.json"; with_fio && fs::exists(counters_path)) {
    auto counters = read_json_file(counters_path);
    if (!counters) return counters.error();
    files.counters = std::move(counters).value();
  }
  load_module_memory(run_dir, files);
  return files;
}

Expected<Json> metrics_of(const PhaseFiles& files, const std::string& phase) {
  Json out = fio_metrics(files.report, files.logs);
  out["measured_phase"] = phase;
  if (!files.memory.is_null()) {
    auto memory = memory_metrics(files.memory, phase);
    if (!memory) return fail(files.memory_path.string() + ": " + memory.error().message);
    out["memory_kib"] = memory.value();
  }
  if (!files.counters.is_null()) out["bcache_counters"] = files.counters;
  if (files.module_memory) {
    out["bcache_memory"] = files.module_memory->summary;
    if (out.contains("memory_kib"))
      out["bcache_memory"]["allocinfo_check"] = allocinfo_check(out["bcache_memory"], out["memory_kib"], phase);
  }
  if (!files.module_memory_error.empty()) out["bcache_memory_error"] = files.module_memory_error;
  return out;
}

RunSeries series_of(const PhaseFiles& files);

}  // namespace

Expected<Json> run_metrics(const fs::path& run_dir, const std::string& phase) {
  auto files = load_phase_files(run_dir, phase, true);
  if (!files) return files.error();
  return metrics_of(files.value(), phase);
}

Expected<RunAnalysis> analyse_run(const fs::path& run_dir, const std::string& phase) {
  auto files = load_phase_files(run_dir, phase, true);
  if (!files) return files.error();
  auto metrics = metrics_of(files.value(), phase);
  if (!metrics) return metrics.error();
  return RunAnalysis{std::move(metrics).value(), series_of(files.value())};
}

namespace {

std::vector<XY> memory_series(const Json& samples, const std::string& key) {
  std::vector<XY> points;
  for (const auto& sample : samples) {  // as the guest sent them: skip what is not numbers
    if (!sample.contains("meminfo") || !sample["meminfo"].contains(key)) continue;
    const Json& time = sample.value("t_s", Json(0.0));
    const Json& value = sample["meminfo"][key];
    if (time.is_number() && value.is_number()) points.push_back({time.get<double>(), value.get<double>()});
  }
  return points;
}

void add_latency_series(RunSeries& series, const std::vector<LatencyLog>& logs) {
  for (const auto& direction : kDirections) {
    LatencySamples merged;
    for (const auto& log : logs) {
      const auto& samples = log.samples(direction.io);
      merged.time_ms.insert(merged.time_ms.end(), samples.time_ms.begin(), samples.time_ms.end());
      merged.latency_ns.insert(merged.latency_ns.end(), samples.latency_ns.begin(), samples.latency_ns.end());
    }
    if (merged.empty()) continue;
    series.latency_cdf[direction.name] = latency_cdf(merged.latency_ns, kCdfPoints);
    auto& over_time = series.latency_over_time_us[direction.name];
    for (const auto& bin : latency_time_series(merged, kTimeBinMs, BinStatistic::mean())) {
      over_time.push_back({static_cast<double>(bin.start_ms) / 1000.0, us(bin.latency_ns)});
    }
  }
}

}  // namespace

namespace {

RunSeries series_of(const PhaseFiles& files) {
  RunSeries series;
  add_latency_series(series, files.logs);
  if (files.module_memory) {
    for (const auto& [t_s, bytes] : files.module_memory->held_over_time)
      series.module_memory_bytes.push_back({t_s, static_cast<double>(bytes)});
    for (const auto& phase : files.module_memory->summary["phases"])
      series.module_memory_phases.emplace_back(phase["start_s"].get<double>(), phase["name"].get<std::string>());
  }
  if (files.memory.is_null()) return series;
  const Json samples = files.memory.value("samples", Json::array());
  for (const auto key : kMeminfoKeys) {
    auto points = memory_series(samples, std::string(key));
    if (!points.empty()) series.memory_over_time_kib[std::string(key)] = std::move(points);
  }
  return series;
}

}  // namespace

Expected<RunSeries> run_series(const fs::path& run_dir, const std::string& phase) {
  auto files = load_phase_files(run_dir, phase, false);
  if (!files) return files.error();
  return series_of(files.value());
}

}  // namespace bh::analysis
