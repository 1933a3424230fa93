#include "analysis/trace/trace_capture.h"

#include <nlohmann/json.hpp>
#include <system_error>

#include "base/strings.h"
#include "util/files.h"

namespace bh::analysis {
namespace fs = std::filesystem;

namespace {

fs::path cpu_file(const fs::path& dir, std::size_t cpu, std::string_view suffix) {
  return dir / ("cpu" + std::to_string(cpu) + std::string(suffix));
}

/// "bcache/bcache_read" must be SYSTEM/EVENT with plain names, so it maps to a path inside dir.
bool is_event_name(const std::string& name) {
  const auto slash = name.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == name.size()) return false;
  return name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/") ==
             std::string::npos &&
         name.find('/', slash + 1) == std::string::npos;
}

}  // namespace

Expected<void> save_trace_capture(const TraceCapture& capture, const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir / "format", error);
  if (error) return fail("creating " + (dir / "format").string() + ": " + error.message());
  std::vector<std::string> events;
  for (const auto& [name, text] : capture.formats) {
    if (!is_event_name(name)) return fail("trace event name '" + name + "' is not SYSTEM/EVENT");
    const auto path = dir / "format" / name;
    fs::create_directories(path.parent_path(), error);
    if (error) return fail("creating " + path.parent_path().string() + ": " + error.message());
    if (auto written = write_file_atomically(path, text); !written) return written.error();
    events.push_back(name);
  }
  for (std::size_t cpu = 0; cpu < capture.cpu_raw.size(); ++cpu) {
    if (auto written = write_file_atomically(cpu_file(dir, cpu, ".raw"), capture.cpu_raw[cpu]); !written)
      return written.error();
    const std::string stats = cpu < capture.cpu_stats.size() ? capture.cpu_stats[cpu] : "";
    if (auto written = write_file_atomically(cpu_file(dir, cpu, ".stats"), stats); !written) return written.error();
  }
  const nlohmann::json meta = {{"kernel_release", capture.kernel_release},
                               {"clock", capture.clock},
                               {"cpus", capture.cpu_raw.size()},
                               {"events", events}};
  if (auto written = write_file_atomically(dir / "header_page", capture.header_page); !written) return written.error();
  if (!capture.kprobe_profile.empty()) {
    if (auto written = write_file_atomically(dir / "kprobe_profile", capture.kprobe_profile); !written)
      return written.error();
  }
  return write_file_atomically(dir / "meta.json", meta.dump(2) + "\n");
}

Expected<TraceCapture> load_trace_capture(const fs::path& dir) {
  auto meta_text = read_file(dir / "meta.json");
  if (!meta_text) return meta_text.error();
  const auto meta = nlohmann::json::parse(meta_text.value(), nullptr, false);
  if (!meta.is_object() || !meta.value("cpus", nlohmann::json()).is_number_unsigned() ||
      !meta.value("events", nlohmann::json()).is_array()) {
    return fail((dir / "meta.json").string() + ": not a trace capture's meta.json (cpus, events)");
  }
  for (const char* key : {"kernel_release", "clock"}) {
    if (meta.contains(key) && !meta[key].is_string())
      return fail((dir / "meta.json").string() + ": '" + key + "' is not a string");
  }
  TraceCapture capture;
  capture.kernel_release = meta.value("kernel_release", "");
  capture.clock = meta.value("clock", "");
  auto header = read_file(dir / "header_page");
  if (!header) return header.error();
  capture.header_page = std::move(header).value();
  for (const auto& event : meta["events"]) {
    if (!event.is_string() || !is_event_name(event.get<std::string>()))
      return fail((dir / "meta.json").string() + ": a bad event name");
    auto text = read_file(dir / "format" / event.get<std::string>());
    if (!text) return text.error();
    capture.formats[event.get<std::string>()] = std::move(text).value();
  }
  for (std::size_t cpu = 0; cpu < meta["cpus"].get<std::size_t>(); ++cpu) {
    auto raw = read_file(cpu_file(dir, cpu, ".raw"));
    if (!raw) return raw.error();
    auto stats = read_file(cpu_file(dir, cpu, ".stats"));
    if (!stats) return stats.error();
    capture.cpu_raw.push_back(std::move(raw).value());
    capture.cpu_stats.push_back(std::move(stats).value());
  }
  if (fs::exists(dir / "kprobe_profile")) {
    auto profile = read_file(dir / "kprobe_profile");
    if (!profile) return profile.error();
    capture.kprobe_profile = std::move(profile).value();
  }
  return capture;
}

Expected<TraceLoss> parse_cpu_stats(std::string_view text) {
  std::map<std::string, std::uint64_t, std::less<>> counters;
  for (const auto line : split_lines(text)) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (const auto value = to_number(trim(line.substr(colon + 1)))) {
      counters[std::string(trim(line.substr(0, colon)))] = *value;
    }
  }
  TraceLoss loss;
  for (const auto& [name, slot] :
       {std::pair{"overrun", &loss.overrun}, std::pair{"commit overrun", &loss.commit_overrun},
        std::pair{"dropped events", &loss.dropped_events}}) {
    const auto found = counters.find(name);
    if (found == counters.end()) return fail(std::string("the ring buffer's stats have no '") + name + ":' line");
    *slot = found->second;
  }
  return loss;
}

}  // namespace bh::analysis
