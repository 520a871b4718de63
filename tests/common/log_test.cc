// Log helpers: JSON escaping and the format / level names main() parses.
#include <gtest/gtest.h>

#include "newsflow/common/log.h"

namespace newsflow {
namespace {

struct EscapeCase {
  std::string in, out;
};

class JsonEscapeTest : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(JsonEscapeTest, EscapesWhatJsonRequires) { EXPECT_EQ(JsonEscape(GetParam().in), GetParam().out); }

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonEscapeTest,
    ::testing::Values(EscapeCase{"plain", "plain"}, EscapeCase{"say \"hi\"", "say \\\"hi\\\""},
                      EscapeCase{"back\\slash", "back\\\\slash"}, EscapeCase{"a\nb\rc\td", "a\\nb\\rc\\td"},
                      EscapeCase{std::string("nul\0x", 5), "nul\\u0000x"}, EscapeCase{"\x1f", "\\u001f"},
                      EscapeCase{"Hà Nội، غزة", "Hà Nội، غزة"}, EscapeCase{"", ""}));

TEST(LogNamesTest, ParsesFormatsAndLevels) {
  LogFormat f = LogFormat::kText;
  EXPECT_TRUE(ParseLogFormat("json", &f));
  EXPECT_EQ(f, LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("JSON", &f));
  EXPECT_EQ(f, LogFormat::kJson) << "a failed parse leaves the value alone";
  LogLevel l = LogLevel::kInfo;
  EXPECT_TRUE(ParseLogLevel("warn", &l));
  EXPECT_EQ(l, LogLevel::kWarn);
  EXPECT_FALSE(ParseLogLevel("verbose", &l));
}

}  // namespace
}  // namespace newsflow
