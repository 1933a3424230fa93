#include "util/process_runner.h"

#include <boost/process.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "util/child_guard.h"
#include "util/interrupt.h"
#include "util/temp_dir.h"

namespace bh {
namespace bp = boost::process;
namespace fs = std::filesystem;

namespace {

std::string read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bp::environment environment_for(const ProcessRequest& request) {
  bp::environment env = boost::this_process::environment();
  for (const auto& [key, value] : request.extra_env) env[key] = value;
  return env;
}

boost::filesystem::path resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  return bp::search_path(name);
}

/// Waits for the child until it exits, the deadline passes or Ctrl-C; true if it exited.
bool wait_with_deadline(bp::child& child, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (child.running()) {
    if (interrupt_requested()) {
      kill_process_group(child.id());
      child.terminate();
      throw_if_interrupted();
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

Expected<ProcessResult> SystemProcessRunner::run(const ProcessRequest& request) {
  if (request.argv.empty()) return fail("internal: empty argument vector");
  const auto program = resolve_program(request.argv[0]);
  if (program.empty()) return fail("program not found on PATH: " + request.argv[0]);

  TempDir scratch("bh-proc");
  const fs::path captured = scratch.path() / "output";
  const fs::path out_path = request.stdout_file.value_or(captured);
  const fs::path in_path = request.stdin_file.value_or("/dev/null");
  std::vector<std::string> args(request.argv.begin() + 1, request.argv.end());
  const auto cwd = request.cwd.empty() ? fs::current_path() : request.cwd;

  std::error_code start_error;
  bp::child child(program, bp::args(args), bp::start_dir(cwd.string()), environment_for(request),
                  bp::std_in<in_path.string(), bp::std_out> out_path.string(), bp::std_err > captured.string() + ".err",
                  DieWithParent{}, OwnProcessGroup{}, start_error);
  if (start_error) {
    return fail("could not start " + describe_command(request.argv) + ": " + start_error.message());
  }
  ProcessResult result;
  if (!wait_with_deadline(child, request.timeout)) {
    kill_process_group(child.id());  // what it started goes too
    child.terminate();
    result.timed_out = true;
  } else {
    child.wait();
    result.exit_code = child.exit_code();
    if (child.native_exit_code() != 0 && WIFSIGNALED(child.native_exit_code())) {
      result.exit_code = -1;
    }
  }
  if (!request.stdout_file) result.output = read_whole_file(captured);
  result.output += read_whole_file(captured.string() + ".err");
  return result;
}

std::string describe_command(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) {
    if (!text.empty()) text += ' ';
    text += arg;
  }
  return text;
}

std::string tail_lines(const std::string& text, std::size_t max_lines) {
  std::size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;
  std::size_t pos = end;
  for (std::size_t seen = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++seen == max_lines) break;
  }
  return text.substr(pos, end - pos);
}

}  // namespace bh
