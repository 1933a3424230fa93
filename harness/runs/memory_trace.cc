#include "harness/runs/memory_trace.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "analysis/memory/memory_probes.h"
#include "analysis/trace/event_format.h"
#include "base/strings.h"
#include "harness/runs/race_trace.h"

namespace bh {
namespace {

std::string tracefs(const std::string& file) { return std::string(kGuestTracefs) + "/" + file; }
std::string instance(const std::string& file) { return std::string(kMemoryTraceInstance) + "/" + file; }
std::string format_file(const std::string& event) { return tracefs("events/" + event + "/format"); }
std::string cpu_file(unsigned cpu, const char* file) {
  return instance("per_cpu/cpu" + std::to_string(cpu) + "/" + file);
}

std::string probe_event(const analysis::MemoryProbe& probe) {
  return std::string(analysis::kMemoryProbeGroup) + "/" + std::string(probe.event);
}

/// "0xffffffffc0a01000\n" as a number; none when it is not one.
std::optional<std::uint64_t> section_address(std::string_view text) {
  const auto trimmed = trim(text);
  if (!trimmed.starts_with("0x")) return std::nullopt;
  std::uint64_t value = 0;
  const auto digits = trimmed.substr(2);
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

/// Whether an event's format has a `name` field (kmem_cache_free's cache name).
bool has_name_field(const std::string& format_text) {
  auto format = analysis::parse_event_format(format_text);
  return format && format.value().field("name") != nullptr;
}

}  // namespace

Expected<void> MemoryTracer::start(std::size_t buffer_kib_per_cpu) {
  if (auto read = read_layouts(); !read) return fail("memory tracing: " + read.error().message);
  if (auto defined = define_probes(); !defined) return fail("memory tracing: " + defined.error().message);
  if (auto enabled = enable(buffer_kib_per_cpu); !enabled) return fail("memory tracing: " + enabled.error().message);
  return outcome::success();
}

Expected<void> MemoryTracer::read_layouts() {
  const std::string release_path = "/proc/sys/kernel/osrelease";
  const auto& image = capture_.image;
  const std::string sections = "/sys/module/" + capture_.module + "/sections/";
  std::vector<std::string> paths = {tracefs("events/header_page"), release_path,
                                    format_file(std::string(analysis::kMarkerEvent))};
  for (const auto& tracepoint : analysis::kSlabTracepoints) paths.push_back(format_file(std::string(tracepoint.name)));
  for (const auto& section : image.text_sections) paths.push_back(sections + section.name);
  for (unsigned cpu = 0; cpu < kMaxTracedCpus; ++cpu)
    paths.push_back(tracefs("per_cpu/cpu" + std::to_string(cpu) + "/stats"));
  auto files = agent_.read_existing_files(paths);
  if (!files) return files.error();
  auto& found = files.value();
  for (std::size_t i = 0; i < 3; ++i) {
    if (!found.contains(paths[i])) return fail("the guest kernel has no " + paths[i]);
  }
  capture_.trace = {};
  capture_.section_addresses.clear();
  capture_.trace.header_page = found[paths[0]];
  capture_.trace.kernel_release = std::string(trim(found[release_path]));
  capture_.trace.clock = "mono";
  capture_.trace.formats[std::string(analysis::kMarkerEvent)] = found[paths[2]];
  events_.clear();
  for (const auto& tracepoint : analysis::kSlabTracepoints) {
    const auto text = found.find(format_file(std::string(tracepoint.name)));
    if (text == found.end()) continue;  // the _node forms are gone since 6.0
    capture_.trace.formats[std::string(tracepoint.name)] = text->second;
    events_.push_back(std::string(tracepoint.name));
  }
  if (!capture_.trace.formats.contains("kmem/kmalloc") || !capture_.trace.formats.contains("kmem/kfree"))
    return fail("the guest kernel has no kmem/kmalloc and kmem/kfree tracepoints");
  for (const auto& section : image.text_sections) {
    const auto text = found.find(sections + section.name);
    if (text == found.end()) continue;
    const auto address = section_address(text->second);
    if (!address) return fail(sections + section.name + " holds '" + std::string(trim(text->second)) + "', no address");
    capture_.section_addresses[section.name] = *address;
  }
  auto code = analysis::LoadedModuleCode::place(image, capture_.section_addresses);
  if (!code) return fail(capture_.module + " (" + sections + "): " + code.error().message);
  code_ = std::move(code).value();
  cpus_ = 0;
  while (cpus_ < kMaxTracedCpus && found.contains(tracefs("per_cpu/cpu" + std::to_string(cpus_) + "/stats"))) ++cpus_;
  if (cpus_ == 0) return fail("no " + tracefs("per_cpu/cpu0/stats") + " in the guest");
  return outcome::success();
}

Expected<void> MemoryTracer::define_probes() {
  // record-cmd is global and copied into an instance when it is made: off first, so enabling
  // events never hooks sched_switch (see race_trace.cc).
  std::vector<GuestWrite> writes = {{tracefs("options/record-cmd"), "0"}};
  std::vector<const analysis::MemoryProbe*> probe_of = {nullptr};
  for (const auto& probe : analysis::kMemoryProbes) {
    for (const auto symbol : probe.symbols) {
      if (symbol.empty()) continue;
      writes.push_back({tracefs("kprobe_events"), analysis::probe_definition(probe, symbol) + "\n", true});
      probe_of.push_back(&probe);
    }
  }
  auto refused = agent_.write_batch(writes, {}, OnRefusal::kKeepGoing);
  if (!refused) return refused.error();
  if (refused.value().contains(0)) return fail(refused.value()[0]);
  std::vector<std::string> paths;
  capture_.unprobed.clear();
  for (const auto& probe : analysis::kMemoryProbes) {
    bool defined = false;
    for (std::size_t i = 1; i < writes.size(); ++i)
      defined = defined || (probe_of[i] == &probe && !refused.value().contains(i));
    if (defined) {
      paths.push_back(format_file(probe_event(probe)));
    } else {
      const auto names =
          std::string(probe.symbols[0]) + (probe.symbols[1].empty() ? "" : "/" + std::string(probe.symbols[1]));
      if (std::find(capture_.unprobed.begin(), capture_.unprobed.end(), names) == capture_.unprobed.end())
        capture_.unprobed.push_back(names);  // an entry and its return probe share their function
    }
  }
  if (paths.empty()) return outcome::success();
  auto formats = agent_.read_existing_files(paths);
  if (!formats) return formats.error();
  for (const auto& probe : analysis::kMemoryProbes) {
    const auto text = formats.value().find(format_file(probe_event(probe)));
    if (text == formats.value().end()) continue;
    capture_.trace.formats[probe_event(probe)] = text->second;
    events_.push_back(probe_event(probe));
  }
  return outcome::success();
}

Expected<void> MemoryTracer::enable(std::size_t buffer_kib_per_cpu) {
  std::vector<GuestWrite> writes = {{instance("tracing_on"), "0"},
                                    {instance("buffer_size_kb"), std::to_string(buffer_kib_per_cpu)},
                                    {instance("trace_clock"), capture_.trace.clock},
                                    {instance("options/overwrite"), "0"}};
  for (const auto& event : events_) {
    std::string caller = "call_site";
    for (const auto& probe : analysis::kMemoryProbes) {
      if (probe_event(probe) == event) caller = std::string(probe.caller_field());
    }
    auto filter = code_.filter(caller);
    if (event == "kmem/kmem_cache_free" && has_name_field(capture_.trace.formats[event]))
      filter = "(" + filter + ") && " + std::string(analysis::kMempoolCachesFilter);
    writes.push_back({instance("events/" + event + "/filter"), filter});
    writes.push_back({instance("events/" + event + "/enable"), "1"});
  }
  writes.push_back({instance("tracing_on"), "1"});
  auto done = agent_.write_batch(writes, {kMemoryTraceInstance}, OnRefusal::kStop);
  if (!done) return done.error();
  return outcome::success();
}

Expected<void> MemoryTracer::mark(const std::string& name) {
  auto done = agent_.write_batch({{instance("trace_marker"), analysis::phase_mark(name), true}}, {}, OnRefusal::kStop);
  if (!done) return fail("memory tracing: " + done.error().message);
  return outcome::success();
}

Expected<analysis::MemoryCapture> MemoryTracer::stop() {
  if (cpus_ == 0) return fail("memory tracing: stopped before it started");
  // The end mark and tracing off in one round trip: what is held at the mark is held at the end.
  auto off = agent_.write_batch(
      {{instance("trace_marker"), analysis::phase_mark(analysis::kEndMark), true}, {instance("tracing_on"), "0"}}, {},
      OnRefusal::kStop);
  if (!off) return fail("memory tracing: " + off.error().message);
  std::vector<std::string> paths;
  for (unsigned cpu = 0; cpu < cpus_; ++cpu) paths.push_back(cpu_file(cpu, "stats"));
  for (unsigned cpu = 0; cpu < cpus_; ++cpu) paths.push_back(cpu_file(cpu, "trace_pipe_raw"));
  const std::string profile = tracefs("kprobe_profile");
  paths.push_back(profile);
  auto read = agent_.read_pipes(paths);
  if (!read) return fail("memory tracing: " + read.error().message);
  analysis::MemoryCapture capture = capture_;
  for (unsigned cpu = 0; cpu < cpus_; ++cpu) {
    capture.trace.cpu_stats.push_back(read.value()[paths[cpu]]);
    capture.trace.cpu_raw.push_back(read.value()[paths[cpus_ + cpu]]);
  }
  capture.trace.kprobe_profile = read.value()[profile];
  return capture;
}

}  // namespace bh
