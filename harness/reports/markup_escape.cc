#include "harness/reports/markup_escape.h"

namespace bh::analysis {
namespace {

/// The entity for `c` in `markup`, or nullptr when `c` stays as it is.
const char* entity(char c, Markup markup) {
  const bool xml = markup == Markup::kXml;
  switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return xml ? "&apos;" : "&#39;";
    case '\n': return xml ? "&#10;" : nullptr;
    case '\r': return xml ? "&#13;" : nullptr;
    case '\t': return xml ? "&#9;" : nullptr;
    default:
      // U+FFFD: XML 1.0 has no way to write the other control characters.
      return xml && static_cast<unsigned char>(c) < 0x20 ? "\xEF\xBF\xBD" : nullptr;
  }
}

}  // namespace

std::string escape_markup(std::string_view text, Markup markup) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (const char* replacement = entity(c, markup)) {
      out += replacement;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace bh::analysis
