#include "guest/agent/request_fields.h"

#include <gtest/gtest.h>

namespace bh::agent {
namespace {

TEST(RequestFields, RequiredStringNamesAMissingOrIllTypedField) {
  auto missing = required_string(Json{{"op", "x"}}, "path");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "missing field 'path'");
  auto wrong = required_string(Json{{"path", 3}}, "path");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "field 'path' must be a string");
  EXPECT_EQ(required_string(Json{{"path", "/a"}}, "path").value(), "/a");
}

TEST(RequestFields, OptionalStringDefaultsToEmpty) {
  EXPECT_EQ(optional_string(Json::object(), "stdin").value(), "");
  EXPECT_EQ(optional_string(Json{{"stdin", nullptr}}, "stdin").value(), "");
  EXPECT_FALSE(optional_string(Json{{"stdin", 1}}, "stdin"));
}

TEST(RequestFields, StringListsMustHoldOnlyStrings) {
  EXPECT_EQ(required_string_list(Json{{"argv", {"a", "b"}}}, "argv").value().size(), 2u);
  auto mixed = required_string_list(Json{{"argv", {"a", 1}}}, "argv");
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().message, "field 'argv' must be an array of strings");
  EXPECT_FALSE(required_string_list(Json{{"argv", "ls"}}, "argv"));
  EXPECT_FALSE(required_string_list(Json{{"argv", Json::array()}}, "argv"));
  EXPECT_FALSE(required_string_list(Json::object(), "argv"));
  EXPECT_TRUE(optional_string_list(Json::object(), "args").value().empty());
}

TEST(RequestFields, StringMapsMustHoldOnlyStrings) {
  auto env = optional_string_map(Json{{"env", {{"A", "1"}}}}, "env");
  ASSERT_TRUE(env);
  EXPECT_EQ(env.value().at("A"), "1");
  auto bad = optional_string_map(Json{{"env", {{"A", 1}}}}, "env");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "field 'env' must be an object of strings");
  EXPECT_TRUE(optional_string_map(Json::object(), "env").value().empty());
}

TEST(RequestFields, TimeoutMustBeAPositiveInteger) {
  using std::chrono::milliseconds;
  EXPECT_EQ(request_timeout(Json::object(), milliseconds(60000)).value(), milliseconds(60000));
  EXPECT_EQ(request_timeout(Json{{"timeout_ms", 250}}, milliseconds(1)).value(), milliseconds(250));
  auto zero = request_timeout(Json{{"timeout_ms", 0}}, milliseconds(1));
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message, "field 'timeout_ms' must be a positive integer");
  EXPECT_FALSE(request_timeout(Json{{"timeout_ms", "5"}}, milliseconds(1)));
  EXPECT_FALSE(request_timeout(Json{{"timeout_ms", 1.5}}, milliseconds(1)));
}

TEST(RequestFields, CountsAreNonNegativeIntegers) {
  EXPECT_EQ(optional_count(Json::object(), "n", 7).value(), 7);
  EXPECT_EQ(optional_count(Json{{"n", 0}}, "n", 7).value(), 0);
  EXPECT_FALSE(optional_count(Json{{"n", -1}}, "n", 7));
}

}  // namespace
}  // namespace bh::agent
