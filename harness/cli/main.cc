#include <iostream>

#include "harness/base/error.h"
#include "harness/base/interrupt.h"
#include "harness/cli/cli.h"

int main(int argc, char** argv) {
  bh::install_interrupt_handlers();
  try {
    return bh::cli::run(argc, argv);
  } catch (const bh::HarnessError& error) {
    std::cerr << "bcache-harness: error: " << error.what() << "\n";
    return static_cast<int>(error.code());
  } catch (const std::exception& error) {
    std::cerr << "bcache-harness: error: internal: " << error.what() << "\n";
    return static_cast<int>(bh::ExitCode::kError);
  }
}
