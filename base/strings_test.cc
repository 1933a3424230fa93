#include "base/strings.h"

#include <gtest/gtest.h>

namespace bh {
namespace {

using Words = std::vector<std::string_view>;

TEST(Trim, RemovesBlanksAtTheEndsOnly) {
  EXPECT_EQ(trim(" \t a b \r\n"), "a b");
  EXPECT_EQ(trim(" \n "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim_end("  a b \n"), "  a b");
  EXPECT_EQ(trim_end("\r\n"), "");
}

TEST(SplitLines, KeepsEmptyLinesButNotAFinalNewline) {
  EXPECT_EQ(split_lines("a\n\nb\n"), (Words{"a", "", "b"}));
  EXPECT_EQ(split_lines("a"), (Words{"a"}));
  EXPECT_TRUE(split_lines("").empty());
}

TEST(SplitWords, SplitsOnRunsOfBlanks) {
  EXPECT_EQ(split_words("  kmalloc-64 \t 12  34\n"), (Words{"kmalloc-64", "12", "34"}));
  EXPECT_TRUE(split_words(" \t ").empty());
}

TEST(ToNumber, AcceptsOnlyAWholeUnsignedDecimal) {
  EXPECT_EQ(to_number("4096"), 4096u);
  EXPECT_EQ(to_number("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(to_number(""));
  EXPECT_FALSE(to_number("12k"));
  EXPECT_FALSE(to_number(" 12"));
  EXPECT_FALSE(to_number("-1"));
  EXPECT_FALSE(to_number("18446744073709551616"));
}

}  // namespace
}  // namespace bh
