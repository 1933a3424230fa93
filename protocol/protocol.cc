#include "protocol/protocol.h"

#include <algorithm>

namespace bh::protocol {

std::string encode(const Json& message) { return message.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n"; }

Expected<Json> decode(std::string_view line) {
  auto parsed = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return fail("malformed protocol line: '" + std::string(line.substr(0, 120)) + "'");
  }
  return parsed;
}

void LineBuffer::feed(std::string_view bytes) {
  if (!overlong_) pending_.append(bytes);
}

Expected<std::optional<std::string>> LineBuffer::next_line() {
  const auto end = overlong_ ? std::string::npos : pending_.find('\n', scanned_);
  if (overlong_ || std::min(end, pending_.size()) > max_line_bytes_) {
    overlong_ = true;
    pending_ = std::string();
    scanned_ = 0;
    return fail("protocol line longer than " + std::to_string(max_line_bytes_) + " bytes (the cap on one message)");
  }
  if (end == std::string::npos) {
    scanned_ = pending_.size();
    return std::optional<std::string>();
  }
  std::string line = pending_.substr(0, end);
  pending_.erase(0, end + 1);
  scanned_ = 0;
  return std::optional<std::string>(std::move(line));
}

}  // namespace bh::protocol
