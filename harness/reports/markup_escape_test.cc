#include "harness/reports/markup_escape.h"

#include <gtest/gtest.h>

namespace bh::analysis {
namespace {

TEST(EscapeMarkup, HtmlKeepsLineBreaksAndControlCharacters) {
  EXPECT_EQ(escape_markup("a<b>&\"c'\n\t\x01", Markup::kHtml), "a&lt;b&gt;&amp;&quot;c&#39;\n\t\x01");
}

TEST(EscapeMarkup, XmlWritesLineBreaksAsReferencesAndReplacesOtherControls) {
  EXPECT_EQ(escape_markup("'\r\n\t\x1f", Markup::kXml), "&apos;&#13;&#10;&#9;\xEF\xBF\xBD");
  EXPECT_EQ(escape_markup("plain text", Markup::kXml), "plain text");
}

}  // namespace
}  // namespace bh::analysis
