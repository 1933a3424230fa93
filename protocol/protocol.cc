#include "protocol/protocol.h"

namespace bh::protocol {

std::string encode(const Json& message) { return message.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n"; }

Expected<Json> decode(std::string_view line) {
  auto parsed = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return fail("malformed protocol line: '" + std::string(line.substr(0, 120)) + "'");
  }
  return parsed;
}

void LineBuffer::feed(std::string_view bytes) { pending_.append(bytes); }

std::optional<std::string> LineBuffer::next_line() {
  const auto end = pending_.find('\n', scanned_);
  if (end == std::string::npos) {
    scanned_ = pending_.size();
    return std::nullopt;
  }
  std::string line = pending_.substr(0, end);
  pending_.erase(0, end + 1);
  scanned_ = 0;
  return line;
}

}  // namespace bh::protocol
