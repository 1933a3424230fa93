#pragma once
/// Text made safe inside HTML and XML (report.html, compare.html, junit.xml): one escaping
/// routine, two dialects.

#include <string>
#include <string_view>

namespace bh::analysis {

/// Which document the escaped text goes into.
enum class Markup {
  kHtml,  ///< HTML text and quoted attributes: & < > " ' escaped, everything else kept
  kXml    ///< XML 1.0: the same, plus line breaks and tabs as character references (so
          ///< attributes keep them) and other control characters, which XML 1.0 cannot
          ///< carry, replaced by U+FFFD
};

/// `text` escaped for `markup`.
std::string escape_markup(std::string_view text, Markup markup);

/// escape_markup(text, Markup::kHtml).
inline std::string html_escape(std::string_view text) { return escape_markup(text, Markup::kHtml); }

/// escape_markup(text, Markup::kXml).
inline std::string xml_escape(std::string_view text) { return escape_markup(text, Markup::kXml); }

}  // namespace bh::analysis
