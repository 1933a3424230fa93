#pragma once
/// The command line: parses arguments and runs the subcommand.

#include <string>
#include <vector>

#include "base/expected.h"

namespace bh::cli {

/// Parses argv and runs the chosen subcommand; returns the exit code. Throws HarnessError.
int run(int argc, char** argv);

/// Parses `args` (without the program name) as `run` would, running nothing: the chosen
/// subcommand's path ("nightly", "history import") or CLI11's complaint. For checking the
/// commands CI configurations call.
Expected<std::string> check_arguments(const std::vector<std::string>& args);

}  // namespace bh::cli
