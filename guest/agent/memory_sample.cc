#include "guest/agent/memory_sample.h"

#include <cstdint>
#include <map>
#include <string>

#include "guest/agent/proc_parsers.h"

namespace bh::agent {
namespace {

constexpr const char* kBcacheCoresize = "/sys/module/bcache/coresize";
constexpr const char* kAllocinfo = "/proc/allocinfo";
constexpr const char* kBcacheSources = "drivers/md/bcache/";

/// Bytes to KiB, rounded towards +infinity (a negative count stays negative).
std::int64_t kib_rounded_up(std::int64_t bytes) { return bytes >= 0 ? (bytes + 1023) / 1024 : -((-bytes) / 1024); }

protocol::Json bcache_allocations(const std::vector<AllocSite>& sites) {
  std::map<std::string, std::int64_t> bytes_by_site;
  std::int64_t total = 0;
  for (const auto& site : sites) {
    total += site.bytes;
    if (site.bytes == 0) continue;
    bytes_by_site[site.file + ":" + std::to_string(site.line) + " " + site.function] += site.bytes;
  }
  protocol::Json by_site = protocol::Json::object();
  for (const auto& [name, bytes] : bytes_by_site) by_site[name] = kib_rounded_up(bytes);
  return protocol::Json{{"total", kib_rounded_up(total)}, {"sites", std::move(by_site)}};
}

/// Adds "bcache_module_kib" and "allocinfo_kib" (or "allocinfo_error") where the guest has them.
void add_bcache_memory(GuestSystem& system, protocol::Json& sample) {
  if (auto coresize = system.read_file(kBcacheCoresize)) {
    if (auto bytes = parse_sysfs_number(coresize.value(), kBcacheCoresize)) {
      sample["bcache_module_kib"] = (bytes.value() + 1023) / 1024;
    }
  }
  auto allocinfo = system.read_file(kAllocinfo);
  if (!allocinfo) return;
  auto sites = parse_allocinfo(allocinfo.value(), kBcacheSources);
  if (sites) {
    sample["allocinfo_kib"] = bcache_allocations(sites.value());
  } else {
    sample["allocinfo_error"] = sites.error().message;
  }
}

}  // namespace

Expected<protocol::Json> sample_memory(GuestSystem& system) {
  const double uptime = system.uptime_s();
  auto meminfo = system.read_file("/proc/meminfo");
  if (!meminfo) return meminfo.error();
  protocol::Json slab_kb = protocol::Json::object();
  if (auto slabinfo = system.read_file("/proc/slabinfo")) {
    if (auto caches = parse_slabinfo(slabinfo.value())) slab_kb = caches.value();
  }
  protocol::Json sample{
      {"uptime_s", uptime}, {"meminfo", parse_meminfo(meminfo.value())}, {"slab_kb", std::move(slab_kb)}};
  add_bcache_memory(system, sample);
  return sample;
}

}  // namespace bh::agent
