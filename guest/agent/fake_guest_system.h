#pragma once
/// FakeGuestSystem: an in-memory GuestSystem for unit tests (test code only).

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "guest/agent/guest_system.h"

namespace bh::agent {

/// Files live in a map; directories are path prefixes; processes return a scripted outcome
/// after calling on_tick `ticks_per_run` times (returning early, detached, once detach_when
/// says so); uptime advances one second per reading.
class FakeGuestSystem : public GuestSystem {
 public:
  std::map<std::string, std::string> files;
  std::set<std::string> dirs;
  std::map<std::string, int> refused_writes;  ///< path -> errno its write fails with
  std::vector<std::string> writes;            ///< "path=content" in call order
  std::vector<std::string> direct_reads;      ///< "path@offset+length" in call order
  std::vector<ProcessSpec> runs;
  Expected<ProcessOutcome> next_outcome = ProcessOutcome{};
  std::map<std::string, std::string> files_made_by_process;  ///< written when a run ends
  int ticks_per_run = 0;
  std::function<void(int tick)> during_run;  ///< called before each tick (a process's doings)
  double uptime = 100.0;
  int sleeps = 0;
  int power_offs = 0;

  Expected<ProcessOutcome> run_process(const ProcessSpec& spec) override {
    runs.push_back(spec);
    for (int i = 0; i < ticks_per_run; ++i) {
      if (during_run) during_run(i);
      if (spec.on_tick) spec.on_tick();
      if (spec.detach_when && spec.detach_when()) {
        auto detached = next_outcome;
        if (detached) detached.value().detached = true;
        return detached;
      }
    }
    for (const auto& [path, content] : files_made_by_process) files[path] = content;
    return next_outcome;
  }
  Expected<std::string> read_file(const std::string& path) override {
    const auto it = files.find(path);
    if (it == files.end()) return fail("open " + path + ": No such file or directory");
    return it->second;
  }
  Expected<std::string> read_direct(const std::string& path, std::uint64_t offset, std::uint64_t length) override {
    direct_reads.push_back(path + "@" + std::to_string(offset) + "+" + std::to_string(length));
    const auto it = files.find(path);
    if (it == files.end()) return fail("open " + path + ": No such file or directory");
    if (offset + length > it->second.size()) {
      return fail("read " + path + " at offset " + std::to_string(offset) + ": short read");
    }
    return it->second.substr(offset, length);
  }
  Expected<void> write_file(const std::string& path, std::string_view content) override {
    writes.push_back(path + "=" + std::string(content));
    if (const auto it = refused_writes.find(path); it != refused_writes.end()) {
      return fail("write \"" + std::string(content) + "\" to " + path + ": " + std::strerror(it->second));
    }
    files[path] = std::string(content);
    return outcome::success();
  }
  Expected<void> append_file(const std::string& path, std::string_view content) override {
    writes.push_back(path + "+=" + std::string(content));
    if (const auto it = refused_writes.find(path); it != refused_writes.end()) {
      return fail("append \"" + std::string(content) + "\" to " + path + ": " + std::strerror(it->second));
    }
    const auto it = files.find(path);
    if (it == files.end()) return fail("open " + path + " for appending: No such file or directory");
    it->second += content;
    return outcome::success();
  }
  /// Pipes: what a file holds is read once, then it is empty.
  Expected<std::string> read_available(const std::string& path, std::size_t /*chunk*/, std::size_t max_bytes) override {
    const auto it = files.find(path);
    if (it == files.end()) return fail("open " + path + ": No such file or directory");
    if (it->second.size() > max_bytes) return fail(path + " holds more than " + std::to_string(max_bytes) + " bytes");
    return std::exchange(it->second, std::string());
  }
  Expected<std::vector<DirEntry>> list_dir(const std::string& path) override {
    if (!dirs.contains(path)) return fail("list " + path + ": No such file or directory");
    std::set<std::string> names;
    std::vector<DirEntry> entries;
    for (const auto& [file, content] : files) add_child(path, file, true, names, entries);
    for (const auto& dir : dirs) add_child(path, dir, false, names, entries);
    return entries;
  }
  Expected<void> make_dir(const std::string& path) override {
    if (!dirs.insert(path).second) return fail("mkdir " + path + ": File exists");
    return outcome::success();
  }
  Expected<void> remove_tree(const std::string& path) override {
    std::erase_if(files, [&](const auto& file) { return under(file.first, path); });
    std::erase_if(dirs, [&](const auto& dir) { return dir == path || under(dir, path); });
    return outcome::success();
  }
  double uptime_s() override { return uptime += 1.0; }
  std::string kernel_release() override { return "6.1.0-fake"; }
  void sleep_for(std::chrono::milliseconds) override { ++sleeps; }
  void power_off() override { ++power_offs; }

 private:
  static bool under(const std::string& path, const std::string& dir) { return path.starts_with(dir + "/"); }
  static void add_child(const std::string& dir, const std::string& path, bool is_regular, std::set<std::string>& names,
                        std::vector<DirEntry>& entries) {
    if (!under(path, dir)) return;
    const std::string rest = path.substr(dir.size() + 1);
    const auto slash = rest.find('/');
    const std::string name = rest.substr(0, slash);
    if (!names.insert(name).second) return;
    entries.push_back({name, is_regular && slash == std::string::npos});
  }
};

}  // namespace bh::agent
