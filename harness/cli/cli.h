#pragma once
/// The command line: parses arguments and runs the subcommand.

namespace bh::cli {

/// Parses argv and runs the chosen subcommand; returns the exit code. Throws HarnessError.
int run(int argc, char** argv);

}  // namespace bh::cli
