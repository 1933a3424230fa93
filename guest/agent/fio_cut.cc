#include "guest/agent/fio_cut.h"

#include "protocol/base64.h"

namespace bh::agent {

FioCutTrigger::FioCutTrigger(GuestSystem& system, std::string dir, std::chrono::milliseconds after)
    : system_(system), dir_(std::move(dir)), after_(after) {}

std::vector<std::string> FioCutTrigger::fio_args() const {
  // fio runs the trigger command with system(3); the path is the agent's own, no user text.
  return {"--trigger-file=" + trigger_path(), "--trigger=touch " + saved_marker_path()};
}

void FioCutTrigger::tick(double elapsed_s) {
  if (triggered_ || elapsed_s * 1000.0 < static_cast<double>(after_.count())) return;
  if (system_.write_file(trigger_path(), "cut\n")) {
    triggered_ = true;
    trigger_at_s_ = elapsed_s;
  }
}

bool FioCutTrigger::state_saved() { return triggered_ && system_.read_file(saved_marker_path()).has_value(); }

protocol::Json FioCutTrigger::report() {
  protocol::Json states = protocol::Json::object();
  if (auto entries = system_.list_dir(dir_)) {
    for (const DirEntry& entry : entries.value()) {
      if (!entry.is_regular || !entry.name.ends_with("-verify.state")) continue;
      if (auto bytes = system_.read_file(dir_ + "/" + entry.name)) {
        states[entry.name] = protocol::base64_encode(bytes.value());
      }
    }
  }
  protocol::Json report = {{"after_ms", after_.count()}, {"fired", state_saved()}, {"verify_states", states}};
  if (triggered_) report["trigger_at_s"] = trigger_at_s_;
  return report;
}

}  // namespace bh::agent
