#pragma once
/// What a run's memory trace left (harness/runs/memory_trace.h records it): the raw trace
/// and what decoding it needs, the traced module's code as its ELF file describes it and
/// where the kernel loaded each section. Saved in the run directory (memory.trace/), so
/// `bcache-harness report DIR` decodes it again without the kernel or the guest.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "analysis/memory/module_code.h"
#include "analysis/trace/trace_capture.h"
#include "base/expected.h"

namespace bh::analysis {

struct MemoryCapture {
  TraceCapture trace;
  std::string module;  ///< "bcache"
  ModuleImage image;
  std::map<std::string, std::uint64_t> section_addresses;  ///< the module's, as loaded
  /// Allocator functions none of whose names the kernel has ("vzalloc/vzalloc_noprof"):
  /// calls to them are not seen.
  std::vector<std::string> unprobed;
};

/// Writes `capture` under `dir`: the trace as save_trace_capture does, plus module.json
/// (module, sections, unprobed, text sections and functions). An error names the file.
Expected<void> save_memory_capture(const MemoryCapture& capture, const std::filesystem::path& dir);

/// Reads what save_memory_capture wrote. An error names the missing or malformed file.
Expected<MemoryCapture> load_memory_capture(const std::filesystem::path& dir);

}  // namespace bh::analysis
