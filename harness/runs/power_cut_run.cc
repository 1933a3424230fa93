#include "harness/runs/power_cut_run.h"

#include <algorithm>

#include "analysis/fio_verify_state.h"
#include "analysis/power_cut_classifier.h"
#include "analysis/write_completions.h"
#include "base/strings.h"
#include "harness/bcache/provisioner.h"
#include "harness/runs/console_verdict.h"
#include "harness/runs/race_verdict.h"
#include "harness/runs/run_steps.h"
#include "harness/vm/console_findings.h"
#include "protocol/base64.h"
#include "protocol/message_fields.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;
using Json = nlohmann::json;
using std::chrono::milliseconds;

namespace {

/// Lines of `console` that contain `needle`.
std::vector<std::string> lines_with(const std::string& console, std::string_view needle) {
  std::vector<std::string> found;
  for (const auto line : split_lines(console)) {
    if (line.find(needle) != std::string_view::npos) found.emplace_back(line);
  }
  return found;
}

/// The writes the saved verify state proves acknowledged (and those in flight at the cut).
std::vector<analysis::WriteRecord> writes_from_states(const std::map<std::string, std::string>& states,
                                                      const analysis::SequentialWriter& writer) {
  std::vector<analysis::FioVerifyState> writing;
  for (const auto& [name, encoded] : states) {
    const auto bytes = or_error(protocol::base64_decode(encoded), "verify state " + name);
    auto state = or_error(analysis::parse_fio_verify_state(bytes), "verify state " + name);
    if (state.issued_writes > 0) writing.push_back(std::move(state));
  }
  if (writing.empty()) return {};  // cut before the writer issued anything
  if (writing.size() > 1)
    stop(Status::kError, "the race job has several writing jobs; the power-cut evidence needs one");
  return or_error(analysis::writes_from_verify_state(writing.front(), writer), "the writer's verify state");
}

class PowerCutCycle {
 public:
  PowerCutCycle(const RunContext& context, const analysis::SequentialWriter& writer, std::optional<double> at_s)
      : context_(context), writer_(writer), at_s_(at_s), steps_(context, timing_s_, facts_, MemoryTracing::kSkip) {}

  PowerCutResult run(unsigned index) {
    PowerCutResult cut;
    cut.index = index;
    cut.method = cut_method_name(context_.power_cuts.method);
    cut.after_race = !at_s_;
    cut.dir = context_.run_dir.string();
    try {
      cycle(cut);
    } catch (const RunStop& stopped) {
      cut.status = stopped.status;
      cut.reason = stopped.reason;
    }
    steps_.end_guest();
    explain_by_console(cut);
    cut.timing_s = timing_s_;
    cut.boot_retries = facts_.boot_retries;
    if (cut.status == Status::kPass && steps_.disks()) steps_.disks()->remove_images();
    return cut;
  }

 private:
  void cycle(PowerCutResult& cut) {
    const auto disks = steps_.create_disks(context_.run_dir);
    steps_.boot(context_.run_dir / "before", disks);
    steps_.provision();
    writes_ = race_and_cut(cut);
    weigh_evidence(cut);
    or_error(steps_.disks()->check(), "after the cut");
    RebootPlan plan{steps_.boot_target(disks), context_.boot};
    if (context_.after_cut) context_.after_cut(plan);
    or_error(steps_.disks()->check(), "before the reboot");
    steps_.boot(context_.run_dir / "after", plan.target, plan.options, "reboot");
    const std::string refusal = steps_.reattach();  // bcache replays its journal here
    cut.registered = refusal.empty();
    cut.journal_replay = journal_replay_line();
    if (!refusal.empty()) stop(Status::kFail, "bcache did not take its devices back after the cut: " + refusal);
    verify(cut);
    steps_.power_off();
  }

  /// Races until the cut, cuts the power at once, then reads the evidence fio left.
  std::vector<analysis::WriteRecord> race_and_cut(PowerCutResult& cut) {
    if (!at_s_) {
      const auto report = steps_.race();
      cut_power();
      cut.at_s = writer_runtime_s(report);
      return analysis::all_writes_acknowledged(writer_);
    }
    const auto fio = steps_.race_until_cut(milliseconds(static_cast<long>(*at_s_ * 1000)));
    cut_power();
    const std::string report = "the guest agent's cut report";
    cut.at_s = or_error(protocol::optional_number(fio.cut, "trigger_at_s", *at_s_), report);
    if (or_error(protocol::optional_bool(fio.cut, "fired", false), report))
      return writes_from_states(or_error(protocol::optional_string_map(fio.cut, "verify_states"), report), writer_);
    return writes_of_finished_race(fio, cut);
  }

  /// fio ended before the trigger fired: the cut did not happen where it was planned, and
  /// only --power-cut-after-race asks for a cut after the race. ERROR.
  std::vector<analysis::WriteRecord> writes_of_finished_race(const GuestFioResult& fio, PowerCutResult& cut) {
    if (fio.exit_code != 0) stop(Status::kError, "race job: fio exited with status " + std::to_string(fio.exit_code));
    const auto report = or_error(analysis::parse_fio_json(fio.json_output), "race job output");
    cut.at_s = writer_runtime_s(report);
    stop(Status::kError, "the cut's trigger never fired: fio finished its race after " +
                             std::to_string(writer_runtime_s(report)) + " s, before the cut planned at " +
                             std::to_string(*at_s_) + " s (--power-cut-after-race asks for a cut after the race)");
  }

  /// The trace of the race up to the cut: how many windows the cut can have caught open.
  void weigh_evidence(PowerCutResult& cut) { cut.race_evidence = race_evidence(steps_, context_.scenario, nullptr); }

  /// A cut with no wrong data: PASS only when it proves something. ERROR when events were
  /// lost, no write was acknowledged, a control opened a race window, or a race scenario
  /// opened none before the cut (SKIP for that last one when the scenario says
  /// not_exercised = "skip").
  void judge_clean_cut(PowerCutResult& cut) const {
    cut.status = Status::kError;
    if (!cut.race_evidence) {
      cut.reason = "not exercised: no race evidence (" + steps_.race_trace_error() + ")";
      return;
    }
    const auto& evidence = *cut.race_evidence;
    const bool control = context_.scenario.expected_stale == ExpectedStale::kNone;
    if (evidence.lost_events > 0) {
      cut.reason = "the trace lost " + std::to_string(evidence.lost_events) + " bcache events before the cut";
    } else if (cut.verification->acknowledged_writes == 0) {
      cut.reason = "not exercised: the cut came before the writer's first acknowledged write";
    } else if (control && evidence.race_windows > 0) {
      cut.reason = "the control opened " + std::to_string(evidence.race_windows) +
                   " race windows before the cut: it does not control anything";
    } else if (!control && evidence.race_windows == 0) {
      cut.reason = "not exercised: no race window opened before the cut (" + evidence_counts(evidence) + ")";
      if (context_.scenario.skip_when_not_exercised) cut.status = Status::kSkip;
    } else {
      cut.status = Status::kPass;
    }
  }

  void cut_power() {
    auto& vm = steps_.session().vm();
    if (context_.power_cuts.method == CutMethod::kKill) {
      vm.kill();
    } else {
      // The guest resets inside this write; -no-reboot makes QEMU exit instead of rebooting.
      (void)steps_.session().agent().write_file("/proc/sysrq-trigger", "b");
      if (!vm.wait_for_exit(std::chrono::seconds(30))) {
        vm.kill();
        stop(Status::kError, "sysrq-b did not reset the guest within 30 s");
      }
    }
    steps_.end_guest();
    std::error_code ignored;
    for (const char* socket : {"ctl.sock", "qmp.sock"})
      fs::remove(context_.run_dir / "before" / socket, ignored);  // QEMU had no chance to remove them
  }

  void verify(PowerCutResult& cut) {
    const auto readback = steps_.read_region();
    analysis::PowerCutRegion region{std::as_bytes(std::span(readback.served)),
                                    std::as_bytes(std::span(readback.backing)),
                                    context_.scenario.region.fill_offset(),
                                    writes_,
                                    kFillGeneration,
                                    kRaceGeneration};
    const auto classification =
        or_error(analysis::classify_after_power_cut(region), "classifying blocks after the cut");
    cut.verification = classification;
    if (classification.newer_blocks > 0) {
      stop(Status::kError,
           std::to_string(classification.newer_blocks) +
               " blocks hold a generation the harness never wrote there: the harness's expectation is wrong");
    }
    const std::string problems =
        nonzero_counts({{"stale_blocks_after_power_cut", classification.stale_blocks_after_power_cut},
                        {"lost_writes", classification.lost_writes},
                        {"torn_blocks", classification.torn_blocks}});
    cut.status = problems.empty() ? Status::kPass : Status::kFail;
    cut.reason = problems;
    if (!problems.empty()) return;
    judge_clean_cut(cut);
  }

  std::string console(const char* session) const {
    auto text = read_file(context_.run_dir / session / "console.log");
    return text ? text.value() : std::string();
  }

  std::string journal_replay_line() const {
    const auto lines = lines_with(console("after"), "journal replay");
    if (lines.empty()) return std::string();
    return std::string(trim_end(lines.back()));
  }

  /// The kernel's findings on either session's consoles make the cut FAIL, what the harness
  /// could not do kept in errors; a registration failure quotes bcache's lines.
  void explain_by_console(PowerCutResult& cut) const {
    Status status = cut.status.value_or(Status::kError);
    if (status == Status::kError) add_error(cut.errors, cut.reason.empty() ? "the cut reached no verdict" : cut.reason);
    for (const char* session : {"before", "after"}) {
      const auto dir = context_.run_dir / session;
      if (!fs::exists(dir)) continue;
      auto consoles = read_session_consoles(dir, guest_speed(facts_.accel));
      cut.console_findings.insert(cut.console_findings.end(), consoles.findings.begin(), consoles.findings.end());
      for (const auto& error : consoles.errors) add_error(cut.errors, error);
    }
    if (!cut.console_findings.empty() && status != Status::kFail) {
      status = Status::kFail;
      cut.reason = "kernel: " + cut.console_findings.front() + (cut.reason.empty() ? "" : " (" + cut.reason + ")");
    }
    settle_errors(status, cut.reason, cut.errors);
    cut.status = status;
    if (!cut.registered && cut.status == Status::kFail) {
      auto bcache_lines = lines_with(console("after"), "bcache");
      if (bcache_lines.size() > 10) bcache_lines.erase(bcache_lines.begin(), bcache_lines.end() - 10);
      cut.console_lines = bcache_lines;
    }
  }

  const RunContext& context_;
  analysis::SequentialWriter writer_;
  std::optional<double> at_s_;
  std::map<std::string, double> timing_s_;
  RunFacts facts_;
  RunSteps steps_;
  std::vector<analysis::WriteRecord> writes_;
};

}  // namespace

std::vector<PowerCutResult> run_power_cuts(const RunContext& context, double race_s, std::uint64_t writer_io_size) {
  const auto& options = context.power_cuts;
  std::vector<std::optional<double>> points;
  for (double at : cut_times_s(context.seed, options.cuts, race_s)) points.emplace_back(at);
  if (options.after_race) points.emplace_back(std::nullopt);
  const auto& region = context.scenario.region;
  const analysis::SequentialWriter writer{region.write_offset, region.write_size, writer_io_size};
  std::vector<PowerCutResult> cuts;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string label = "cut " + std::to_string(i + 1) + "/" + std::to_string(points.size());
    RunContext cut_context = context;
    cut_context.run_dir = context.run_dir / ("cut-" + std::to_string(i + 1));
    cut_context.on_phase = [&](const std::string& phase) { context.on_phase(label + " " + phase); };
    std::error_code ignored;
    fs::create_directories(cut_context.run_dir, ignored);
    cuts.push_back(PowerCutCycle(cut_context, writer, points[i]).run(static_cast<unsigned>(i + 1)));
  }
  return cuts;
}

void judge_power_cuts(const std::vector<PowerCutResult>& cuts, RunResult& result) {
  std::vector<Status> statuses{result.status};
  for (const auto& cut : cuts) {
    const Status status = cut.status.value_or(Status::kError);
    statuses.push_back(status);
    for (const auto& error : cut.errors) add_error(result.errors, "cut " + std::to_string(cut.index) + ": " + error);
    if (status == Status::kPass) continue;
    result.reason += (result.reason.empty() ? "" : "; ") + std::string("cut ") + std::to_string(cut.index) + ": " +
                     (cut.status ? cut.reason : status_name(status));
  }
  result.status = combine(statuses);
}

}  // namespace bh
