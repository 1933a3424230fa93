#pragma once
/// One snapshot of the guest's memory: /proc/meminfo and /proc/slabinfo, parsed, and what
/// bcache itself holds where the kernel says so (module size, allocation profiling).

#include "base/expected.h"
#include "guest/agent/guest_system.h"
#include "protocol/protocol.h"

namespace bh::agent {

/// {"uptime_s", "meminfo" {key: kB}, "slab_kb" {cache: kB}} (see proc_parsers.h for the
/// units), and when the guest can tell:
///  - "bcache_module_kib": /sys/module/bcache/coresize (the loaded module's core text and
///    data; text only on architectures that keep module data in vmalloc) in KiB, rounded up;
///    absent when that file cannot be read or holds no number (bcache built in, not loaded).
///  - "allocinfo_kib": {"total": KiB, "sites": {"drivers/md/bcache/FILE.c:LINE func": KiB}}
///    from /proc/allocinfo, counting only call sites in drivers/md/bcache/ (bytes that bcache
///    asks for through helpers elsewhere, a bioset's mempools for one, are not among them).
///    The total is the sites' bytes summed, then rounded up to KiB; each site is rounded up
///    on its own; sites holding 0 bytes are left out of "sites". Absent when the file cannot
///    be read (no CONFIG_MEM_ALLOC_PROFILING, or profiling off); when it reads but does not
///    parse, "allocinfo_error" says why instead.
/// slab_kb is empty when /proc/slabinfo cannot be read or parsed; fails only when
/// /proc/meminfo cannot be read.
Expected<protocol::Json> sample_memory(GuestSystem& system);

}  // namespace bh::agent
