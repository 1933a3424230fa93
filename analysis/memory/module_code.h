#pragma once
/// Where a kernel module's code lies: its executable sections and functions as its ELF file
/// (the .ko) describes them, placed at the addresses the running kernel loaded each section
/// at (/sys/module/NAME/sections/SECTION). Used to keep exactly the allocations whose call
/// site lies in the module's own code, and to name each call site "function+0xOFFSET".
///
/// Exact by construction: an address belongs to the module when it lies inside one of its
/// loaded executable sections, and to a function when it lies inside that function's
/// [value, value + size) in the symbol table; no nearest-symbol guessing.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh::analysis {

/// A function of the module: its section and its place in it.
struct ModuleFunction {
  std::string name;
  std::string section;
  std::uint64_t offset = 0;  ///< from the section's start
  std::uint64_t size = 0;
};

/// An executable section (SHF_ALLOC and SHF_EXECINSTR) with content.
struct ModuleSection {
  std::string name;
  std::uint64_t size = 0;
};

/// What the module's ELF file says of its code. `.init*` sections, which the kernel frees
/// once the module's init returned, and their functions are left out.
struct ModuleImage {
  std::vector<ModuleSection> text_sections;
  std::vector<ModuleFunction> functions;
};

/// Reads a relocatable ELF object (a .ko, uncompressed). An error says what is not ELF or
/// has no symbol table.
Expected<ModuleImage> read_module_image(std::string_view elf_bytes);

/// [begin, end) of addresses.
struct AddressRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  bool contains(std::uint64_t address) const { return address >= begin && address < end; }
};

/// The module's code at its load addresses.
class LoadedModuleCode {
 public:
  LoadedModuleCode() = default;

  /// Places `image` with `section_addresses` (section name -> load address; sections the
  /// kernel did not list are left out). Error when no executable section has an address.
  static Expected<LoadedModuleCode> place(const ModuleImage& image,
                                          const std::map<std::string, std::uint64_t>& section_addresses);

  /// The loaded executable sections, merged where they touch, by address.
  const std::vector<AddressRange>& ranges() const { return ranges_; }

  /// Whether `address` lies in the module's loaded code.
  bool contains(std::uint64_t address) const;

  /// "function+0xOFFSET" for an address inside a function; "SECTION+0xOFFSET" inside the
  /// module's code but no function; "0xADDRESS" outside it.
  std::string describe(std::uint64_t address) const;

  /// An ftrace filter that keeps events whose `field` lies in ranges(): "(field >= 0x.. &&
  /// field < 0x..) || ...".
  std::string filter(std::string_view field) const;

 private:
  struct PlacedFunction {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::string name;
  };
  struct PlacedSection {
    AddressRange range;
    std::string name;
  };
  std::vector<AddressRange> ranges_;
  std::vector<PlacedSection> sections_;
  std::vector<PlacedFunction> functions_;  ///< by begin
};

}  // namespace bh::analysis
