#pragma once
/// One snapshot of the guest's memory: /proc/meminfo and /proc/slabinfo, parsed.

#include "harness/base/expected.h"
#include "vm/agent/guest_system.h"
#include "vm/protocol/protocol.h"

namespace bh::agent {

/// {"uptime_s", "meminfo" {key: kB}, "slab_kb" {cache: kB}} (see proc_parsers.h for the
/// units). slab_kb is empty when /proc/slabinfo cannot be read or parsed; fails only when
/// /proc/meminfo cannot be read.
Expected<protocol::Json> sample_memory(GuestSystem& system);

}  // namespace bh::agent
