#pragma once
/// Test support: the memory trace's events (memory_probes.h) as synthetic layouts
/// (analysis/trace/synthetic_trace.h), with the fields the decoder reads.

#include <vector>

#include "analysis/trace/synthetic_trace.h"

namespace bh::analysis::testing {

inline const SyntheticEvent kKmalloc{"kmem/kmalloc", 500, {"call_site", "ptr", "bytes_req", "bytes_alloc"}};
inline const SyntheticEvent kKfree{"kmem/kfree", 501, {"call_site", "ptr"}};
inline const SyntheticEvent kPages{"bhmem/pages", 600, {"__probe_ip", "order", "caller"}};
inline const SyntheticEvent kPagesRet{"bhmem/pages_ret", 601, {"__probe_func", "__probe_ret_ip", "ptr"}};
inline const SyntheticEvent kFreePages{"bhmem/free_pages", 602, {"__probe_ip", "ptr", "caller"}};
inline const SyntheticEvent kKrealloc{"bhmem/krealloc", 603, {"__probe_ip", "ptr", "size", "caller"}};
inline const SyntheticEvent kKreallocRet{"bhmem/krealloc_ret", 604, {"__probe_func", "__probe_ret_ip", "ptr"}};
inline const SyntheticEvent kZeroedPage{"bhmem/zeroed_page", 605, {"__probe_ip", "caller"}};
inline const SyntheticEvent kZeroedPageRet{"bhmem/zeroed_page_ret", 606, {"__probe_func", "__probe_ret_ip", "ptr"}};
inline const SyntheticEvent kMarker{"ftrace/print", 5, {"ip", "buf"}};

/// Every event above, for a capture that has all their formats.
inline const std::vector<SyntheticEvent> kMemoryEvents = {
    kKmalloc, kKfree, kPages, kPagesRet, kFreePages, kKrealloc, kKreallocRet, kZeroedPage, kZeroedPageRet, kMarker};

}  // namespace bh::analysis::testing
