#include <iostream>
#include <system_error>

#include "harness/cli/cli.h"
#include "harness/exit/harness_error.h"
#include "util/interrupt.h"

int main(int argc, char** argv) {
  bh::install_interrupt_handlers();
  try {
    return bh::cli::run(argc, argv);
  } catch (const bh::HarnessError& error) {
    std::cerr << "bcache-harness: error: " << error.what() << "\n";
    return static_cast<int>(error.code());
  } catch (const bh::Interrupted& interrupted) {
    std::cerr << "bcache-harness: error: " << interrupted.what() << "\n";
    return static_cast<int>(bh::ExitCode::kInterrupted);
  } catch (const std::system_error& error) {
    std::cerr << "bcache-harness: error: " << error.what() << "\n";
    return static_cast<int>(bh::ExitCode::kError);
  } catch (const std::exception& error) {
    std::cerr << "bcache-harness: error: internal: " << error.what() << "\n";
    return static_cast<int>(bh::ExitCode::kError);
  }
}
