#pragma once
/// Pure parsers for the /proc and /sys files the agent reports: meminfo, slabinfo, uptime,
/// allocinfo, and single-number sysfs attributes.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

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

/// One call site of /proc/allocinfo: what code at file:line still holds.
struct AllocSite {
  std::string file;  ///< source path as built, e.g. "drivers/md/bcache/super.c"
  unsigned line = 0;
  std::string function;
  std::string module;      ///< the loadable module's name; empty for built-in code
  std::int64_t bytes = 0;  ///< signed, as the kernel prints it (negative only on kernel bugs)
  std::uint64_t calls = 0;
};

/// The call sites of /proc/allocinfo (kernel 6.10+, CONFIG_MEM_ALLOC_PROFILING) whose file
/// contains `file_part` (all sites when empty), in file order. Accepts format versions 1.x
/// ("allocinfo - version: 1.0", a "#" column line, then "<bytes> <calls> <file>:<line>
/// [<module>] func:<function>" per site) and 2.x (the same, with an optional trailing
/// "accurate:no"). Every site line is checked, not only the matching ones; fails naming the
/// line number when the header is unknown or a line does not parse.
Expected<std::vector<AllocSite>> parse_allocinfo(std::string_view text, std::string_view file_part = {});

/// The one unsigned decimal number of a sysfs attribute such as /sys/module/X/coresize
/// ("12345\n"); `path` only names the file in the error.
Expected<std::uint64_t> parse_sysfs_number(std::string_view text, std::string_view path);

}  // namespace bh::agent
