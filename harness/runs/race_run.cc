#include "harness/runs/race_run.h"

#include <chrono>

#include "analysis/block_classifier.h"
#include "analysis/fio_json.h"
#include "harness/bcache/provisioner.h"
#include "harness/results/run_directory.h"
#include "harness/runs/power_cut_run.h"
#include "harness/runs/race_verdict.h"
#include "harness/runs/run_steps.h"
#include "harness/vm/console_findings.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

/// The run-time race: boot, provision, fill, race, verify, power off.
class RaceRun {
 public:
  RaceRun(const RunContext& context, RunResult& result)
      : context_(context), result_(result), steps_(context, result.timing_s, result.facts) {}

  void run() {
    steps_.start();
    const auto report = steps_.race();
    race_writer_s_ = writer_runtime_s(report);
    writer_io_size_ = bh::writer_io_size(report);
    verify();
    weigh_evidence();
    steps_.power_off();
  }

  /// How long the race's writer ran (fio's job runtime), for placing power cuts.
  double race_writer_s() const { return race_writer_s_; }

  /// The writer's I/O size (bytes written over writes completed).
  std::uint64_t writer_io_size() const { return writer_io_size_; }

  /// Ends the guest (kills QEMU if it still runs), so its disk images can go.
  void end_guest() { steps_.end_guest(); }

  /// Why the run has no memory trace ("" when it has one).
  const std::string& memory_trace_error() const { return steps_.memory_trace_error(); }

 private:
  void verify() {
    const auto& region = context_.scenario.region;
    const auto readback = steps_.read_region();
    analysis::BlockRegion blocks{
        std::as_bytes(std::span(readback.served)), std::as_bytes(std::span(readback.backing)), region.fill_offset(),
        analysis::generation_in_range(region.write_offset, region.write_offset + region.write_size, kRaceGeneration,
                                      kFillGeneration)};
    const auto classification = or_error(analysis::classify_blocks(blocks), "classifying blocks");
    result_.verification = classification;
    auto map = analysis::block_map_json(classification, region.fill_offset());
    map["write_offset"] = region.write_offset;
    map["write_size"] = region.write_size;
    or_error(write_json(context_.run_dir, "block-map.json", map), "saving block-map.json");
    if (classification.newer_blocks > 0) {
      stop(Status::kError,
           std::to_string(classification.newer_blocks) +
               " blocks hold a generation the harness never wrote there: the harness's expectation is wrong");
    }
  }

  /// The race's trace against the verified blocks: counts and explanations.
  void weigh_evidence() {
    result_.race_evidence =
        race_evidence(steps_, context_.scenario, result_.verification ? &*result_.verification : nullptr);
    if (!result_.race_evidence) result_.race_evidence_error = steps_.race_trace_error();  // judged without it
  }

  const RunContext& context_;
  RunResult& result_;
  RunSteps steps_;
  double race_writer_s_ = 0;
  std::uint64_t writer_io_size_ = 0;
};

}  // namespace

RunResult run_race_once(const RunContext& context, std::string& used_accel) {
  RunResult result;
  result.seed = context.seed;
  result.facts.run_dir = context.run_dir.string();
  RaceRun race(context, result);
  const bool race_ran = run_until_stopped(result, context.run_dir, [&] { race.run(); });
  // Blocks read back are judged even when a later step broke: wrong data is the kernel's,
  // whatever the harness failed to do afterwards (that stays in errors).
  if (race_ran || result.verification) judge_race_run(result, context.scenario);
  settle_errors(result.status, result.reason, result.errors);
  if (result.facts.accel) used_accel = *result.facts.accel;
  race.end_guest();
  remove_virtio_images(context.run_dir);
  // The race's latency, IOPS and memory are reported beside the verdict, never instead of it.
  if (race_ran) (void)add_run_metrics(result, context.run_dir, kRaceMeasuredPhase);
  if (race_ran) note_memory_trace_error(result, race.memory_trace_error());
  if (race_ran && context.power_cuts.any()) {
    result.power_cuts = run_power_cuts(context, race.race_writer_s(), race.writer_io_size());
    judge_power_cuts(result.power_cuts, result);
  }
  return result;
}

}  // namespace bh
