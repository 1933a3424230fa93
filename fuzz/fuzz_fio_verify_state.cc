// parse_fio_verify_state on arbitrary bytes: the verify state files fio wrote in the guest.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/fio_verify_state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)bh::analysis::parse_fio_verify_state(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
