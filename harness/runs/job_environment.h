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

/// The environment fio's ${VAR}s read in the scenario job files (see jobs/race.fio).
std::map<std::string, std::string> job_environment(const Scenario& scenario, std::uint64_t seed, unsigned generation);

}  // namespace bh
