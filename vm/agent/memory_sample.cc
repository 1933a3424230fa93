#include "vm/agent/memory_sample.h"

#include "vm/agent/proc_parsers.h"

namespace bh::agent {

Expected<protocol::Json> sample_memory(GuestSystem& system) {
  const double uptime = system.uptime_s();
  auto meminfo = system.read_file("/proc/meminfo");
  if (!meminfo) return meminfo.error();
  protocol::Json slab_kb = protocol::Json::object();
  if (auto slabinfo = system.read_file("/proc/slabinfo")) {
    if (auto caches = parse_slabinfo(slabinfo.value())) slab_kb = caches.value();
  }
  return protocol::Json{{"uptime_s", uptime},
                        {"meminfo", parse_meminfo(meminfo.value())},
                        {"slab_kb", std::move(slab_kb)}};
}

}  // namespace bh::agent
