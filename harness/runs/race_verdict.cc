#include "harness/runs/race_verdict.h"

#include <cstdio>

#include "harness/runs/run_steps.h"

namespace bh {
namespace {

using Json = nlohmann::json;

constexpr std::uint64_t kSectorBytes = 512;
constexpr std::uint64_t kBlockBytes = 4096;

double seconds_from(std::uint64_t t_ns, const EvidenceFrame& frame) {
  return static_cast<double>(t_ns - std::min(t_ns, frame.first_event_ns)) / 1e9;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f s", seconds);
  return text;
}

/// The first sector of a backing-sector range on the bcache device.
std::uint64_t device_sector(const analysis::SectorRange& range, const EvidenceFrame& frame) {
  return range.begin - std::min(range.begin, frame.data_offset_sectors);
}

/// A backing-sector range as bcache-device sectors: {sector, sectors}.
Json sectors_json(const analysis::SectorRange& range, const EvidenceFrame& frame) {
  return {{"sector", device_sector(range, frame)}, {"sectors", range.end - range.begin}};
}

/// "SECTOR+SECTORS" on the bcache device.
std::string sectors_text(const analysis::SectorRange& range, const EvidenceFrame& frame) {
  return std::to_string(device_sector(range, frame)) + "+" + std::to_string(range.end - range.begin);
}

std::uint64_t blocks_explained(const analysis::RaceEvidence& evidence, const analysis::BlockClassification& blocks,
                               std::uint64_t region_offset, const EvidenceFrame& frame) {
  std::uint64_t explained = 0;
  for (std::size_t i = 0; i < blocks.block_map.size(); ++i) {
    if (blocks.block_map[i] != 'S') continue;
    const auto sector = (region_offset + i * kBlockBytes) / kSectorBytes + frame.data_offset_sectors;
    if (evidence.explain({sector, sector + kBlockBytes / kSectorBytes})) ++explained;
  }
  return explained;
}

}  // namespace

Expected<TracedRace> trace_race(const analysis::TraceCapture& capture, const Scenario& scenario,
                                std::uint64_t data_offset_bytes) {
  auto trace = analysis::decode_bcache_trace(capture);
  if (!trace) return trace.error();
  const auto base = data_offset_bytes / kSectorBytes;
  const analysis::RaceEvidenceOptions options{
      {base + scenario.region.write_offset / kSectorBytes,
       base + (scenario.region.write_offset + scenario.region.write_size) / kSectorBytes},
      scenario.settings.cache_mode == CacheMode::kWritearound};
  auto evidence = analysis::find_race_evidence(trace.value(), options);
  return TracedRace{std::move(trace).value(), std::move(evidence)};
}

std::optional<RaceEvidenceResult> race_evidence(const RunSteps& steps, const Scenario& scenario,
                                                const analysis::BlockClassification* verification) {
  if (!steps.race_trace_error().empty()) return std::nullopt;
  const auto offset = steps.bcache().data_offset_bytes;
  const auto traced = or_error(trace_race(steps.race_trace(), scenario, offset), "race evidence");
  return summarize_race_evidence(traced, scenario, offset, verification);
}

Json explain_stale_insert(const analysis::ReadMiss& miss, const analysis::BypassWrite& write,
                          const EvidenceFrame& frame) {
  Json bypass = sectors_json(write.range, frame);
  bypass["reason"] = write.reason;
  bypass["issued_s"] = seconds_from(write.issued_ns, frame);
  if (write.completed_ns) bypass["completed_s"] = seconds_from(*write.completed_ns, frame);
  Json read = sectors_json(miss.range, frame);
  read["issued_s"] = seconds_from(miss.issued_ns, frame);
  read["miss_s"] = seconds_from(miss.miss_ns, frame);
  read["placeholder"] = miss.placeholder;
  Json insert = sectors_json(miss.inserted, frame);
  insert["t_s"] = seconds_from(miss.inserted_ns.value_or(miss.miss_ns), frame);
  const std::string text =
      "read miss of sectors " + sectors_text(miss.range, frame) + " at " + seconds_text(read["miss_s"]) +
      " while the " + write.reason + " bypass write of sectors " + sectors_text(write.range, frame) + " (issued " +
      seconds_text(bypass["issued_s"]) + ", " +
      (write.completed_ns ? "completed " + seconds_text(bypass["completed_s"]) : std::string("never completed")) +
      ") was in flight; its data landed in the cache at " + seconds_text(insert["t_s"]);
  return {{"text", text}, {"miss", read}, {"insert", insert}, {"bypass_write", bypass}};
}

RaceEvidenceResult summarize_race_evidence(const TracedRace& traced, const Scenario& scenario,
                                           std::uint64_t data_offset_bytes,
                                           const analysis::BlockClassification* verification) {
  const auto& evidence = traced.evidence;
  RaceEvidenceResult result;
  result.trace_events = traced.trace.events.size();
  result.lost_events = traced.trace.lost_events;
  result.writer_writes = evidence.writer_writes;
  result.bypass_writes = evidence.bypass_writes.size();
  result.bypass_by_reason = evidence.bypass_by_reason;
  result.read_misses = evidence.read_misses.size();
  result.bypassed_read_misses = evidence.bypassed_read_misses;
  result.race_windows = evidence.race_windows;
  result.stale_inserts = evidence.stale_inserts;
  result.insert_collisions = evidence.insert_collisions;
  result.min_race_windows = scenario.kind == ScenarioKind::kRace ? scenario.min_race_windows : 0;
  if (!verification) return result;
  const EvidenceFrame frame{data_offset_bytes / kSectorBytes, evidence.first_event_ns};
  const auto region_offset = scenario.region.fill_offset();
  result.stale_blocks_explained = blocks_explained(evidence, *verification, region_offset, frame);
  for (const auto& example : verification->stale_examples) {
    const auto sector = example.offset / kSectorBytes + frame.data_offset_sectors;
    const auto* miss = evidence.explain({sector, sector + kBlockBytes / kSectorBytes});
    if (miss)
      result.explanations[example.offset] =
          explain_stale_insert(*miss, evidence.bypass_writes[*miss->raced_write], frame);
  }
  return result;
}

std::string evidence_counts(const RaceEvidenceResult& evidence) {
  std::string text = std::to_string(evidence.bypass_writes) + " of " + std::to_string(evidence.writer_writes) +
                     " writer writes bypassed";
  for (const auto& [reason, count] : evidence.bypass_by_reason) text += ", " + std::to_string(count) + " " + reason;
  text += "; " + std::to_string(evidence.read_misses) + " read misses in the written range";
  if (evidence.bypassed_read_misses > 0)
    text += ", " + std::to_string(evidence.bypassed_read_misses) + " more bypassed (never inserted)";
  return text;
}

std::string not_exercised_reason(const RaceEvidenceResult& evidence) {
  if (evidence.race_windows >= evidence.min_race_windows && evidence.race_windows > 0) return "";
  if (evidence.bypass_writes == 0) {
    return "not exercised: bcache bypassed none of the writer's " + std::to_string(evidence.writer_writes) +
           " writes (bypass_writes 0: check cache_mode, sequential_cutoff and the congestion thresholds)";
  }
  if (evidence.read_misses == 0) {
    return "not exercised: no read missed the cache in the written range (read_misses 0), so no read could race "
           "the bypass writes (" +
           evidence_counts(evidence) + ")";
  }
  return "not exercised: " + std::to_string(evidence.race_windows) +
         " race windows (read misses overlapping a bypass write in flight), fewer than min_race_windows " +
         std::to_string(evidence.min_race_windows) + " (" + evidence_counts(evidence) + ")";
}

void judge_race_run(RunResult& result, const Scenario& scenario) {
  const auto& blocks = *result.verification;
  result.reason = nonzero_counts({{"stale_blocks", blocks.stale_blocks},
                                  {"lost_writes", blocks.lost_writes},
                                  {"torn_blocks", blocks.torn_blocks},
                                  {"misplaced_blocks", blocks.misplaced_blocks},
                                  {"unrecognised_blocks", blocks.unrecognised_blocks}});
  if (!result.console_findings.empty()) {
    result.reason += (result.reason.empty() ? "" : "; ") + ("kernel: " + result.console_findings.front());
  }
  if (!result.race_evidence) {
    result.status = result.reason.empty() ? Status::kError : Status::kFail;
    if (result.reason.empty())
      result.reason = "not exercised: no race evidence (" + result.race_evidence_error.value_or("no trace") + ")";
    return;
  }
  const auto& evidence = *result.race_evidence;
  if (!result.reason.empty()) {
    result.status = Status::kFail;
    result.exercised = true;  // the kernel served wrong data: the run tested enough to show it
    if (evidence.lost_events > 0)
      result.reason +=
          "; the trace lost " + std::to_string(evidence.lost_events) + " events (the evidence under-counts)";
    return;
  }
  result.status = Status::kError;
  if (evidence.lost_events > 0) {
    result.reason = "the trace lost " + std::to_string(evidence.lost_events) +
                    " bcache events: the race evidence would under-count (see race.trace/cpuN.stats)";
    return;
  }
  if (scenario.expected_stale == ExpectedStale::kNone) {
    result.exercised = evidence.race_windows == 0;
    if (*result.exercised) {
      result.status = Status::kPass;
    } else {
      result.reason = "the control opened " + std::to_string(evidence.race_windows) +
                      " race windows (read misses overlapping a bypass write in flight): it does not control anything";
    }
    return;
  }
  result.reason = not_exercised_reason(evidence);
  result.exercised = result.reason.empty();
  if (*result.exercised)
    result.status = Status::kPass;
  else if (scenario.skip_when_not_exercised)
    result.status = Status::kSkip;
}

}  // namespace bh
