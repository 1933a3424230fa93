#include "analysis/memory/memory_trace.h"

#include <algorithm>
#include <map>
#include <optional>

#include "analysis/memory/memory_probes.h"
#include "analysis/trace/capture_records.h"
#include "analysis/trace/event_format.h"
#include "analysis/trace/kprobe_profile.h"
#include "base/strings.h"

namespace bh::analysis {
namespace {

/// How a record of one event turns into ledger events.
enum class Source { kSlabAlloc, kSlabFree, kProbe, kMarker };

struct Layout {
  std::string name;
  Source source = Source::kSlabAlloc;
  const MemoryProbe* probe = nullptr;  ///< kProbe
  EventFormat format;
  const TraceField* pid = nullptr;
  const TraceField* caller = nullptr;
  const TraceField* ptr = nullptr;
  const TraceField* amount = nullptr;  ///< bytes_alloc, size or order; nullptr when the event has none
  const TraceField* text = nullptr;    ///< kMarker
};

/// The field each source needs: caller, pointer and amount.
struct FieldNames {
  const char* caller;
  const char* ptr;
  const char* amount;  ///< nullptr: none
};

FieldNames field_names(const Layout& layout) {
  switch (layout.source) {
    case Source::kSlabAlloc: return {"call_site", "ptr", "bytes_alloc"};
    case Source::kSlabFree: return {"call_site", "ptr", nullptr};
    case Source::kMarker: return {nullptr, nullptr, nullptr};
    case Source::kProbe: break;
  }
  const auto& probe = *layout.probe;
  const char* caller = probe.is_return() ? "__probe_ret_ip" : "caller";
  switch (probe.role) {
    case ProbeRole::kAllocEntry:
      if (probe.family == "page") return {caller, nullptr, nullptr};
      return {caller, nullptr, probe.family == "pages" ? "order" : "size"};
    case ProbeRole::kReallocEntry: return {caller, "ptr", "size"};
    case ProbeRole::kAllocReturn:
    case ProbeRole::kReallocReturn:
    case ProbeRole::kFree: return {caller, "ptr", nullptr};
  }
  return {caller, "ptr", nullptr};
}

Expected<void> find_fields(Layout& layout) {
  const auto names = field_names(layout);
  std::vector<std::pair<const char*, const TraceField**>> wanted = {{"common_pid", &layout.pid}};
  if (layout.source == Source::kMarker) wanted.emplace_back("buf", &layout.text);
  if (names.caller) wanted.emplace_back(names.caller, &layout.caller);
  if (names.ptr) wanted.emplace_back(names.ptr, &layout.ptr);
  if (names.amount) wanted.emplace_back(names.amount, &layout.amount);
  for (const auto& [name, slot] : wanted) {
    *slot = layout.format.field(name);
    if (*slot == nullptr) return fail(layout.name + " format has no field '" + name + "'");
  }
  return outcome::success();
}

Expected<std::map<std::uint16_t, Layout>> layouts_of(const TraceCapture& capture) {
  std::vector<Layout> wanted;
  for (const auto& tracepoint : kSlabTracepoints)
    wanted.push_back({std::string(tracepoint.name), tracepoint.allocates ? Source::kSlabAlloc : Source::kSlabFree});
  for (const auto& probe : kMemoryProbes)
    wanted.push_back({std::string(kMemoryProbeGroup) + "/" + std::string(probe.event), Source::kProbe, &probe});
  wanted.push_back({std::string(kMarkerEvent), Source::kMarker});
  std::map<std::uint16_t, Layout> by_id;
  for (auto& layout : wanted) {
    const auto text = capture.formats.find(layout.name);
    if (text == capture.formats.end()) continue;
    auto format = parse_event_format(text->second);
    if (!format) return fail(layout.name + " format: " + format.error().message);
    layout.format = std::move(format).value();
    if (auto found = find_fields(layout); !found) return found.error();
    const auto id = layout.format.id;
    by_id.emplace(id, std::move(layout));
  }
  if (std::none_of(by_id.begin(), by_id.end(),
                   [](const auto& entry) { return entry.second.source != Source::kMarker; }))
    return fail("the trace has the format of no kmem or bhmem event");
  return by_id;
}

/// One record's values.
struct Fields {
  std::int64_t pid = 0;
  std::uint64_t caller = 0;
  std::uint64_t ptr = 0;
  std::uint64_t amount = 0;
};

Expected<Fields> read_fields(const Layout& layout, const TraceRecord& record) {
  Fields fields;
  auto pid = read_signed(*layout.pid, record.data);
  if (!pid) return pid.error();
  fields.pid = pid.value();
  for (const auto& [field, slot] : {std::pair{layout.caller, &fields.caller}, std::pair{layout.ptr, &fields.ptr},
                                    std::pair{layout.amount, &fields.amount}}) {
    if (field == nullptr) continue;
    auto value = read_unsigned(*field, record.data);
    if (!value) return value.error();
    *slot = value.value();
  }
  return fields;
}

/// kmalloc's ZERO_SIZE_PTR and NULL: pointers that hold nothing.
bool holds_nothing(std::uint64_t ptr) { return ptr <= 16; }

/// Pairs probe entries with their returns, per task and function.
class ProbePairs {
 public:
  ProbePairs(MemoryTrace& trace, std::uint64_t page_size) : trace_(trace), page_size_(page_size) {}

  void add(const MemoryProbe& probe, const Fields& fields, std::uint64_t t_ns) {
    auto& pending = pending_[{fields.pid, std::string(probe.family)}];
    switch (probe.role) {
      case ProbeRole::kAllocEntry:
      case ProbeRole::kReallocEntry:
        pending.push_back({fields.caller, entry_bytes(probe, fields.amount), fields.ptr});
        return;
      case ProbeRole::kFree:
        trace_.events.push_back({MemoryEvent::Kind::kFree, t_ns, fields.ptr, 0, fields.caller});
        return;
      case ProbeRole::kAllocReturn:
      case ProbeRole::kReallocReturn: break;
    }
    const auto entry = std::find_if(pending.rbegin(), pending.rend(),
                                    [&](const Entry& candidate) { return candidate.caller == fields.caller; });
    if (entry == pending.rend()) {
      ++trace_.unpaired_returns;
      return;
    }
    const Entry matched = *entry;
    pending.erase(std::next(entry).base());
    if (probe.role == ProbeRole::kAllocReturn) {
      trace_.events.push_back({MemoryEvent::Kind::kAlloc, t_ns, fields.ptr, matched.bytes, matched.caller});
    } else if (fields.ptr != matched.ptr && !holds_nothing(matched.ptr) && (fields.ptr != 0 || matched.bytes == 0)) {
      trace_.events.push_back({MemoryEvent::Kind::kFree, t_ns, matched.ptr, 0, matched.caller});  // moved or freed
    }
  }

  void finish() {
    for (const auto& [_, entries] : pending_) trace_.unpaired_entries += entries.size();
  }

 private:
  struct Entry {
    std::uint64_t caller = 0;
    std::uint64_t bytes = 0;
    std::uint64_t ptr = 0;  ///< krealloc's pointer in
  };
  std::uint64_t entry_bytes(const MemoryProbe& probe, std::uint64_t amount) const {
    if (probe.family == "page") return page_size_;
    return probe.family == "pages" ? page_size_ << amount : amount;
  }

  MemoryTrace& trace_;
  std::uint64_t page_size_;
  std::map<std::pair<std::int64_t, std::string>, std::vector<Entry>> pending_;
};

std::string where(const TraceRecord& record, const Layout& layout) {
  return "cpu" + std::to_string(record.cpu) + " trace: " + layout.name + ": ";
}

}  // namespace

Expected<std::uint64_t> probe_misses(std::string_view kprobe_profile, std::string* detail) {
  auto profile = parse_kprobe_profile(kprobe_profile);
  if (!profile) return profile.error();
  std::uint64_t misses = 0;
  for (const auto& [event, counts] : profile.value()) {
    const std::string_view name = event;  // clang 14 cannot capture a structured binding
    const bool ours = std::any_of(kMemoryProbes.begin(), kMemoryProbes.end(),
                                  [name](const MemoryProbe& probe) { return probe.event == name; });
    if (!ours || counts.missed == 0) continue;
    misses += counts.missed;
    if (detail) *detail += (detail->empty() ? "" : "; ") + event + ": " + std::to_string(counts.missed) + " missed";
  }
  return misses;
}

Expected<MemoryTrace> decode_memory_trace(const TraceCapture& capture, const LoadedModuleCode& code) {
  auto layouts = layouts_of(capture);
  if (!layouts) return layouts.error();
  auto header = parse_header_page(capture.header_page);
  if (!header) return fail("events/header_page: " + header.error().message);
  auto contents = read_capture_records(capture);
  if (!contents) return contents.error();
  auto& records = contents.value().records;
  std::stable_sort(records.begin(), records.end(),
                   [](const TraceRecord& a, const TraceRecord& b) { return a.timestamp_ns < b.timestamp_ns; });
  MemoryTrace trace;
  trace.lost_events = contents.value().lost_events;
  trace.loss_detail = contents.value().loss_detail;
  std::string missed_detail;
  auto missed = probe_misses(capture.kprobe_profile, &missed_detail);
  if (!missed) return missed.error();
  trace.lost_events += missed.value();
  if (!missed_detail.empty()) trace.loss_detail += (trace.loss_detail.empty() ? "" : "; ") + missed_detail;
  ProbePairs pairs(trace, header.value().data_offset + header.value().data_size);
  for (const auto& record : records) {
    auto id = record_event_id(record);
    if (!id) return fail("cpu" + std::to_string(record.cpu) + " trace: " + id.error().message);
    const auto found = layouts.value().find(id.value());
    if (found == layouts.value().end()) continue;
    const auto& layout = found->second;
    ++trace.records;
    if (layout.source == Source::kMarker) {
      auto text = read_chars(*layout.text, record.data);
      if (!text) return fail(where(record, layout) + text.error().message);
      trace.marks.push_back({record.timestamp_ns, std::string(trim(text.value()))});
      continue;
    }
    auto fields = read_fields(layout, record);
    if (!fields) return fail(where(record, layout) + fields.error().message);
    if (!code.contains(fields.value().caller)) {
      ++trace.outside_module;
      continue;
    }
    const auto& value = fields.value();
    if (layout.source == Source::kSlabAlloc)
      trace.events.push_back({MemoryEvent::Kind::kAlloc, record.timestamp_ns, value.ptr, value.amount, value.caller});
    else if (layout.source == Source::kSlabFree)
      trace.events.push_back({MemoryEvent::Kind::kFree, record.timestamp_ns, value.ptr, 0, value.caller});
    else
      pairs.add(*layout.probe, value, record.timestamp_ns);
  }
  pairs.finish();
  return trace;
}

}  // namespace bh::analysis
