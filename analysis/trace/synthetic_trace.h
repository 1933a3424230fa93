#pragma once
/// Test support: trace captures built by hand, in the layouts a 64-bit kernel uses (4 KiB
/// ring-buffer pages, the common fields of 6.1), for decoders' unit tests. Events are
/// described by name, ID and u64 fields; a "char buf[]" field holds a marker's text.

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "analysis/trace/trace_capture.h"

namespace bh::analysis::testing {

inline constexpr std::string_view kSyntheticHeaderPage =
    "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
    "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
    "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
    "\tfield: char data;\toffset:16;\tsize:4080;\tsigned:1;\n";

inline constexpr std::string_view kSyntheticStats =
    "entries: 0\noverrun: 0\ncommit overrun: 0\nbytes: 0\noldest event ts: 1.0\nnow ts: 2.0\n"
    "dropped events: 0\nread events: 0\n";

/// An event whose fields after the common ones are u64s at offsets 8, 16, ... (a "buf"
/// field is a flexible char array, last).
struct SyntheticEvent {
  std::string name;  ///< "kmem/kmalloc"
  std::uint16_t id = 0;
  std::vector<std::string> fields;

  std::string format() const {
    std::string text = "name: " + name.substr(name.find('/') + 1) + "\nID: " + std::to_string(id) +
                       "\nformat:\n"
                       "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
                       "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
                       "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
                       "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n";
    std::size_t offset = 8;
    for (const auto& field : fields) {
      if (field == "buf") {
        text += "\tfield:char buf[];\toffset:" + std::to_string(offset) + ";\tsize:0;\tsigned:1;\n";
        continue;
      }
      text += "\tfield:unsigned long " + field + ";\toffset:" + std::to_string(offset) + ";\tsize:8;\tsigned:0;\n";
      offset += 8;
    }
    return text + "\nprint fmt: \"...\"\n";
  }
};

/// One CPU's ring-buffer pages, events appended in time order.
class SyntheticCpu {
 public:
  explicit SyntheticCpu(std::uint64_t start_ns) : now_ns_(start_ns) { start_page(); }

  /// Appends `event` `delta_ns` after the previous one (delta < 2^27), from task `pid`, with
  /// `values` by field name (missing ones 0) and `text` for a "buf" field.
  SyntheticCpu& add(const SyntheticEvent& event, std::uint32_t delta_ns, std::int32_t pid,
                    const std::map<std::string, std::uint64_t>& values, const std::string& text = "") {
    std::string data(8, '\0');
    put<std::uint16_t>(data, 0, event.id);
    put<std::int32_t>(data, 4, pid);
    for (const auto& field : event.fields) {
      if (field == "buf") {
        data += text + '\0';
        continue;
      }
      const auto value = values.find(field);
      const std::uint64_t raw = value == values.end() ? 0 : value->second;
      data.append(8, '\0');
      put(data, data.size() - 8, raw);
    }
    data.resize((data.size() + 3) / 4 * 4, '\0');
    if (page_.size() + 4 + data.size() > 4096) {
      finish_page();
      start_page();
    }
    now_ns_ += delta_ns;
    std::string header(4, '\0');
    put<std::uint32_t>(header, 0, static_cast<std::uint32_t>(data.size() / 4) | delta_ns << 5);
    page_ += header + data;
    return *this;
  }

  /// Every page, the last one closed.
  std::string bytes() {
    std::string all = pages_;
    std::string last = page_;
    put<std::uint64_t>(last, 8, last.size() - 16);
    last.resize(4096, '\0');
    return all + last;
  }

 private:
  template <class T>
  static void put(std::string& bytes, std::size_t offset, T value) {
    std::memcpy(bytes.data() + offset, &value, sizeof value);
  }
  void start_page() {
    page_.assign(16, '\0');
    put<std::uint64_t>(page_, 0, now_ns_);
  }
  void finish_page() {
    put<std::uint64_t>(page_, 8, page_.size() - 16);
    page_.resize(4096, '\0');
    pages_ += page_;
  }

  std::uint64_t now_ns_;
  std::string page_;
  std::string pages_;
};

/// A capture of `cpus` with the formats of `events`.
inline TraceCapture synthetic_capture(const std::vector<SyntheticEvent>& events, std::vector<std::string> cpus) {
  TraceCapture capture;
  capture.header_page = kSyntheticHeaderPage;
  capture.clock = "mono";
  for (const auto& event : events) capture.formats[event.name] = event.format();
  capture.cpu_raw = std::move(cpus);
  capture.cpu_stats.assign(capture.cpu_raw.size(), std::string(kSyntheticStats));
  return capture;
}

}  // namespace bh::analysis::testing
