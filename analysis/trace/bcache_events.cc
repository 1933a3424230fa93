#include "analysis/trace/bcache_events.h"

#include <algorithm>
#include <map>
#include <optional>

#include "analysis/trace/capture_records.h"
#include "analysis/trace/event_format.h"

namespace bh::analysis {
namespace {

/// Where one event type's fields lie, from its format file; nullptr for fields it lacks.
struct EventLayout {
  BcacheEventType type;
  std::string name;
  EventFormat format;
  const TraceField* pid = nullptr;
  const TraceField* sector = nullptr;   // bios: sector; keys: offset (the key's end)
  const TraceField* sectors = nullptr;  // bios: nr_sector; keys: size
  const TraceField* rwbs = nullptr;
  const TraceField* hit = nullptr;
  const TraceField* bypass = nullptr;
  const TraceField* writeback = nullptr;
  const TraceField* dirty = nullptr;
  const TraceField* level = nullptr;
  const TraceField* op = nullptr;
  const TraceField* status = nullptr;
  bool is_key() const { return type == BcacheEventType::kCacheInsert || type == BcacheEventType::kBtreeInsertKey; }
};

BcacheEventType type_of(std::string_view event) {
  const std::size_t index =
      std::find(kBcacheTraceEvents.begin(), kBcacheTraceEvents.end(), event) - kBcacheTraceEvents.begin();
  return static_cast<BcacheEventType>(index);
}

/// The fields each type must have, by name, and the slot each goes to.
Expected<EventLayout> layout_of(std::string_view event, const std::string& format_text) {
  auto format = parse_event_format(format_text);
  if (!format) return fail(std::string(event) + " format: " + format.error().message);
  EventLayout layout{type_of(event), std::string(event), std::move(format).value()};
  std::vector<std::pair<const char*, const TraceField**>> wanted = {{"common_pid", &layout.pid}};
  switch (layout.type) {
    case BcacheEventType::kCacheInsert:
      wanted.insert(wanted.end(), {{"offset", &layout.sector}, {"size", &layout.sectors}, {"dirty", &layout.dirty}});
      break;
    case BcacheEventType::kBtreeInsertKey:
      wanted.insert(wanted.end(), {{"offset", &layout.sector},
                                   {"size", &layout.sectors},
                                   {"dirty", &layout.dirty},
                                   {"btree_level", &layout.level},
                                   {"op", &layout.op},
                                   {"status", &layout.status}});
      break;
    default:
      wanted.insert(wanted.end(), {{"sector", &layout.sector}, {"nr_sector", &layout.sectors}, {"rwbs", &layout.rwbs}});
  }
  if (layout.type == BcacheEventType::kRead)
    wanted.insert(wanted.end(), {{"cache_hit", &layout.hit}, {"bypass", &layout.bypass}});
  if (layout.type == BcacheEventType::kWrite)
    wanted.insert(wanted.end(), {{"writeback", &layout.writeback}, {"bypass", &layout.bypass}});
  for (const auto& [name, slot] : wanted) {
    *slot = layout.format.field(name);
    if (*slot == nullptr) return fail(std::string(event) + " format has no field '" + name + "'");
  }
  return layout;
}

/// rwbs as blk_fill_rwbs writes it: 'F' (flush) first, then the op (W, D, R, N), then flags.
bool rwbs_is_write(std::string_view rwbs) {
  const auto op = rwbs.find_first_not_of('F');
  if (op != std::string_view::npos) return rwbs[op] == 'W';
  return rwbs.size() > 1;  // "FF": a flush with FUA has no op letter of its own
}

Expected<std::uint64_t> number(const TraceField* field, std::string_view data) {
  return field ? read_unsigned(*field, data) : Expected<std::uint64_t>(std::uint64_t{0});
}

Expected<BcacheEvent> decode(const EventLayout& layout, const TraceRecord& record) {
  BcacheEvent event;
  event.type = layout.type;
  event.t_ns = record.timestamp_ns;
  event.cpu = record.cpu;
  std::uint64_t values[10];
  const TraceField* fields[10] = {layout.pid,       layout.sector, layout.sectors, layout.hit, layout.bypass,
                                  layout.writeback, layout.dirty,  layout.level,   layout.op,  layout.status};
  for (int i = 0; i < 10; ++i) {
    auto value = number(fields[i], record.data);
    if (!value) return fail(layout.name + ": " + value.error().message);
    values[i] = value.value();
  }
  event.pid = static_cast<int>(values[0]);
  event.sectors = static_cast<std::uint32_t>(values[2]);
  event.sector = layout.is_key() ? values[1] - std::min<std::uint64_t>(values[1], values[2]) : values[1];
  event.hit = values[3] != 0;
  event.bypass = values[4] != 0;
  event.writeback = values[5] != 0;
  event.dirty = values[6] != 0;
  event.level = static_cast<unsigned>(values[7]);
  event.replace = values[8] != 0;
  event.status = static_cast<unsigned>(values[9]);
  if (layout.rwbs) {
    auto rwbs = read_chars(*layout.rwbs, record.data);
    if (!rwbs) return fail(layout.name + ": " + rwbs.error().message);
    event.write = rwbs_is_write(rwbs.value());
  }
  return event;
}

}  // namespace

Expected<BcacheTrace> decode_bcache_trace(const TraceCapture& capture) {
  std::map<std::uint16_t, EventLayout> layouts;
  for (const auto event : kBcacheTraceEvents) {
    const auto text = capture.formats.find(std::string(event));
    if (text == capture.formats.end()) return fail("the trace has no format for " + std::string(event));
    auto layout = layout_of(event, text->second);
    if (!layout) return layout.error();
    const auto id = layout.value().format.id;
    layouts.emplace(id, std::move(layout).value());
  }
  auto contents = read_capture_records(capture);
  if (!contents) return contents.error();
  BcacheTrace trace;
  trace.lost_events = contents.value().lost_events;
  trace.loss_detail = contents.value().loss_detail;
  for (const auto& record : contents.value().records) {
    ++trace.records;
    const auto where = [&] { return "cpu" + std::to_string(record.cpu) + " trace: "; };
    auto id = record_event_id(record);
    if (!id) return fail(where() + id.error().message);
    const auto layout = layouts.find(id.value());
    if (layout == layouts.end()) continue;
    auto event = decode(layout->second, record);
    if (!event) return fail(where() + event.error().message);
    trace.events.push_back(event.value());
  }
  std::stable_sort(trace.events.begin(), trace.events.end(),
                   [](const BcacheEvent& a, const BcacheEvent& b) { return a.t_ns < b.t_ns; });
  return trace;
}

}  // namespace bh::analysis
