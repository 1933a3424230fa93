#pragma once
/// Base64 (RFC 4648 section 4, standard alphabet, '=' padding) for binary payloads in the
/// JSON protocol. Hand-written: the guest agent is a static binary that must not link
/// OpenSSL, and Boost only has an internal (detail::) codec.

#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh::protocol {

/// The bytes as base64 text, padded to a multiple of 4 characters, no line breaks.
std::string base64_encode(std::string_view bytes);

/// The bytes `text` encodes. Accepts only canonical padded base64 without whitespace; the
/// error names the first offending position.
Expected<std::string> base64_decode(std::string_view text);

}  // namespace bh::protocol
