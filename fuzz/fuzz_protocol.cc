// The host's side of the control channel on arbitrary bytes: the input arrives in chunks
// (split at its 0xff bytes, so the fuzzer chooses where), LineBuffer cuts it into lines and
// each line is decoded, as SocketGuestChannel::receive does with what the guest sends.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)bh::protocol::decode(bytes);
  bh::protocol::LineBuffer lines(4096);  // a small cap, so that the fuzzer reaches it
  while (!bytes.empty()) {
    const auto cut = bytes.find('\xff');
    lines.feed(bytes.substr(0, cut));
    bytes.remove_prefix(cut == std::string_view::npos ? bytes.size() : cut + 1);
    for (auto line = lines.next_line(); line && line.value(); line = lines.next_line()) {
      if (auto message = bh::protocol::decode(*line.value())) (void)bh::protocol::encode(message.value());
    }
  }
  return 0;
}
