// load_scenario_text on arbitrary text, as a scenario file in the source tree's jobs/
// (so that job = "race.fio" and the like find real job files).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)bh::load_scenario_text(text, std::filesystem::path(BH_SOURCE_JOBS_DIR) / "fuzz.toml");
  return 0;
}
