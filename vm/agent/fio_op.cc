#include "vm/agent/fio_op.h"

#include "vm/agent/exec_op.h"
#include "vm/agent/memory_sample.h"
#include "vm/agent/request_fields.h"

namespace bh::agent {
namespace {

constexpr std::string_view kRunPrefix = "fio-run-";

struct FioRequest {
  std::string job;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  std::chrono::milliseconds timeout;
  std::chrono::milliseconds sample_interval;
};

Expected<FioRequest> parse_fio_request(const protocol::Json& request) {
  auto job = required_string(request, "job");
  if (!job) return job.error();
  auto args = optional_string_list(request, "args");
  if (!args) return args.error();
  auto env = optional_string_map(request, "env");
  if (!env) return env.error();
  auto timeout = request_timeout(request, kDefaultTimeout);
  if (!timeout) return timeout.error();
  auto interval = optional_count(request, "sample_interval_ms", 0);
  if (!interval) return interval.error();
  return FioRequest{std::move(job).value(), std::move(args).value(), std::move(env).value(),
                    timeout.value(), std::chrono::milliseconds(interval.value())};
}

ProcessSpec fio_spec(const FioRequest& fio, const std::string& dir) {
  ProcessSpec spec;
  spec.argv = {"fio", "--output-format=json", "--output=" + dir + "/fio.json"};
  spec.argv.insert(spec.argv.end(), fio.args.begin(), fio.args.end());
  spec.argv.push_back("job.fio");
  spec.env = fio.env;
  spec.cwd = dir;
  spec.timeout = fio.timeout;
  spec.stderr_mode = StderrMode::kMergedIntoStdout;
  spec.tick_interval = fio.sample_interval;
  return spec;
}

bool ends_with_log(const std::string& name) { return name.ends_with(".log"); }

}  // namespace

FioOp::FioOp(GuestSystem& system, std::string work_root)
    : system_(system), work_root_(std::move(work_root)) {}

Expected<protocol::Json> FioOp::handle(const protocol::Json& request) {
  auto fio = parse_fio_request(request);
  if (!fio) return fio.error();
  auto dir = fresh_directory();
  if (!dir) return dir.error();
  auto job_written = system_.write_file(dir.value() + "/job.fio", fio.value().job);
  if (!job_written) return job_written.error();

  ProcessSpec spec = fio_spec(fio.value(), dir.value());
  protocol::Json samples = protocol::Json::array();
  const double start = system_.uptime_s();
  spec.on_tick = [&] {
    if (auto sample = sample_memory(system_)) {
      sample.value()["t_s"] = sample.value()["uptime_s"].get<double>() - start;
      samples.push_back(std::move(sample).value());
    }
  };
  auto outcome = system_.run_process(spec);
  if (!outcome) return outcome.error();
  const ProcessOutcome& result = outcome.value();
  auto output = system_.read_file(dir.value() + "/fio.json");
  return protocol::Json{{"exit_code", result.exit_code},
                        {"signal", result.signal},
                        {"timed_out", result.timed_out},
                        {"truncated", result.truncated},
                        {"output", output ? output.value() : std::string()},
                        {"stderr", result.stdout_text},
                        {"logs", collect_logs(dir.value())},
                        {"samples", std::move(samples)}};
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
