#pragma once
/// Progress: what a command is doing, on stderr. On a terminal, one status line rewritten in
/// place (ninja-style) with permanent lines printed above it; elsewhere, plain lines only.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <ostream>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "harness/runs/run_events.h"

namespace bh::cli {

/// "45s", "1m23s", "2h05m09s".
std::string format_elapsed(std::chrono::seconds elapsed);

/// "[  12.3s] text": a permanent line, seconds since the start (no newline).
std::string format_plain_line(double seconds, std::string_view text);

/// The terminal status line: the position, two spaces, the elapsed time. When `columns` is
/// not 0 the text fits in columns - 1 characters (a line that wraps cannot be rewritten):
/// the position is cut, ending in "...", and the elapsed time kept.
std::string format_status_line(const ProgressPosition& position, std::chrono::seconds elapsed, std::size_t columns = 0);

/// How Progress writes.
enum class ProgressStyle {
  kPlainLines,  ///< each say() and each new position one line (logs, pipes, CI)
  kStatusLine,  ///< a terminal: one status line redrawn in place, say() lines above it
};

/// Progress of a command on the terminal (the CLI's RunEvents); every method may be called
/// from any thread.
class Progress : public RunEvents {
 public:
  /// Writes to stderr; a status line when stderr is a terminal (isatty), plain lines otherwise.
  Progress();
  /// Writes to `out` in `style`; `columns` is the terminal width (0: unknown, no cutting);
  /// the status line's elapsed time is redrawn every `refresh`.
  Progress(std::ostream& out, ProgressStyle style, std::size_t columns = 0,
           std::chrono::milliseconds refresh = std::chrono::seconds(1));
  /// Stops the refresh and clears the status line.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// A permanent line "[  12.3s] text". On a terminal it goes above the status line, which is
  /// drawn again below it.
  void say(const std::string& text) const override;
  /// Shows where the command stands: on a terminal, the status line (its elapsed time kept
  /// current); otherwise a plain line "[  12.3s] [1/3 name run 2/5] phase", once per change
  /// (the same position again prints nothing).
  void update(const ProgressPosition& position) const override;
  /// Clears the status line and stops its refresh (a later update() shows it again).
  void finish() const override;

 private:
  double seconds() const;
  std::string status_text() const;
  void write(const std::string& text) const;
  void start_refresh_locked() const;
  void stop_refresh() const;
  void refresh_loop(std::stop_token stop) const;

  std::ostream& out_;
  const ProgressStyle style_;
  const std::size_t columns_;
  const std::chrono::milliseconds refresh_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();

  mutable std::mutex mutex_;
  mutable std::condition_variable_any wake_;
  mutable std::optional<ProgressPosition> position_;  ///< shown, or last printed
  mutable bool line_drawn_ = false;                   ///< a status line is on screen
  mutable std::jthread refresher_;
};

}  // namespace bh::cli
