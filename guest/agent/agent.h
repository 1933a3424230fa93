#pragma once
/// The guest agent's request handling: one protocol request in, one response out.

#include <string>
#include <string_view>

#include "base/expected.h"
#include "guest/agent/fio_op.h"
#include "guest/agent/guest_system.h"
#include "protocol/protocol.h"

namespace bh::agent {

using protocol::Json;

/// Answers protocol requests (see protocol/protocol.h) using a GuestSystem.
/// Requests are handled one at a time, in the order given.
class Agent {
 public:
  /// `fio_work_root` is where fio working directories are made (the guest's /tmp).
  explicit Agent(GuestSystem& system, std::string fio_work_root = "/tmp");

  /// The unsolicited {"event":"ready","uname_r":..,"uptime_s":..} sent at start.
  Json ready_event();

  /// The response to one request object: {"id", "ok": true, ...} or
  /// {"id", "ok": false, "error"}. Never throws; an unknown op or a missing or ill-typed
  /// field is an ok:false response naming it.
  Json handle(const Json& request);

  /// The response to one raw line; a line that is not a JSON object gets an ok:false
  /// response with a null id.
  Json handle_line(std::string_view line);

  /// True once a poweroff request has been answered: the caller sends that answer, then
  /// calls GuestSystem::power_off.
  bool power_off_requested() const { return power_off_requested_; }

 private:
  Expected<Json> dispatch(const Json& request);
  Expected<Json> run_op(std::string_view op, const Json& request);
  Json hello();

  GuestSystem& system_;
  FioOp fio_;
  bool power_off_requested_ = false;
};

}  // namespace bh::agent
