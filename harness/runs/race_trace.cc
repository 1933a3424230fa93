#include "harness/runs/race_trace.h"

#include "analysis/trace/bcache_events.h"
#include "base/strings.h"

namespace bh {
namespace {

std::string tracefs(const std::string& file) { return std::string(kGuestTracefs) + "/" + file; }

std::string event_file(std::string_view event, const char* file) {
  return tracefs("events/" + std::string(event) + "/" + file);
}

std::string cpu_file(unsigned cpu, const char* file) {
  return tracefs("per_cpu/cpu" + std::to_string(cpu) + "/" + file);
}

}  // namespace

Expected<void> RaceTrace::write(const std::string& file, const std::string& value) {
  auto written = agent_.write_file(tracefs(file), value);
  if (!written) return fail("tracing: " + written.error().message);
  return outcome::success();
}

Expected<void> RaceTrace::start(std::size_t buffer_kib_per_cpu) {
  std::vector<std::string> paths = {tracefs("events/header_page")};
  for (const auto event : analysis::kBcacheTraceEvents) paths.push_back(event_file(event, "format"));
  auto files = agent_.read_existing_files(paths);
  if (!files) return fail("tracing: " + files.error().message);
  for (const auto& path : paths) {
    if (!files.value().contains(path)) {
      return fail("tracing: the guest kernel has no " + path +
                  " (tracefs not mounted, or a kernel built without bcache's tracepoints)");
    }
  }
  layouts_ = {};
  layouts_.header_page = files.value()[paths[0]];
  for (const auto event : analysis::kBcacheTraceEvents)
    layouts_.formats[std::string(event)] = files.value()[event_file(event, "format")];
  layouts_.clock = "mono";
  for (const auto& [file, value] :
       std::vector<std::pair<std::string, std::string>>{{"tracing_on", "0"},
                                                        {"events/enable", "0"},
                                                        {"trace", ""},
                                                        {"buffer_size_kb", std::to_string(buffer_kib_per_cpu)},
                                                        {"trace_clock", layouts_.clock},
                                                        {"options/overwrite", "0"}}) {
    if (auto done = write(file, value); !done) return done;
  }
  for (const auto event : analysis::kBcacheTraceEvents) {
    // A fresh guest's events have no filter; only the filtered ones are written.
    if (const auto filter = analysis::kBcacheTraceFilters.find(event); filter != analysis::kBcacheTraceFilters.end()) {
      if (auto done = write("events/" + std::string(event) + "/filter", std::string(filter->second)); !done)
        return done;
    }
    if (auto done = write("events/" + std::string(event) + "/enable", "1"); !done) return done;
  }
  return write("tracing_on", "1");
}

Expected<analysis::TraceCapture> RaceTrace::stop() {
  if (auto done = write("tracing_on", "0"); !done) return done.error();
  std::vector<std::string> stats_paths;
  for (unsigned cpu = 0; cpu < kMaxTracedCpus; ++cpu) stats_paths.push_back(cpu_file(cpu, "stats"));
  auto stats = agent_.read_existing_files(stats_paths);
  if (!stats) return fail("tracing: " + stats.error().message);
  analysis::TraceCapture capture = layouts_;
  std::vector<std::string> pipes;
  for (unsigned cpu = 0; cpu < kMaxTracedCpus && stats.value().contains(stats_paths[cpu]); ++cpu) {
    capture.cpu_stats.push_back(stats.value()[stats_paths[cpu]]);
    pipes.push_back(cpu_file(cpu, "trace_pipe_raw"));
  }
  if (pipes.empty()) return fail("tracing: no " + stats_paths[0] + " in the guest");
  auto raw = agent_.read_pipes(pipes);
  if (!raw) return fail("tracing: " + raw.error().message);
  for (const auto& pipe : pipes) capture.cpu_raw.push_back(raw.value()[pipe]);
  if (auto done = write("events/enable", "0"); !done) return done.error();
  auto release = agent_.kernel_release();
  if (release) capture.kernel_release = release.value();
  return capture;
}

}  // namespace bh
