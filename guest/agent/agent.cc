#include "guest/agent/agent.h"

#include <exception>

#include "guest/agent/exec_op.h"
#include "guest/agent/file_ops.h"
#include "guest/agent/memory_sample.h"
#include "guest/agent/read_blocks_op.h"

namespace bh::agent {
namespace {

Json failure(const Json& id, const std::string& message) { return Json{{"id", id}, {"ok", false}, {"error", message}}; }

}  // namespace

Agent::Agent(GuestSystem& system, std::string fio_work_root)
    : system_(system), fio_(system, std::move(fio_work_root)) {}

Json Agent::ready_event() {
  Json event = hello();
  event["event"] = protocol::kEventReady;
  return event;
}

Json Agent::handle(const Json& request) {
  const Json id = request.is_object() && request.contains("id") ? request["id"] : Json();
  try {
    auto result = dispatch(request);
    if (!result) return failure(id, result.error().message);
    Json response = std::move(result).value();
    response["id"] = id;
    response["ok"] = true;
    return response;
  } catch (const std::exception& error) {
    return failure(id, std::string("internal error: ") + error.what());
  }
}

Json Agent::handle_line(std::string_view line) {
  auto request = protocol::decode(line);
  if (!request) return failure(Json(), request.error().message);
  return handle(request.value());
}

Expected<Json> Agent::dispatch(const Json& request) {
  if (!request.is_object()) return fail("a request must be a JSON object");
  const auto op = request.find("op");
  if (op == request.end()) return fail("missing field 'op'");
  if (!op->is_string()) return fail("field 'op' must be a string");
  return run_op(op->get<std::string>(), request);
}

Expected<Json> Agent::run_op(std::string_view op, const Json& request) {
  if (op == protocol::kOpHello) return hello();
  if (op == protocol::kOpExec) return handle_exec(system_, request);
  if (op == protocol::kOpReadFiles) return handle_read_files(system_, request);
  if (op == protocol::kOpWriteFile) return handle_write_file(system_, request);
  if (op == protocol::kOpWriteFiles) return handle_write_files(system_, request);
  if (op == protocol::kOpFio) return fio_.handle(request);
  if (op == protocol::kOpSampleMemory) return sample_memory(system_);
  if (op == protocol::kOpReadBlocks) return handle_read_blocks(system_, request);
  if (op == protocol::kOpReadPipes) return handle_read_pipes(system_, request);
  if (op == protocol::kOpPowerOff) {
    power_off_requested_ = true;
    return Json::object();
  }
  return fail("unknown op '" + std::string(op) + "'");
}

Json Agent::hello() { return Json{{"uname_r", system_.kernel_release()}, {"uptime_s", system_.uptime_s()}}; }

}  // namespace bh::agent
