#include "harness/runs/job_environment.h"

#include <cstdio>

namespace bh {

std::string generation_pattern(unsigned generation) {
  char text[16];
  std::snprintf(text, sizeof text, "0x424847%02x", generation & 0xffu);
  return text;
}

std::uint32_t race_writer_iodepth(const Scenario& scenario, bool cuts_power) {
  return cuts_power ? 1 : scenario.writer_iodepth;
}

std::map<std::string, std::string> job_environment(const Scenario& scenario, std::uint64_t seed, unsigned generation,
                                                   std::uint32_t writer_iodepth) {
  const auto& region = scenario.region;
  return {{"BH_DEV", "/dev/bcache0"},
          {"BH_SEED", std::to_string(seed)},
          {"BH_GEN_PATTERN", generation_pattern(generation)},
          {"BH_WRITE_OFFSET", std::to_string(region.write_offset)},
          {"BH_WRITE_SIZE", std::to_string(region.write_size)},
          {"BH_READ_OFFSET", std::to_string(region.read_offset)},
          {"BH_READ_SIZE", std::to_string(region.read_size)},
          {"BH_FILL_OFFSET", std::to_string(region.fill_offset())},
          {"BH_FILL_SIZE", std::to_string(region.fill_size())},
          {"BH_READ_RUNTIME", std::to_string(scenario.race_timeout_s)},
          {"BH_WRITERS", std::to_string(scenario.perf.writers)},
          {"BH_WRITE_DEPTH", std::to_string(writer_iodepth)}};
}

}  // namespace bh
