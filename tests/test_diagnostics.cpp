// What error messages echo of their input: bounded in length and in number, and a duplicated
// key shown as the file writes it.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "core/config/diagnostics.hpp"
#include "core/support/errors.hpp"

using namespace neohebb;

namespace {

std::string parse_error_of(const std::string& text) {
  try {
    const toml::table parsed = toml::parse(std::string_view{text}, std::string_view{"f.toml"});
    return "parsed: " + std::to_string(parsed.size()) + " keys";
  } catch (const toml::parse_error& err) {
    return core::parse_error_message(err, text, "f.toml");
  }
}

}  // namespace

TEST(BoundedText, ShortTextIsUnchanged) {
  const std::string text = "f.toml:1:1: 'x' = \"abc\" for task 'dnms' must be one of \"a\", \"b\"";
  EXPECT_EQ(core::bounded_text(text), text);
  EXPECT_EQ(core::bounded_text(""), "");
  EXPECT_EQ(core::bounded_text("a\n  note: b\n"), "a\n  note: b\n");
}

TEST(BoundedText, ALongWordKeepsItsStartAndEndAndSaysItsLength) {
  const std::string value = "\"" + std::string(1000, 'x') + "\"";
  EXPECT_EQ(core::bounded_text("'v' = " + value + " is wrong"),
            "'v' = \"" + std::string(144, 'x') + "…" + std::string(35, 'x') +
                "\" (1002 characters) is wrong");
  EXPECT_EQ(core::bounded_text(std::string(200, 'y')), std::string(200, 'y'));
}

TEST(BoundedText, NeverCutsACharacterInHalf) {
  const std::string word = std::string(300, 'a') + "é" + std::string(300, 'b');  // 601 characters
  const std::string out = core::bounded_text(word);
  EXPECT_EQ(out, std::string(146, 'a') + "…" + std::string(36, 'b') + " (601 characters)");
  EXPECT_EQ(core::bounded_text(out), out);  // bounded once is bounded
  const std::string accents = [] {
    std::string s;
    for (int i = 0; i < 300; ++i) s += "é";
    return s;
  }();
  const std::string bounded = core::bounded_text(accents);
  EXPECT_EQ(bounded, accents.substr(0, 292) + "…" + accents.substr(528) + " (300 characters)");
}

TEST(BoundedText, ALongLineOfShortWordsIsShortenedToo) {
  std::string line;
  for (int i = 0; i < 1000; ++i) line += "ab ";
  const std::string out = core::bounded_text("first\n" + line + "\nlast");
  EXPECT_EQ(out.substr(0, 6), "first\n");
  EXPECT_NE(out.find("…"), std::string::npos) << out;
  EXPECT_EQ(core::bounded_text(out), out);
  EXPECT_NE(out.find(" (3000 characters)\nlast"), std::string::npos) << out;
  EXPECT_LT(out.size(), 700u);
}

TEST(CappedMessages, TheFirstTwentyThenHowManyMore) {
  std::vector<std::string> many(1000000, "f.toml:1:1: the same mistake");
  const auto capped = core::capped_messages(many);
  ASSERT_EQ(capped.size(), 21u);
  EXPECT_EQ(capped[19], many[0]);
  EXPECT_EQ(capped[20], "... and 999980 more errors");
  // One more than twenty is shown: the count would take its line.
  EXPECT_EQ(core::capped_messages(std::vector<std::string>(21, "e")).size(), 21u);
  EXPECT_EQ(core::capped_messages(std::vector<std::string>(22, "e")).back(),
            "... and 2 more errors");
}

TEST(Diagnostics, BoundsEveryMessageAndCapsTheirNumber) {
  core::Diagnostics d("f.toml");
  for (int i = 0; i < 100; ++i)
    d.error(core::SourcePosition{"f.toml", i + 1, 1}, std::string(5000, 'z'));
  EXPECT_EQ(d.messages().size(), 100u);  // every one counts: callers compare counts
  EXPECT_LT(d.messages()[0].size(), 300u);
  try {
    d.throw_if_any();
    FAIL() << "no ConfigError";
  } catch (const core::ConfigError& e) {
    ASSERT_EQ(e.messages().size(), 21u);
    EXPECT_EQ(e.messages()[20], "... and 80 more errors");
  }
}

TEST(ParseErrorMessage, ADuplicatedQuotedKeyIsShownAsWritten) {
  EXPECT_EQ(parse_error_of("\"a b\" = 1\n\"a b\" = 2\n"),
            "f.toml:2:9: Error while parsing key-value pair: cannot redefine existing integer "
            "'\"a b\"'");
  EXPECT_EQ(parse_error_of("[t]\n'lit' = 1\n  'lit'   = 2\n"),
            "f.toml:3:13: Error while parsing key-value pair: cannot redefine existing integer "
            "''lit''");
  EXPECT_EQ(parse_error_of("\"k\\u0041\\\"z\" = 1\n\"k\\u0041\\\"z\" = 2\n"),
            "f.toml:2:16: Error while parsing key-value pair: cannot redefine existing integer "
            "'\"k\\u0041\\\"z\"'");
  EXPECT_EQ(parse_error_of("x.\"a b\".c = 1\nx.\"a b\".c = 2\n"),
            "f.toml:2:13: Error while parsing key-value pair: cannot redefine existing integer "
            "'x.\"a b\".c'");
  EXPECT_EQ(parse_error_of("t = {\"a=b\" = 1, s = \"x, y = z\", \"a=b\" = 2}\n"),
            "f.toml:1:41: Error while parsing key-value pair: cannot redefine existing integer "
            "'\"a=b\"'");
  EXPECT_EQ(parse_error_of("[\"a b\"]\n[\"a b\"]\n"),
            "f.toml:2:1: Error while parsing table header: cannot redefine existing table "
            "'\"a b\"'");
  EXPECT_EQ(parse_error_of("a = 1\n[a]\n"),
            "f.toml:2:1: Error while parsing table header: cannot redefine existing integer 'a' "
            "as table");
}

TEST(ParseErrorMessage, OtherErrorsAreTomlsOwnBounded) {
  EXPECT_EQ(parse_error_of("a = \n"),
            "f.toml:1:5: Error while parsing key-value pair: expected value, saw '\\n'");
  const std::string key(100000, 'k');
  const std::string message = parse_error_of(key + " = 1\n" + key + " = 2\n");
  EXPECT_LT(message.size(), 400u);
  EXPECT_NE(message.find("(100002 characters)"), std::string::npos) << message;
}
