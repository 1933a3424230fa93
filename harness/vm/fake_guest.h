#pragma once
/// A scripted guest for unit tests: a GuestChannel that keeps files in a map, runs exec
/// requests through a handler and records every request.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/vm/guest_channel.h"

namespace bh::testing {

class FakeGuest : public GuestChannel {
 public:
  /// Answers exec requests: argv -> response fields (exit_code, stdout, stderr...).
  using ExecHandler = std::function<protocol::Json(const std::vector<std::string>&)>;
  /// Called on write_file and each of write_files; may change other files (as sysfs does). Return an error text to
  /// refuse the write. When it accepts an append, the fake appends; a plain write is the hook's to make.
  using WriteHook = std::function<std::string(const std::string& path, const std::string& value)>;

  std::map<std::string, std::string> files;
  std::set<std::string> dirs;  ///< made by write_files' make_dirs
  ExecHandler exec_handler = [](const std::vector<std::string>&) {
    return protocol::Json{{"exit_code", 0}, {"stdout", ""}, {"stderr", ""}};
  };
  WriteHook write_hook;
  /// op -> the answer the agent gives, as it is, instead of the scripted one: garbage
  /// tests. It goes through protocol::answer_outcome as the real channel's answers do.
  std::map<std::string, protocol::Json, std::less<>> answers;
  std::vector<protocol::Json> requests;
  std::vector<std::vector<std::string>> exec_log;

  Expected<protocol::Json> call(std::string_view op, protocol::Json fields, std::chrono::milliseconds timeout) override;

 private:
  /// One write through write_hook (or into files); the refusal text, "" when written.
  std::string write(const std::string& path, const std::string& value, bool append);
};

}  // namespace bh::testing
