#pragma once
/// What the scenario job files (jobs/*.fio) are given: the environment their ${VAR}s read
/// and the verify pattern of each generation.

#include <cstdint>
#include <map>
#include <string>

#include "harness/scenario/scenario.h"

namespace bh {

/// The verify_pattern fio writes for a generation: "BHG" and the generation byte.
std::string generation_pattern(unsigned generation);

/// The race writer's iodepth: the scenario's writer_iodepth, or 1 for a run that cuts the
/// power (fio's saved verify state proves which writes were acknowledged only at iodepth 1).
std::uint32_t race_writer_iodepth(const Scenario& scenario, bool cuts_power);

/// The environment fio's ${VAR}s read in the scenario job files (see jobs/race.fio);
/// $BH_WRITE_DEPTH is `writer_iodepth`.
std::map<std::string, std::string> job_environment(const Scenario& scenario, std::uint64_t seed, unsigned generation,
                                                   std::uint32_t writer_iodepth);

}  // namespace bh
