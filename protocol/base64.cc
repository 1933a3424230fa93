#include "protocol/base64.h"

#include <array>
#include <cstdint>

namespace bh::protocol {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::int8_t kInvalid = -1;

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr std::array<std::int8_t, 256> kDecode = make_decode_table();

std::uint32_t byte_at(std::string_view bytes, std::size_t i) {
  return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0u;
}

/// How many '=' end the text (0, 1 or 2 are valid).
std::size_t padding_of(std::string_view text) {
  std::size_t padding = 0;
  while (padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  return padding;
}

auto bad_character(std::size_t at) { return fail("base64: invalid character at position " + std::to_string(at)); }

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::uint32_t group = byte_at(bytes, i) << 16 | byte_at(bytes, i + 1) << 8 | byte_at(bytes, i + 2);
    const std::size_t present = bytes.size() - i;  // 1, 2, or 3 and more
    text.push_back(kAlphabet[group >> 18 & 63]);
    text.push_back(kAlphabet[group >> 12 & 63]);
    text.push_back(present > 1 ? kAlphabet[group >> 6 & 63] : '=');
    text.push_back(present > 2 ? kAlphabet[group & 63] : '=');
  }
  return text;
}

Expected<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return fail("base64: length " + std::to_string(text.size()) + " is not a multiple of 4");
  }
  const std::size_t padding = padding_of(text);
  if (padding > 2) return bad_character(text.size() - padding);
  const std::size_t digits = text.size() - padding;
  std::string bytes;
  bytes.reserve(text.size() / 4 * 3);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const std::int8_t value = kDecode[static_cast<unsigned char>(text[i])];
    if (value == kInvalid) return bad_character(i);
    bits = bits << 6 | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      bytes.push_back(static_cast<char>(bits >> bit_count & 0xff));
    }
  }
  if ((bits & ((1u << bit_count) - 1)) != 0) {
    return fail("base64: non-zero padding bits before position " + std::to_string(digits));
  }
  return bytes;
}

}  // namespace bh::protocol
