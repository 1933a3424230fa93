#include "analysis/memory/module_code.h"

#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace bh::analysis {
namespace {

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

struct ElfCloser {
  void operator()(Elf* elf) const { elf_end(elf); }
};
using ElfHandle = std::unique_ptr<Elf, ElfCloser>;

bool is_init_section(std::string_view name) { return name.starts_with(".init"); }

/// Section index -> name of the executable sections worth placing.
std::map<std::size_t, std::string> text_sections(Elf* elf, std::size_t names_index, ModuleImage& image) {
  std::map<std::size_t, std::string> by_index;
  for (Elf_Scn* section = elf_nextscn(elf, nullptr); section != nullptr; section = elf_nextscn(elf, section)) {
    GElf_Shdr header;
    if (gelf_getshdr(section, &header) == nullptr) continue;
    const char* name = elf_strptr(elf, names_index, header.sh_name);
    const bool code = header.sh_type == SHT_PROGBITS && (header.sh_flags & SHF_ALLOC) != 0 &&
                      (header.sh_flags & SHF_EXECINSTR) != 0 && header.sh_size > 0;
    if (!code || name == nullptr || is_init_section(name)) continue;
    by_index[elf_ndxscn(section)] = name;
    image.text_sections.push_back({name, header.sh_size});
  }
  return by_index;
}

Expected<void> add_functions(Elf* elf, const std::map<std::size_t, std::string>& sections, ModuleImage& image) {
  for (Elf_Scn* section = elf_nextscn(elf, nullptr); section != nullptr; section = elf_nextscn(elf, section)) {
    GElf_Shdr header;
    if (gelf_getshdr(section, &header) == nullptr || header.sh_type != SHT_SYMTAB) continue;
    Elf_Data* data = elf_getdata(section, nullptr);
    if (data == nullptr || header.sh_entsize == 0) return fail("ELF: the symbol table cannot be read");
    const auto count = header.sh_size / header.sh_entsize;
    for (std::size_t i = 0; i < count; ++i) {
      GElf_Sym symbol;
      if (gelf_getsym(data, static_cast<int>(i), &symbol) == nullptr) continue;
      if (GELF_ST_TYPE(symbol.st_info) != STT_FUNC || symbol.st_size == 0) continue;
      const auto placed = sections.find(symbol.st_shndx);
      const char* name = elf_strptr(elf, header.sh_link, symbol.st_name);
      if (placed == sections.end() || name == nullptr) continue;
      image.functions.push_back({name, placed->second, symbol.st_value, symbol.st_size});
    }
    return outcome::success();
  }
  return fail("ELF: no symbol table (a stripped module cannot name its call sites)");
}

}  // namespace

Expected<ModuleImage> read_module_image(std::string_view elf_bytes) {
  if (elf_version(EV_CURRENT) == EV_NONE) return fail("ELF: libelf is out of date");
  std::string bytes(elf_bytes);  // libelf wants a writable buffer
  ElfHandle elf(elf_memory(bytes.data(), bytes.size()));
  if (!elf || elf_kind(elf.get()) != ELF_K_ELF) return fail("not an ELF file");
  std::size_t names_index = 0;
  if (elf_getshdrstrndx(elf.get(), &names_index) != 0) return fail(std::string("ELF: ") + elf_errmsg(-1));
  ModuleImage image;
  const auto sections = text_sections(elf.get(), names_index, image);
  if (auto added = add_functions(elf.get(), sections, image); !added) return added.error();
  return image;
}

Expected<LoadedModuleCode> LoadedModuleCode::place(const ModuleImage& image,
                                                   const std::map<std::string, std::uint64_t>& section_addresses) {
  LoadedModuleCode code;
  for (const auto& section : image.text_sections) {
    const auto address = section_addresses.find(section.name);
    if (address == section_addresses.end() || address->second == 0) continue;
    code.sections_.push_back({{address->second, address->second + section.size}, section.name});
  }
  if (code.sections_.empty()) return fail("none of the module's code sections has a load address");
  for (const auto& function : image.functions) {
    const auto address = section_addresses.find(function.section);
    if (address == section_addresses.end() || address->second == 0) continue;
    const auto begin = address->second + function.offset;
    code.functions_.push_back({begin, begin + function.size, function.name});
  }
  std::sort(code.sections_.begin(), code.sections_.end(),
            [](const PlacedSection& a, const PlacedSection& b) { return a.range.begin < b.range.begin; });
  std::sort(code.functions_.begin(), code.functions_.end(),
            [](const PlacedFunction& a, const PlacedFunction& b) { return a.begin < b.begin; });
  for (const auto& section : code.sections_) {
    if (!code.ranges_.empty() && section.range.begin <= code.ranges_.back().end)
      code.ranges_.back().end = std::max(code.ranges_.back().end, section.range.end);
    else
      code.ranges_.push_back(section.range);
  }
  return code;
}

bool LoadedModuleCode::contains(std::uint64_t address) const {
  return std::any_of(ranges_.begin(), ranges_.end(),
                     [&](const AddressRange& range) { return range.contains(address); });
}

std::string LoadedModuleCode::describe(std::uint64_t address) const {
  auto after =
      std::upper_bound(functions_.begin(), functions_.end(), address,
                       [](std::uint64_t value, const PlacedFunction& function) { return value < function.begin; });
  if (after != functions_.begin() && address < std::prev(after)->end)
    return std::prev(after)->name + "+" + hex(address - std::prev(after)->begin);
  for (const auto& section : sections_) {
    if (section.range.contains(address)) return section.name + "+" + hex(address - section.range.begin);
  }
  return hex(address);
}

std::string LoadedModuleCode::filter(std::string_view field) const {
  std::string text;
  for (const auto& range : ranges_) {
    text += (text.empty() ? "" : " || ") + std::string("(") + std::string(field) + " >= " + hex(range.begin) + " && " +
            std::string(field) + " < " + hex(range.end) + ")";
  }
  return text;
}

}  // namespace bh::analysis
