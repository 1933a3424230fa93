#pragma once
/// A power cut armed inside one fio run, using fio's own crash-verification machinery.
///
/// fio is started with --trigger-file and --trigger. At the requested time the agent creates
/// the trigger file; fio's main thread notices it (it checks every 100 ms or less), saves
/// every job's verify state (verify_state_save, on by default: for a writer, the writes it
/// has issued and the offsets of its last iodepth completed writes), stops submitting I/O
/// and runs the trigger command, which marks the state saved. The agent then stops waiting
/// for fio and answers with the saved state, leaving fio and its in-flight I/O running: the
/// host cuts the power next, so writes in flight at the cut stay in flight.

#include <chrono>
#include <string>
#include <vector>

#include "guest/agent/guest_system.h"
#include "protocol/protocol.h"

namespace bh::agent {

class FioCutTrigger {
 public:
  /// Arms a cut `after` fio starts, for a fio run working in `dir`.
  FioCutTrigger(GuestSystem& system, std::string dir, std::chrono::milliseconds after);

  /// The options that make fio watch the trigger file and mark its saved state.
  std::vector<std::string> fio_args() const;

  /// Called while fio runs, `elapsed_s` after it started: creates the trigger file once the
  /// time has come (once only).
  void tick(double elapsed_s);

  /// True once fio has saved its verify state and run the trigger command.
  bool state_saved();

  /// {"after_ms", "fired" (fio saved its state), "trigger_at_s" (when the trigger file was
  /// made, seconds since fio started; absent if it never was), "verify_states" {file name:
  /// base64 of its bytes} for every *-verify.state file fio wrote}.
  protocol::Json report();

 private:
  std::string trigger_path() const { return dir_ + "/bh-cut-trigger"; }
  std::string saved_marker_path() const { return dir_ + "/bh-cut-saved"; }

  GuestSystem& system_;
  std::string dir_;
  std::chrono::milliseconds after_;
  bool triggered_ = false;
  double trigger_at_s_ = 0;
};

}  // namespace bh::agent
