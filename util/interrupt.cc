#include "util/interrupt.h"

#include <csignal>

#include "base/error.h"

namespace bh {
namespace {
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_signal(int) { g_interrupted = 1; }
}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
}

bool interrupt_requested() { return g_interrupted != 0; }

void throw_if_interrupted() {
  if (interrupt_requested()) throw Interrupted();
}

void set_interrupt_requested_for_test(bool value) { g_interrupted = value ? 1 : 0; }

}  // namespace bh
