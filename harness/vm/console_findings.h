#pragma once
/// Kernel trouble on the guest console: oopses, BUGs, WARNINGs, panics. Any of these makes a
/// run FAIL (a finding about the kernel), whatever the data says.

#include <string>
#include <string_view>
#include <vector>

namespace bh {

/// One console line that reports kernel trouble.
struct ConsoleFinding {
  std::string kind;  ///< "oops", "BUG", "WARNING", "panic", "hung task"
  std::string line;  ///< the console line, trimmed
};

/// Every line of `console` that reports kernel trouble, in order.
std::vector<ConsoleFinding> scan_console(std::string_view console);

}  // namespace bh
