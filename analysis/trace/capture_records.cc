#include "analysis/trace/capture_records.h"

#include <algorithm>

#include "analysis/trace/event_format.h"

namespace bh::analysis {
namespace {

/// "cpuN: 3 overrun, 2 dropped events" for whatever this CPU lost; "" when nothing.
std::string loss_text(unsigned cpu, const TraceLoss& loss, std::uint64_t missed_pages) {
  std::string text;
  auto add = [&](std::uint64_t count, const char* what) {
    if (count > 0) text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + what;
  };
  add(loss.overrun, "overrun");
  add(loss.commit_overrun, "commit overrun");
  add(loss.dropped_events, "dropped events");
  add(missed_pages, "pages flagged with missed events");
  return text.empty() ? "" : "cpu" + std::to_string(cpu) + ": " + text;
}

}  // namespace

Expected<CaptureRecords> read_capture_records(const TraceCapture& capture) {
  auto header = parse_header_page(capture.header_page);
  if (!header) return fail("events/header_page: " + header.error().message);
  CaptureRecords out;
  for (unsigned cpu = 0; cpu < capture.cpu_raw.size(); ++cpu) {
    auto contents = parse_ring_buffer(capture.cpu_raw[cpu], header.value(), cpu);
    if (!contents) return fail("cpu" + std::to_string(cpu) + " trace: " + contents.error().message);
    if (cpu >= capture.cpu_stats.size())
      return fail("cpu" + std::to_string(cpu) + ": no ring-buffer stats were captured");
    auto loss = parse_cpu_stats(capture.cpu_stats[cpu]);
    if (!loss) return fail("cpu" + std::to_string(cpu) + ": " + loss.error().message);
    const auto missed_pages = contents.value().pages_with_missed_events;
    out.lost_events += loss.value().total() + std::max(missed_pages, contents.value().missed_events);
    if (const auto text = loss_text(cpu, loss.value(), missed_pages); !text.empty())
      out.loss_detail += (out.loss_detail.empty() ? "" : "; ") + text;
    auto& records = contents.value().records;
    out.records.insert(out.records.end(), records.begin(), records.end());
  }
  return out;
}

}  // namespace bh::analysis
