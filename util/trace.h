#pragma once
/// Debug tracing to stderr, on when BH_TRACE=1: what the harness asked of the guest and of
/// host programs, and how long each took.

#include <spdlog/spdlog.h>

namespace bh {

/// True when BH_TRACE is set to something other than 0.
bool tracing_enabled();

/// Logs one trace line (fmt syntax) when tracing is enabled.
template <class... Args>
void trace(spdlog::format_string_t<Args...> format, Args&&... args) {
  if (tracing_enabled()) spdlog::info(format, std::forward<Args>(args)...);
}

}  // namespace bh
