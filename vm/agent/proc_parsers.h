#pragma once
/// Pure parsers for the /proc files the agent reports: meminfo, slabinfo, uptime.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "harness/base/expected.h"

namespace bh::agent {

/// Every "Key: value [kB]" line of /proc/meminfo as key -> number. Values with the kB unit
/// are kB; unit-less values (HugePages_Total, ...) are stored as they are. Lines that do not
/// parse are skipped.
std::map<std::string, std::uint64_t> parse_meminfo(std::string_view text);

/// Every cache of /proc/slabinfo (version 2.x) as name -> kB held in its objects, computed
/// as num_objs * objsize / 1024 rounded to nearest (num_objs, not active_objs: objects
/// allocated in slabs are memory the cache holds whether in use or not). Fails when the
/// header is not "slabinfo - version: 2.x"; malformed cache lines are skipped.
Expected<std::map<std::string, std::uint64_t>> parse_slabinfo(std::string_view text);

/// The first number of /proc/uptime (seconds since boot).
Expected<double> parse_uptime(std::string_view text);

}  // namespace bh::agent
