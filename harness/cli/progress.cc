#include "harness/cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace bh::cli {
namespace {

constexpr std::string_view kClearToEnd = "\x1b[K";

bool stderr_is_smart_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) == 1 && !(term != nullptr && std::strcmp(term, "dumb") == 0);
}

std::size_t stderr_columns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

}  // namespace

std::string format_elapsed(std::chrono::seconds elapsed) {
  const long long total = std::max<long long>(0, elapsed.count());
  const long long hours = total / 3600, minutes = total / 60 % 60, seconds = total % 60;
  char text[48];
  if (hours > 0) {
    std::snprintf(text, sizeof text, "%lldh%02lldm%02llds", hours, minutes, seconds);
  } else if (minutes > 0) {
    std::snprintf(text, sizeof text, "%lldm%02llds", minutes, seconds);
  } else {
    std::snprintf(text, sizeof text, "%llds", seconds);
  }
  return text;
}

std::string format_plain_line(double seconds, std::string_view text) {
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "[%6.1fs] ", seconds);
  return prefix + std::string(text);
}

std::string format_status_line(const ProgressPosition& position, std::chrono::seconds elapsed, std::size_t columns) {
  std::string where = format_position(position);
  const std::string tail = "  " + format_elapsed(elapsed);
  if (columns > 0 && where.size() + tail.size() > columns - 1) {
    const std::size_t room = columns - 1 > tail.size() ? columns - 1 - tail.size() : 0;
    where = room > 3 ? where.substr(0, room - 3) + "..." : where.substr(0, room);
  }
  return where + tail;
}

Progress::Progress()
    : Progress(std::cerr, stderr_is_smart_terminal() ? ProgressStyle::kStatusLine : ProgressStyle::kPlainLines,
               stderr_columns()) {}

Progress::Progress(std::ostream& out, ProgressStyle style, std::size_t columns, std::chrono::milliseconds refresh)
    : out_(out), style_(style), columns_(columns), refresh_(refresh) {}

Progress::~Progress() { finish(); }

void Progress::say(const std::string& text) const {
  std::lock_guard lock(mutex_);
  std::string output = line_drawn_ ? "\r" + std::string(kClearToEnd) : "";
  output += format_plain_line(seconds(), text) + "\n";
  if (line_drawn_) output += status_text();
  write(output);
}

void Progress::update(const ProgressPosition& position) const {
  std::lock_guard lock(mutex_);
  if (style_ == ProgressStyle::kPlainLines) {
    if (position_ == position) return;
    position_ = position;
    write(format_plain_line(seconds(), format_position(position)) + "\n");
    return;
  }
  position_ = position;
  write("\r" + status_text());
  line_drawn_ = true;
  start_refresh_locked();
}

void Progress::finish() const {
  stop_refresh();
  std::lock_guard lock(mutex_);
  if (line_drawn_) write("\r" + std::string(kClearToEnd));
  line_drawn_ = false;
  position_.reset();
}

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string Progress::status_text() const {
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start_);
  return format_status_line(position_.value_or(ProgressPosition{}), elapsed, columns_) + std::string(kClearToEnd);
}

void Progress::write(const std::string& text) const { out_ << text << std::flush; }

void Progress::start_refresh_locked() const {
  if (refresher_.joinable()) return;
  refresher_ = std::jthread([this](std::stop_token stop) { refresh_loop(stop); });
}

void Progress::stop_refresh() const {
  std::jthread refresher;
  {
    std::lock_guard lock(mutex_);
    refresher = std::move(refresher_);
  }
  // Leaving scope asks the thread to stop and joins it, without holding the mutex it needs.
}

void Progress::refresh_loop(std::stop_token stop) const {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, stop, refresh_, [] { return false; });
    if (stop.stop_requested()) return;
    if (line_drawn_) write("\r" + status_text());
  }
}

}  // namespace bh::cli
