// ArgParser: typed flags, both value spellings, -X properties, choices, and one-line errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "newsflow/common/flags.h"
#include "newsflow/common/kafka.h"

namespace newsflow {
namespace {

struct Parsed {
  std::string name = "default";
  int64_t count = 7;
  double ratio = 0.5;
  bool verbose = false;
  std::vector<std::string> tags;
  std::string format = "text";
  KafkaOptions kafka;
};

class FlagsTest : public ::testing::Test {
 protected:
  FlagsTest() : parser_("prog", "[options] ARG", "A test program.") {
    parser_.AddString("name", &p_.name, "a name");
    parser_.AddInt("count", &p_.count, "a count");
    parser_.AddDouble("ratio", &p_.ratio, "a ratio");
    parser_.AddBool("verbose", &p_.verbose, "talk more");
    parser_.AddRepeated("tag", &p_.tags, "a tag, repeatable");
    parser_.AddString("format", &p_.format, "output format");
    parser_.SetChoices("format", {"text", "json"});
    parser_.AddKafka(&p_.kafka);
  }
  Result<ArgParser::Parsed> Parse(std::vector<const char*> args) {
    args.insert(args.begin(), "prog");
    return parser_.Parse(static_cast<int>(args.size()), args.data());
  }
  ArgParser parser_;
  Parsed p_;
};

TEST_F(FlagsTest, KeepsDefaultsWhenNothingIsGiven) {
  auto r = Parse({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(p_.name, "default");
  EXPECT_EQ(p_.count, 7);
  EXPECT_FALSE(p_.verbose);
  EXPECT_FALSE(r->help);
}

TEST_F(FlagsTest, AcceptsSeparateAndInlineValuesAndKeepsPositionalsInOrder) {
  auto r = Parse({"first", "--name", "x", "--count=-3", "--ratio", "2.5", "--verbose", "--tag", "a", "--tag=b",
                  "second", "--format=json"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(p_.name, "x");
  EXPECT_EQ(p_.count, -3);
  EXPECT_DOUBLE_EQ(p_.ratio, 2.5);
  EXPECT_TRUE(p_.verbose);
  EXPECT_EQ(p_.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p_.format, "json");
  EXPECT_EQ(r->positional, (std::vector<std::string>{"first", "second"}));
}

TEST_F(FlagsTest, ValueMayContainEqualsAndStartWithDash) {
  auto r = Parse({"--name", "-dashy", "--tag=k=v"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(p_.name, "-dashy");
  EXPECT_EQ(p_.tags, (std::vector<std::string>{"k=v"}));
}

TEST_F(FlagsTest, DoubleDashEndsFlags) {
  auto r = Parse({"--", "--name", "-"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(p_.name, "default");
  EXPECT_EQ(r->positional, (std::vector<std::string>{"--name", "-"}));
}

TEST_F(FlagsTest, KafkaBrokersAndRepeatedProperties) {
  auto r = Parse({"--brokers", "h1:9092,h2:9092", "-X", "acks=1", "-Xlinger.ms=10", "-X", "sasl.password=a=b"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(p_.kafka.brokers, "h1:9092,h2:9092");
  using KV = std::pair<std::string, std::string>;
  EXPECT_EQ(p_.kafka.properties,
            (std::vector<KV>{{"acks", "1"}, {"linger.ms", "10"}, {"sasl.password", "a=b"}}));
}

// Sets an environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST_F(FlagsTest, FlagsComeFromTheEnvironmentAndTheCommandLineWins) {
  ScopedEnv count("NEWSFLOW_COUNT", "42");
  ScopedEnv name("NEWSFLOW_NAME", "from-env");
  ScopedEnv verbose("NEWSFLOW_VERBOSE", "true");
  auto r = Parse({"--name", "from-flag"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(p_.count, 42);
  EXPECT_EQ(p_.name, "from-flag");
  EXPECT_TRUE(p_.verbose);
  EXPECT_EQ(ArgParser::EnvName("--dead-letter-topic"), "NEWSFLOW_DEAD_LETTER_TOPIC");
}

TEST_F(FlagsTest, ABadValueInTheEnvironmentNamesTheVariable) {
  {
    ScopedEnv count("NEWSFLOW_COUNT", "many");
    auto r = Parse({});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("NEWSFLOW_COUNT"), std::string::npos) << r.status().message();
  }
  ScopedEnv format("NEWSFLOW_FORMAT", "xml");
  auto r = Parse({});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("NEWSFLOW_FORMAT"), std::string::npos) << r.status().message();
}

TEST_F(FlagsTest, HelpIsReportedNotAnError) {
  auto r = Parse({"--count", "1", "-h"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->help);
  const std::string usage = parser_.Usage();
  EXPECT_NE(usage.find("usage: prog [options] ARG"), std::string::npos);
  EXPECT_NE(usage.find("--format VALUE"), std::string::npos);
  EXPECT_NE(usage.find("(text|json)"), std::string::npos);
}

struct BadArgs {
  const char* name;
  std::vector<const char*> args;
  const char* error;
};

class FlagsErrorTest : public FlagsTest, public ::testing::WithParamInterface<BadArgs> {};

TEST_P(FlagsErrorTest, GivesOneLineInvalidArgument) {
  auto r = Parse(GetParam().args);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), GetParam().error);
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FlagsErrorTest,
    ::testing::Values(
        BadArgs{"UnknownFlag", {"--nmae", "x"}, "unknown flag '--nmae'"},
        BadArgs{"MissingValue", {"--name"}, "--name needs a value (VALUE)"},
        BadArgs{"NotAnInteger", {"--count", "3x"}, "--count expects an integer, got '3x'"},
        BadArgs{"EmptyInteger", {"--count="}, "--count expects an integer, got ''"},
        BadArgs{"IntegerOverflow", {"--count", "99999999999999999999"},
                "--count expects an integer, got '99999999999999999999'"},
        BadArgs{"NotANumber", {"--ratio", "fast"}, "--ratio expects a number, got 'fast'"},
        BadArgs{"BoolWithValue", {"--verbose=yes"}, "--verbose takes no value"},
        BadArgs{"NotAChoice", {"--format", "xml"}, "--format must be one of text, json, got 'xml'"},
        BadArgs{"PropertyWithoutEquals", {"-X", "acks"}, "-X expects key=value, got 'acks'"},
        BadArgs{"PropertyWithoutKey", {"-X=1"}, "-X expects key=value, got '=1'"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace newsflow
