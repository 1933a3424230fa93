#include "guest/agent/fio_op.h"

#include <optional>

#include "guest/agent/exec_op.h"
#include "guest/agent/fio_cut.h"
#include "guest/agent/memory_sample.h"
#include "protocol/message_fields.h"

namespace bh::agent {
namespace {

constexpr std::string_view kRunPrefix = "fio-run-";

struct FioRequest {
  std::string job;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  std::chrono::milliseconds timeout;
  std::chrono::milliseconds sample_interval;
  std::optional<std::chrono::milliseconds> cut_after;
};

/// How often the agent looks at an armed cut (fio itself checks its trigger file every
/// 100 ms or less).
constexpr std::chrono::milliseconds kCutPollInterval{10};

Expected<FioRequest> parse_fio_request(const protocol::Json& request) {
  auto job = protocol::required_string(request, "job");
  if (!job) return job.error();
  auto args = protocol::optional_string_list(request, "args");
  if (!args) return args.error();
  auto env = protocol::optional_string_map(request, "env");
  if (!env) return env.error();
  auto timeout = protocol::request_timeout(request, kDefaultTimeout);
  if (!timeout) return timeout.error();
  auto interval = protocol::optional_count(request, "sample_interval_ms", 0);
  if (!interval) return interval.error();
  FioRequest fio{std::move(job).value(),
                 std::move(args).value(),
                 std::move(env).value(),
                 timeout.value(),
                 std::chrono::milliseconds(interval.value()),
                 std::nullopt};
  if (request.contains("cut_after_ms")) {
    auto cut_after = protocol::optional_count(request, "cut_after_ms", 0);
    if (!cut_after) return cut_after.error();
    fio.cut_after = std::chrono::milliseconds(cut_after.value());
  }
  return fio;
}

ProcessSpec fio_spec(const FioRequest& fio, const std::string& dir, const std::vector<std::string>& cut_args) {
  ProcessSpec spec;
  spec.argv = {"fio", "--output-format=json", "--output=" + dir + "/fio.json"};
  spec.argv.insert(spec.argv.end(), fio.args.begin(), fio.args.end());
  spec.argv.insert(spec.argv.end(), cut_args.begin(), cut_args.end());
  spec.argv.push_back("job.fio");
  spec.env = fio.env;
  spec.cwd = dir;
  spec.timeout = fio.timeout;
  spec.stderr_mode = StderrMode::kMergedIntoStdout;
  spec.tick_interval = fio.cut_after ? kCutPollInterval : fio.sample_interval;
  return spec;
}

bool ends_with_log(const std::string& name) { return name.ends_with(".log"); }

/// What the agent does while fio runs: memory samples every sample interval, and the
/// armed cut's clock (ticks then come every kCutPollInterval, so samples are spaced by time).
class RunWatch {
 public:
  RunWatch(GuestSystem& system, std::chrono::milliseconds sample_interval, FioCutTrigger* cut)
      : system_(system),
        start_s_(system.uptime_s()),
        interval_s_(static_cast<double>(sample_interval.count()) / 1000.0),
        last_sample_s_(-interval_s_),
        cut_(cut) {}

  void tick() {
    if (!cut_) {
      if (interval_s_ > 0) sample();  // ticks come every sample interval
      return;
    }
    const double now_s = system_.uptime_s() - start_s_;
    cut_->tick(now_s);
    if (interval_s_ > 0 && now_s - last_sample_s_ >= interval_s_) sample();
  }

  /// [{t_s (seconds since fio started), uptime_s, meminfo, slab_kb}], handed over once.
  protocol::Json take_samples() { return std::move(samples_); }

 private:
  void sample() {
    auto taken = sample_memory(system_);
    if (!taken) return;
    last_sample_s_ = taken.value()["uptime_s"].get<double>() - start_s_;
    taken.value()["t_s"] = last_sample_s_;
    samples_.push_back(std::move(taken).value());
  }

  GuestSystem& system_;
  double start_s_;
  double interval_s_;
  double last_sample_s_;
  FioCutTrigger* cut_;
  protocol::Json samples_ = protocol::Json::array();
};

}  // namespace

FioOp::FioOp(GuestSystem& system, std::string work_root) : system_(system), work_root_(std::move(work_root)) {}

Expected<protocol::Json> FioOp::handle(const protocol::Json& request) {
  auto fio = parse_fio_request(request);
  if (!fio) return fio.error();
  auto dir = fresh_directory();
  if (!dir) return dir.error();
  auto job_written = system_.write_file(dir.value() + "/job.fio", fio.value().job);
  if (!job_written) return job_written.error();

  std::optional<FioCutTrigger> cut;
  if (fio.value().cut_after) cut.emplace(system_, dir.value(), *fio.value().cut_after);
  ProcessSpec spec = fio_spec(fio.value(), dir.value(), cut ? cut->fio_args() : std::vector<std::string>{});
  RunWatch watch(system_, fio.value().sample_interval, cut ? &*cut : nullptr);
  spec.on_tick = [&] { watch.tick(); };
  if (cut) spec.detach_when = [&] { return cut->state_saved(); };
  auto outcome = system_.run_process(spec);
  if (!outcome) return outcome.error();
  const ProcessOutcome& result = outcome.value();
  auto output = result.detached ? Expected<std::string>(std::string()) : system_.read_file(dir.value() + "/fio.json");
  protocol::Json response{{"exit_code", result.exit_code},  {"signal", result.signal},
                          {"timed_out", result.timed_out},  {"truncated", result.truncated},
                          {"detached", result.detached},    {"output", output ? output.value() : std::string()},
                          {"stderr", result.stdout_text},   {"logs", collect_logs(dir.value())},
                          {"samples", watch.take_samples()}};
  if (cut) response["cut"] = cut->report();
  return response;
}

Expected<std::string> FioOp::fresh_directory() {
  auto entries = system_.list_dir(work_root_);
  if (!entries) return entries.error();
  for (const DirEntry& entry : entries.value()) {
    if (!entry.name.starts_with(kRunPrefix)) continue;
    auto removed = system_.remove_tree(work_root_ + "/" + entry.name);
    if (!removed) return removed.error();
  }
  const std::string dir = work_root_ + "/" + std::string(kRunPrefix) + std::to_string(++runs_);
  auto made = system_.make_dir(dir);
  if (!made) return made.error();
  return dir;
}

protocol::Json FioOp::collect_logs(const std::string& dir) {
  protocol::Json logs = protocol::Json::object();
  auto entries = system_.list_dir(dir);
  if (!entries) return logs;
  for (const DirEntry& entry : entries.value()) {
    if (!entry.is_regular || !ends_with_log(entry.name)) continue;
    auto content = system_.read_file(dir + "/" + entry.name);
    if (content) logs[entry.name] = std::move(content).value();
  }
  return logs;
}

}  // namespace bh::agent
