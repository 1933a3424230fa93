#include "guest/agent/exec_op.h"

#include "protocol/message_fields.h"

namespace bh::agent {
namespace {

Expected<ProcessSpec> exec_spec(const protocol::Json& request) {
  ProcessSpec spec;
  auto argv = protocol::required_string_list(request, "argv");
  if (!argv) return argv.error();
  auto env = protocol::optional_string_map(request, "env");
  if (!env) return env.error();
  auto stdin_data = protocol::optional_string(request, "stdin");
  if (!stdin_data) return stdin_data.error();
  auto timeout = protocol::request_timeout(request, kDefaultTimeout);
  if (!timeout) return timeout.error();
  spec.argv = std::move(argv).value();
  spec.env = std::move(env).value();
  spec.stdin_data = std::move(stdin_data).value();
  spec.timeout = timeout.value();
  return spec;
}

}  // namespace

Expected<protocol::Json> handle_exec(GuestSystem& system, const protocol::Json& request) {
  auto spec = exec_spec(request);
  if (!spec) return spec.error();
  auto outcome = system.run_process(spec.value());
  if (!outcome) return outcome.error();
  const ProcessOutcome& result = outcome.value();
  return protocol::Json{{"exit_code", result.exit_code}, {"signal", result.signal},
                        {"timed_out", result.timed_out}, {"stdout", result.stdout_text},
                        {"stderr", result.stderr_text},  {"truncated", result.truncated}};
}

}  // namespace bh::agent
