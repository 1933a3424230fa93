#pragma once
/// Ctrl-C and SIGTERM: a flag the harness's waits poll, so every wait can unwind cleanly
/// (RAII then kills QEMU and removes temporary files) instead of dying mid-way.

#include <stdexcept>
#include <string>

namespace bh {

/// Thrown when the user interrupts (SIGINT/SIGTERM) a wait; unwinding releases resources.
/// main turns it into exit code 130.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
  /// With what was interrupted and where its partial results are, for main to print.
  explicit Interrupted(const std::string& what) : std::runtime_error(what) {}
};

/// Installs SIGINT/SIGTERM/SIGHUP handlers that set the interrupt flag. Idempotent.
void install_interrupt_handlers();

/// True once a handled signal arrived.
bool interrupt_requested();

/// Throws Interrupted when a handled signal arrived.
void throw_if_interrupted();

/// For tests: sets or clears the flag as a signal would.
void set_interrupt_requested_for_test(bool value);

}  // namespace bh
