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

Expected<void> RaceTrace::arm(std::size_t buffer_kib_per_cpu) {
  const std::string release_path = "/proc/sys/kernel/osrelease";
  std::vector<std::string> paths = {tracefs("events/header_page"), release_path};
  for (const auto event : analysis::kBcacheTraceEvents) paths.push_back(event_file(event, "format"));
  for (unsigned cpu = 0; cpu < kMaxTracedCpus; ++cpu) paths.push_back(cpu_file(cpu, "stats"));
  auto files = agent_.read_existing_files(paths);
  if (!files) return fail("tracing: " + files.error().message);
  for (std::size_t i = 0; i < 2 + analysis::kBcacheTraceEvents.size(); ++i) {
    if (!files.value().contains(paths[i])) {
      return fail("tracing: the guest kernel has no " + paths[i] +
                  " (tracefs not mounted, or a kernel built without bcache's tracepoints)");
    }
  }
  cpus_ = 0;
  while (cpus_ < kMaxTracedCpus && files.value().contains(cpu_file(cpus_, "stats"))) ++cpus_;
  if (cpus_ == 0) return fail("tracing: no " + cpu_file(0, "stats") + " in the guest");
  layouts_ = {};
  layouts_.header_page = files.value()[paths[0]];
  layouts_.kernel_release = std::string(trim(files.value()[release_path]));
  for (const auto event : analysis::kBcacheTraceEvents)
    layouts_.formats[std::string(event)] = files.value()[event_file(event, "format")];
  layouts_.clock = "mono";
  auto done = agent_.write_files(arm_writes(buffer_kib_per_cpu));
  if (!done) return fail("tracing: " + done.error().message);
  return outcome::success();
}

Expected<void> RaceTrace::start() {
  if (cpus_ == 0) return fail("tracing: started before it was armed");
  auto done = agent_.write_files({{tracefs("trace"), ""}, {tracefs("tracing_on"), "1"}});
  if (!done) return fail("tracing: " + done.error().message);
  return outcome::success();
}

std::vector<std::pair<std::string, std::string>> RaceTrace::arm_writes(std::size_t buffer_kib_per_cpu) const {
  std::vector<std::pair<std::string, std::string>> writes = {
      {tracefs("tracing_on"), "0"},
      {tracefs("buffer_size_kb"), std::to_string(buffer_kib_per_cpu)},
      {tracefs("trace_clock"), layouts_.clock},
      {tracefs("options/overwrite"), "0"},
      // With record-cmd on (the default), enabling any event also hooks sched_switch to
      // remember task names: live-patching __schedule, which under TCG crashed a 6.12 guest
      // ("Oops: int3" in __schedule). The host needs only PIDs.
      {tracefs("options/record-cmd"), "0"}};
  for (const auto event : analysis::kBcacheTraceEvents) {
    // A fresh guest's events have no filter; only the filtered ones are written.
    if (const auto filter = analysis::kBcacheTraceFilters.find(event); filter != analysis::kBcacheTraceFilters.end())
      writes.emplace_back(event_file(event, "filter"), std::string(filter->second));
    writes.emplace_back(event_file(event, "enable"), "1");
  }
  return writes;
}

Expected<analysis::TraceCapture> RaceTrace::stop() {
  // The events stay enabled: disabling them would patch bcache's code again while it runs.
  if (auto off = agent_.write_file(tracefs("tracing_on"), "0"); !off) return fail("tracing: " + off.error().message);
  std::vector<std::string> paths;
  for (unsigned cpu = 0; cpu < cpus_; ++cpu) paths.push_back(cpu_file(cpu, "stats"));
  for (unsigned cpu = 0; cpu < cpus_; ++cpu) paths.push_back(cpu_file(cpu, "trace_pipe_raw"));
  auto read = agent_.read_pipes(paths);
  if (!read) return fail("tracing: " + read.error().message);
  analysis::TraceCapture capture = layouts_;
  for (unsigned cpu = 0; cpu < cpus_; ++cpu) {
    capture.cpu_stats.push_back(read.value()[paths[cpu]]);
    capture.cpu_raw.push_back(read.value()[paths[cpus_ + cpu]]);
  }
  return capture;
}

}  // namespace bh
