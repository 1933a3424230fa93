#pragma once
/// Test-only: a ProcessRunner scripted per argument vector, recording every call.

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "harness/base/process_runner.h"

namespace bh::testing {

/// Answers each request with the handler whose argv prefix matches it best (longest);
/// a request nothing matches fails like a program that is not installed.
class FakeProcessRunner : public ProcessRunner {
 public:
  using Handler = std::function<ProcessResult(const ProcessRequest&)>;

  /// Scripts commands starting with `argv_prefix`.
  void on(std::vector<std::string> argv_prefix, Handler handler) {
    handlers_.emplace_back(std::move(argv_prefix), std::move(handler));
  }
  /// Scripts commands starting with `argv_prefix` to exit with `exit_code` and `output`.
  void on(std::vector<std::string> argv_prefix, int exit_code, std::string output) {
    on(std::move(argv_prefix), [exit_code, output](const ProcessRequest&) {
      return ProcessResult{.exit_code = exit_code, .output = output};
    });
  }

  Expected<ProcessResult> run(const ProcessRequest& request) override {
    calls_.push_back(request.argv);
    const Handler* best = nullptr;
    std::size_t best_length = 0;
    for (const auto& [prefix, handler] : handlers_) {
      const bool matches = prefix.size() <= request.argv.size() &&
                           std::equal(prefix.begin(), prefix.end(), request.argv.begin());
      if (matches && (best == nullptr || prefix.size() >= best_length)) {
        best = &handler;
        best_length = prefix.size();
      }
    }
    if (best == nullptr) return fail("fake: program not found: " + describe_command(request.argv));
    return (*best)(request);
  }

  /// Every argv run so far, in order.
  const std::vector<std::vector<std::string>>& calls() const { return calls_; }
  /// How many calls started with `program`.
  std::size_t count(const std::string& program) const {
    return std::count_if(calls_.begin(), calls_.end(),
                         [&](const auto& argv) { return !argv.empty() && argv[0] == program; });
  }

 private:
  std::vector<std::pair<std::vector<std::string>, Handler>> handlers_;
  std::vector<std::vector<std::string>> calls_;
};

}  // namespace bh::testing
