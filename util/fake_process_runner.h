#pragma once
/// Test-only: the one fake ProcessRunner. Scripted per argument vector or with one
/// fallback responder, it records every request.

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "util/process_runner.h"

namespace bh::testing {

/// Answers each request with the handler whose argv prefix matches it best (longest), else
/// with the fallback; with neither, the request fails like a program that is not installed.
class FakeProcessRunner : public ProcessRunner {
 public:
  using Handler = std::function<ProcessResult(const ProcessRequest&)>;

  FakeProcessRunner() = default;
  /// Answers every request no prefix matches with `fallback`.
  explicit FakeProcessRunner(Handler fallback) : fallback_(std::move(fallback)) {}
  /// Answers every request no prefix matches with `result`.
  explicit FakeProcessRunner(ProcessResult result) : fallback_([result](const ProcessRequest&) { return result; }) {}

  /// Scripts commands starting with `argv_prefix`.
  void on(std::vector<std::string> argv_prefix, Handler handler) {
    handlers_.emplace_back(std::move(argv_prefix), std::move(handler));
  }
  /// Scripts commands starting with `argv_prefix` to exit with `exit_code` and `output`.
  void on(std::vector<std::string> argv_prefix, int exit_code, std::string output) {
    on(std::move(argv_prefix),
       [exit_code, output](const ProcessRequest&) { return ProcessResult{.exit_code = exit_code, .output = output}; });
  }

  Expected<ProcessResult> run(const ProcessRequest& request) override {
    requests_.push_back(request);
    if (const Handler* handler = best_handler(request.argv)) return (*handler)(request);
    if (fallback_) return fallback_(request);
    return fail("fake: program not found: " + describe_command(request.argv));
  }

  /// Every request run so far, in order.
  const std::vector<ProcessRequest>& requests() const { return requests_; }
  /// Every argv run so far, in order.
  std::vector<std::vector<std::string>> calls() const {
    std::vector<std::vector<std::string>> argvs;
    for (const auto& request : requests_) argvs.push_back(request.argv);
    return argvs;
  }
  /// How many requests ran `program` (argv[0], compared by its file name).
  std::size_t count(const std::string& program) const {
    return std::count_if(requests_.begin(), requests_.end(), [&](const ProcessRequest& request) {
      return !request.argv.empty() && std::filesystem::path(request.argv[0]).filename() == program;
    });
  }

 private:
  const Handler* best_handler(const std::vector<std::string>& argv) const {
    const Handler* best = nullptr;
    std::size_t best_length = 0;
    for (const auto& [prefix, handler] : handlers_) {
      const bool matches = prefix.size() <= argv.size() && std::equal(prefix.begin(), prefix.end(), argv.begin());
      if (matches && (best == nullptr || prefix.size() >= best_length)) {
        best = &handler;
        best_length = prefix.size();
      }
    }
    return best;
  }

  Handler fallback_;
  std::vector<std::pair<std::vector<std::string>, Handler>> handlers_;
  std::vector<ProcessRequest> requests_;
};

}  // namespace bh::testing
