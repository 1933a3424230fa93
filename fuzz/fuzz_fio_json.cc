// parse_fio_json on arbitrary text: fio's --output, which may carry any text around its JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/fio_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)bh::analysis::parse_fio_json(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
