#include "harness/bcache/bcache_counters.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <vector>

#include "base/strings.h"
#include "harness/bcache/bcache_settings.h"

namespace bh {
namespace {

/// The stats_total files read as plain unsigned decimals ("%lu\n" in stats.c).
constexpr std::array<std::string_view, 6> kCountFiles = {
    "cache_hits",          "cache_misses",          "cache_bypass_hits",
    "cache_bypass_misses", "cache_miss_collisions", "cache_readaheads"};
/// The file bcache prints with bch_hprint (bytes, human-readable), and the key it becomes.
constexpr std::string_view kBypassedFile = "bypassed";
constexpr std::string_view kBypassedKey = "bypassed_bytes";

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

/// Sleeps `poll`, or what is left of `max_wait` since `start` when that is less (at least
/// 1 ms); returns false, without sleeping, once `max_wait` has passed.
bool sleep_before_deadline(Clock& clock, Clock::time_point start, std::chrono::milliseconds poll,
                           std::chrono::milliseconds max_wait) {
  using std::chrono::milliseconds;
  const auto elapsed = clock.now() - start;
  if (elapsed >= max_wait) return false;
  clock.sleep_for(std::max(milliseconds(1), std::min(poll, std::chrono::ceil<milliseconds>(max_wait - elapsed))));
  return true;
}

}  // namespace

std::string bcache_stats_total_dir(std::string_view device) {
  return "/sys/block/" + std::string(device) + "/bcache/stats_total";
}

Expected<BcacheCounterValues> GuestCounterSource::read() {
  std::vector<std::string> paths;
  for (const auto name : kCountFiles) paths.push_back(stats_dir_ + "/" + std::string(name));
  paths.push_back(stats_dir_ + "/" + std::string(kBypassedFile));
  auto files = agent_.read_existing_files(paths);
  if (!files) return files.error();
  if (files.value().empty()) {
    return fail("no bcache counters in " + stats_dir_ + " (is the bcache device registered?)");
  }
  std::map<std::string, std::string> by_name;
  for (auto& [path, content] : files.value()) {
    by_name[path.substr(path.rfind('/') + 1)] = std::move(content);
  }
  return parse_counter_files(by_name, stats_dir_);
}

Expected<BcacheCounterValues> parse_counter_files(const std::map<std::string, std::string>& by_name,
                                                  std::string_view dir) {
  BcacheCounterValues values;
  for (const auto& [name, content] : by_name) {
    const std::string where = std::string(dir) + "/" + name;
    if (name == kBypassedFile) {
      auto bytes = parse_bcache_hprint(content);
      if (!bytes || !(bytes.value() >= 0 && bytes.value() < 0x1p64)) {
        return fail(where + ": not a byte count: '" + std::string(trim(content).substr(0, 40)) + "'");
      }
      values[std::string(kBypassedKey)] = static_cast<std::uint64_t>(bytes.value());
    } else if (std::ranges::find(kCountFiles, name) != kCountFiles.end()) {
      const auto value = to_number(trim(content));
      if (!value) return fail(where + ": not a count: '" + std::string(trim(content).substr(0, 40)) + "'");
      values[name] = *value;
    }
  }
  return values;
}

Expected<SettledCounters> settle_counters(CounterSource& source, Clock& clock, std::chrono::milliseconds poll,
                                          std::chrono::milliseconds max_wait) {
  auto first = source.read();
  if (!first) return first.error();
  const auto start = clock.now();
  BcacheCounterValues last = first.value();
  while (sleep_before_deadline(clock, start, poll, max_wait)) {
    auto reading = source.read();
    if (!reading) return reading.error();
    if (reading.value() != first.value()) {
      auto settled = source.read();  // the differing reading may straddle the fold
      if (!settled) return settled.error();
      return SettledCounters{std::move(settled).value(), seconds_between(start, clock.now()), true};
    }
    last = std::move(reading).value();
  }
  return SettledCounters{std::move(last), seconds_between(start, clock.now()), false};
}

Expected<SettledCounters> quiet_counters(CounterSource& source, Clock& clock, std::chrono::milliseconds poll,
                                         std::chrono::milliseconds max_wait) {
  auto first = source.read();
  if (!first) return first.error();
  const auto start = clock.now();
  BcacheCounterValues last = std::move(first).value();
  while (sleep_before_deadline(clock, start, poll, max_wait)) {
    auto reading = source.read();
    if (!reading) return reading.error();
    if (reading.value() == last)
      return SettledCounters{std::move(last), seconds_between(start, clock.now()), false, true};
    last = std::move(reading).value();
  }
  return SettledCounters{std::move(last), seconds_between(start, clock.now()), false, false};
}

Expected<BcacheCounterValues> counter_delta(const BcacheCounterValues& before, const BcacheCounterValues& after) {
  BcacheCounterValues delta;
  for (const auto& [name, old_value] : before) {
    const auto it = after.find(name);
    if (it == after.end()) continue;
    if (it->second < old_value) {
      return fail("bcache counter " + name + " went down from " + std::to_string(old_value) + " to " +
                  std::to_string(it->second) + " (totals only grow; was clear_stats written?)");
    }
    delta[name] = it->second - old_value;
  }
  return delta;
}

nlohmann::json reads_check(const BcacheCounterValues& delta, std::uint64_t fio_reads) {
  std::uint64_t counted = 0;
  for (const char* name : {"cache_hits", "cache_misses", "cache_bypass_hits", "cache_bypass_misses"}) {
    if (const auto it = delta.find(name); it != delta.end()) counted += it->second;
  }
  return {{"fio_reads", fio_reads}, {"reads_not_counted", fio_reads > counted ? fio_reads - counted : 0}};
}

nlohmann::json to_json(const BcacheCounterValues& before, const SettledCounters& after,
                       const BcacheCounterValues& delta) {
  auto json = nlohmann::json{{"before", before},
                             {"after", after.values},
                             {"delta", delta},
                             {"settle_s", after.waited_s},
                             {"saw_tick", after.saw_tick}};
  if (after.quiet) json["quiet"] = *after.quiet;
  return json;
}

}  // namespace bh
