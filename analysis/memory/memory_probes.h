#pragma once
/// What the memory trace records, shared by the harness that sets it up in the guest and the
/// decoder that reads it back: the slab allocator's tracepoints (include/trace/events/kmem.h,
/// which carry the caller as `call_site`) and kprobe events over the page, vmalloc and
/// krealloc entry points, which have no tracepoint with a caller. Every event is filtered in
/// the kernel on its caller, so only a module's own allocations and frees are recorded.
///
/// A kprobe on a function's entry reads the caller as $stack0 (the return address on top of
/// the stack at entry) and the arguments from registers (x86-64: %di, %si); its return
/// probe records the returned pointer, and the kernel adds the return address as
/// `__probe_ret_ip`, which is the same caller. An entry and its return pair up per task.

#include <array>
#include <string>
#include <string_view>

namespace bh::analysis {

/// The tracefs group of the harness's kprobe events ("bhmem/pages", ...).
inline constexpr std::string_view kMemoryProbeGroup = "bhmem";

/// A slab tracepoint and whether it allocates.
struct SlabTracepoint {
  std::string_view name;  ///< "kmem/kmalloc"
  bool allocates;
};

/// The slab tracepoints; the `_node` forms exist before 6.0 only (6.1 and 6.12 fold them
/// into the plain ones), so a kernel that lacks one skips it.
inline constexpr std::array<SlabTracepoint, 6> kSlabTracepoints = {{
    {"kmem/kmalloc", true},
    {"kmem/kmem_cache_alloc", true},
    {"kmem/kmalloc_node", true},
    {"kmem/kmem_cache_alloc_node", true},
    {"kmem/kfree", false},
    {"kmem/kmem_cache_free", false},
}};

/// The tracepoint trace_marker writes: the harness marks phases with it.
inline constexpr std::string_view kMarkerEvent = "ftrace/print";

/// What a probe's records mean.
enum class ProbeRole {
  kAllocEntry,     ///< size (or page order) and caller of an allocation in flight
  kAllocReturn,    ///< the pointer it returned
  kFree,           ///< ptr freed by caller
  kReallocEntry,   ///< krealloc(ptr, size) by caller
  kReallocReturn,  ///< what krealloc returned: another pointer means ptr was freed
};

/// One kprobe event. Entries and returns of one function share `family`.
struct MemoryProbe {
  std::string_view event;   ///< the name in kMemoryProbeGroup
  std::string_view family;  ///< "pages", "kvmalloc", ...
  ProbeRole role;
  std::array<std::string_view, 2> symbols;  ///< the function: 6.1's name, then 6.12's ("" none)
  std::string_view fetchargs;               ///< kprobe_events argument list
  /// The field holding the caller, which the kernel filters on.
  std::string_view caller_field() const {
    return role == ProbeRole::kAllocReturn || role == ProbeRole::kReallocReturn ? "__probe_ret_ip" : "caller";
  }
  bool is_return() const { return role == ProbeRole::kAllocReturn || role == ProbeRole::kReallocReturn; }
};

/// In the order they are defined: a function's return probe before its entry probe. On one
/// address the kernel runs the probe defined last first (kernel/kprobes.c adds a probe at
/// the head of the list), and a return probe replaces the return address on the stack
/// with its trampoline: defined after it, the entry probe reads the real caller first.
///
/// Page allocations through `__get_free_pages` have `order`, `get_zeroed_page` (a function
/// of its own that calls __get_free_pages, so its inner call is not bcache's) one page; sized
/// ones `size`, in bytes asked for (vmalloc rounds it up to pages, kvmalloc's slab path to
/// its size class: the ledger counts what was asked). Page allocations through
/// alloc_pages() are not probed: bcache uses them only for bio pages, which the block
/// layer's bio_free_pages() frees, out of the callers' view.
inline constexpr std::array<MemoryProbe, 15> kMemoryProbes = {{
    {"pages_ret", "pages", ProbeRole::kAllocReturn, {"__get_free_pages", "get_free_pages_noprof"}, "ptr=$retval:x64"},
    {"pages",
     "pages",
     ProbeRole::kAllocEntry,
     {"__get_free_pages", "get_free_pages_noprof"},
     "order=%si:u32 caller=$stack0:x64"},
    {"zeroed_page_ret",
     "page",
     ProbeRole::kAllocReturn,
     {"get_zeroed_page", "get_zeroed_page_noprof"},
     "ptr=$retval:x64"},
    {"zeroed_page",
     "page",
     ProbeRole::kAllocEntry,
     {"get_zeroed_page", "get_zeroed_page_noprof"},
     "caller=$stack0:x64"},
    {"kvmalloc_ret",
     "kvmalloc",
     ProbeRole::kAllocReturn,
     {"kvmalloc_node", "__kvmalloc_node_noprof"},
     "ptr=$retval:x64"},
    {"kvmalloc",
     "kvmalloc",
     ProbeRole::kAllocEntry,
     {"kvmalloc_node", "__kvmalloc_node_noprof"},
     "size=%di:u64 caller=$stack0:x64"},
    {"vmalloc_ret", "vmalloc", ProbeRole::kAllocReturn, {"vmalloc", "vmalloc_noprof"}, "ptr=$retval:x64"},
    {"vmalloc", "vmalloc", ProbeRole::kAllocEntry, {"vmalloc", "vmalloc_noprof"}, "size=%di:u64 caller=$stack0:x64"},
    {"vzalloc_ret", "vzalloc", ProbeRole::kAllocReturn, {"vzalloc", "vzalloc_noprof"}, "ptr=$retval:x64"},
    {"vzalloc", "vzalloc", ProbeRole::kAllocEntry, {"vzalloc", "vzalloc_noprof"}, "size=%di:u64 caller=$stack0:x64"},
    {"krealloc_ret", "krealloc", ProbeRole::kReallocReturn, {"krealloc", "krealloc_noprof"}, "ptr=$retval:x64"},
    {"krealloc",
     "krealloc",
     ProbeRole::kReallocEntry,
     {"krealloc", "krealloc_noprof"},
     "ptr=%di:x64 size=%si:u64 caller=$stack0:x64"},
    {"free_pages", "free_pages", ProbeRole::kFree, {"free_pages", ""}, "ptr=%di:x64 caller=$stack0:x64"},
    {"kvfree", "kvfree", ProbeRole::kFree, {"kvfree", ""}, "ptr=%di:x64 caller=$stack0:x64"},
    {"vfree", "vfree", ProbeRole::kFree, {"vfree", ""}, "ptr=%di:x64 caller=$stack0:x64"},
}};

/// What the harness writes to trace_marker when phase NAME starts: "bh phase NAME".
inline constexpr std::string_view kPhaseMarkPrefix = "bh phase ";

/// The phase mark written when the trace stops: the end of the last phase.
inline constexpr std::string_view kEndMark = "end";

/// The trace_marker text for phase `name`.
inline std::string phase_mark(std::string_view name) { return std::string(kPhaseMarkPrefix) + std::string(name); }

/// The phase a trace mark names; "" when `text` is no phase mark.
inline std::string marked_phase(std::string_view text) {
  return text.starts_with(kPhaseMarkPrefix) ? std::string(text.substr(kPhaseMarkPrefix.size())) : "";
}

/// The slab caches behind bcache's mempools and bio sets: "search" (its request state) and
/// the block layer's "bio-N" and "biovec-N". bcache never allocates from them itself, yet
/// mempool_free() and bio_put() reach kmem_cache_free() through tail calls that leave
/// bcache's return address as the call site: about 40,000 frees per run the ledger could not
/// match anyway. kmem_cache_free's `name` field lets the kernel drop them.
inline constexpr std::string_view kMempoolCachesFilter = "name != \"search\" && !(name ~ \"bio*\")";

/// How many return probes of one function may be in flight at once, system-wide (a
/// kretprobe's maxactive): more are missed and counted in kprobe_profile, never silently.
inline constexpr int kReturnProbeMaxActive = 256;

/// The kprobe_events line that defines `probe` over `symbol`:
/// "p:bhmem/pages __get_free_pages order=%si:u32 caller=$stack0:x64".
inline std::string probe_definition(const MemoryProbe& probe, std::string_view symbol) {
  const std::string kind = probe.is_return() ? "r" + std::to_string(kReturnProbeMaxActive) : "p";
  return kind + ":" + std::string(kMemoryProbeGroup) + "/" + std::string(probe.event) + " " + std::string(symbol) +
         " " + std::string(probe.fetchargs);
}

}  // namespace bh::analysis
