#pragma once
/// How runs tell the user what they are doing: a permanent line, or where the command
/// stands now. The CLI's terminal printer implements it; tests record the events.

#include <cstddef>
#include <string>

namespace bh {

/// Where a run stands; zero counts and empty names are left out of the text.
struct ProgressPosition {
  std::size_t scenario = 0;  ///< 1-based
  std::size_t scenarios = 0;
  std::string scenario_name;
  int run = 0;  ///< 1-based
  int runs = 0;
  std::string phase;

  bool operator==(const ProgressPosition&) const = default;
};

/// "[1/3 race-seq-bypass run 2/5] measure"; without counts or name, just the phase.
std::string format_position(const ProgressPosition& position);

/// Receives a command's progress; every method may be called from any thread.
class RunEvents {
 public:
  virtual ~RunEvents() = default;
  /// A permanent line for the user ("seed 42 (repeat this run with --seed 42)").
  virtual void say(const std::string& text) const = 0;
  /// Where the command stands now.
  virtual void update(const ProgressPosition& position) const = 0;
  /// The command's runs are over (a status line may go).
  virtual void finish() const {}
};

}  // namespace bh
