#include "protocol/message_fields.h"

#include <gtest/gtest.h>

namespace bh::protocol {
namespace {

TEST(MessageFields, RequiredStringNamesAMissingOrIllTypedField) {
  auto missing = required_string(Json{{"op", "x"}}, "path");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "missing field 'path'");
  auto wrong = required_string(Json{{"path", 3}}, "path");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "field 'path' must be a string");
  EXPECT_EQ(required_string(Json{{"path", "/a"}}, "path").value(), "/a");
}

TEST(MessageFields, OptionalStringDefaultsToEmpty) {
  EXPECT_EQ(optional_string(Json::object(), "stdin").value(), "");
  EXPECT_EQ(optional_string(Json{{"stdin", nullptr}}, "stdin").value(), "");
  EXPECT_FALSE(optional_string(Json{{"stdin", 1}}, "stdin"));
}

TEST(MessageFields, StringListsMustHoldOnlyStrings) {
  EXPECT_EQ(required_string_list(Json{{"argv", {"a", "b"}}}, "argv").value().size(), 2u);
  auto mixed = required_string_list(Json{{"argv", {"a", 1}}}, "argv");
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().message, "field 'argv' must be an array of strings");
  EXPECT_FALSE(required_string_list(Json{{"argv", "ls"}}, "argv"));
  EXPECT_FALSE(required_string_list(Json{{"argv", Json::array()}}, "argv"));
  EXPECT_FALSE(required_string_list(Json::object(), "argv"));
  EXPECT_TRUE(optional_string_list(Json::object(), "args").value().empty());
}

TEST(MessageFields, StringMapsMustHoldOnlyStrings) {
  auto env = optional_string_map(Json{{"env", {{"A", "1"}}}}, "env");
  ASSERT_TRUE(env);
  EXPECT_EQ(env.value().at("A"), "1");
  auto bad = optional_string_map(Json{{"env", {{"A", 1}}}}, "env");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "field 'env' must be an object of strings");
  EXPECT_TRUE(optional_string_map(Json::object(), "env").value().empty());
}

TEST(MessageFields, TimeoutMustBeAPositiveInteger) {
  using std::chrono::milliseconds;
  EXPECT_EQ(request_timeout(Json::object(), milliseconds(60000)).value(), milliseconds(60000));
  EXPECT_EQ(request_timeout(Json{{"timeout_ms", 250}}, milliseconds(1)).value(), milliseconds(250));
  auto zero = request_timeout(Json{{"timeout_ms", 0}}, milliseconds(1));
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message, "field 'timeout_ms' must be a positive integer");
  EXPECT_FALSE(request_timeout(Json{{"timeout_ms", "5"}}, milliseconds(1)));
  EXPECT_FALSE(request_timeout(Json{{"timeout_ms", 1.5}}, milliseconds(1)));
}

TEST(MessageFields, CountsAreNonNegativeIntegers) {
  EXPECT_EQ(optional_count(Json::object(), "n", 7).value(), 7);
  EXPECT_EQ(optional_count(Json{{"n", 0}}, "n", 7).value(), 0);
  EXPECT_FALSE(optional_count(Json{{"n", -1}}, "n", 7));
}

TEST(MessageFields, OptionalBoolRefusesOtherTypes) {
  EXPECT_TRUE(optional_bool(Json::object(), "ok", true).value());
  EXPECT_FALSE(optional_bool(Json{{"ok", false}}, "ok", true).value());
  auto wrong = optional_bool(Json{{"ok", "yes"}}, "ok", false);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "field 'ok' must be a boolean");
  EXPECT_FALSE(optional_bool(Json{{"ok", 1}}, "ok", false));
}

TEST(MessageFields, OptionalIntTakesOnlyIntegersThatFitAnInt) {
  EXPECT_EQ(optional_int(Json::object(), "exit_code", -1).value(), -1);
  EXPECT_EQ(optional_int(Json{{"exit_code", -9}}, "exit_code", 0).value(), -9);
  EXPECT_EQ(optional_int(Json{{"exit_code", 2147483647}}, "exit_code", 0).value(), 2147483647);
  auto wrong = optional_int(Json{{"exit_code", "0"}}, "exit_code", 0);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "field 'exit_code' must be an integer that fits an int");
  EXPECT_FALSE(optional_int(Json{{"exit_code", 2147483648u}}, "exit_code", 0));
  EXPECT_FALSE(optional_int(Json{{"exit_code", -2147483649LL}}, "exit_code", 0));
  EXPECT_FALSE(optional_int(Json{{"exit_code", 1.5}}, "exit_code", 0));
}

TEST(MessageFields, OptionalNumberTakesAnyNumber) {
  EXPECT_EQ(optional_number(Json{{"uptime_s", 2}}, "uptime_s", 0).value(), 2.0);
  EXPECT_EQ(optional_number(Json{{"uptime_s", 1.5}}, "uptime_s", 0).value(), 1.5);
  EXPECT_FALSE(optional_number(Json{{"uptime_s", "1.5"}}, "uptime_s", 0));
}

TEST(MessageFields, OptionalObjectAndArrayCheckTheirType) {
  EXPECT_EQ(optional_object(Json::object(), "files").value(), Json::object());
  EXPECT_EQ(optional_object(Json{{"files", {{"a", "b"}}}}, "files").value(), (Json{{"a", "b"}}));
  auto wrong = optional_object(Json{{"files", Json::array()}}, "files");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "field 'files' must be an object");
  EXPECT_EQ(optional_array(Json{{"samples", nullptr}}, "samples").value(), Json::array());
  EXPECT_FALSE(optional_array(Json{{"samples", 3}}, "samples"));
}

TEST(MessageFields, AnswerOutcomeIsTheAnswerOrTheGuestsError) {
  EXPECT_EQ(answer_outcome("exec", Json{{"id", 1}, {"ok", true}}).value(), (Json{{"id", 1}, {"ok", true}}));
  auto refused = answer_outcome("write_file", Json{{"ok", false}, {"error", "EINVAL"}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "guest agent: write_file: EINVAL");
  EXPECT_EQ(answer_outcome("exec", Json{{"ok", false}}).error().message, "guest agent: exec: unknown error");
}

TEST(MessageFields, AnswerOutcomeNamesAnIllTypedOkOrError) {
  auto ok = answer_outcome("exec", Json{{"ok", "yes"}});
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().message, "guest agent: exec: answer's field 'ok' must be a boolean");
  auto error = answer_outcome("exec", Json{{"ok", false}, {"error", 5}});
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().message, "guest agent: exec: answer's field 'error' must be a string");
}

TEST(MessageFields, CompressionIsLz4OrNothing) {
  EXPECT_FALSE(wants_lz4(Json::object()).value());
  EXPECT_TRUE(wants_lz4(Json{{"compression", "lz4"}}).value());
  EXPECT_EQ(wants_lz4(Json{{"compression", "zip"}}).error().message,
            "field 'compression' must be \"lz4\" or absent, not \"zip\"");
  EXPECT_FALSE(wants_lz4(Json{{"compression", 4}}));
}

}  // namespace
}  // namespace bh::protocol
