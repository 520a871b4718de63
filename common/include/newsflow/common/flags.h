// Command-line parsing shared by every binary: typed flags, `--help`, and one-line errors.
// Accepts `--name value`, `--name=value`, boolean `--name`, and `-X key=value` (kcat style).
// Every `--some-flag` can also come from the environment as NEWSFLOW_SOME_FLAG (for containers);
// the command line wins over the environment.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"

namespace newsflow {

struct KafkaOptions;
struct BatchOptions;

// What --log-format and --log-level set.
struct LoggingFlags {
  std::string format = "text";  // text | json
  std::string level = "info";   // debug | info | warn | error
};

class ArgParser {
 public:
  // `program` names the binary in messages; `synopsis` is the usage line(s) after it.
  ArgParser(std::string program, std::string synopsis, std::string description = "");

  void AddString(std::string name, std::string* out, std::string help, std::string value_name = "VALUE");
  void AddInt(std::string name, int64_t* out, std::string help, std::string value_name = "N");
  void AddDouble(std::string name, double* out, std::string help, std::string value_name = "X");
  void AddBool(std::string name, bool* out, std::string help);
  void AddRepeated(std::string name, std::vector<std::string>* out, std::string help,
                   std::string value_name = "VALUE");
  // `--brokers HOST:PORT[,...]` and `-X key=value` (any librdkafka property, repeatable).
  void AddKafka(KafkaOptions* out);
  // `--log-format text|json` and `--log-level debug|info|warn|error`; see ApplyLogging (log.h).
  void AddLogging(LoggingFlags* out);
  // `--batch-size N` (>= 1) and `--batch-ms MS` (>= 0) of a consumer's BatchOptions.
  void AddBatch(BatchOptions* out, const std::string& unit = "messages");
  // `--metrics-port PORT`: serve /metrics and /healthz (-1 off, 0 any free port).
  void AddMetricsPort(int* out);
  // Restricts a string flag to a set of values (checked at parse time).
  void SetChoices(const std::string& name, std::vector<std::string> choices);

  struct Parsed {
    bool help = false;                    // --help / -h was given: print Usage() and exit 0
    std::vector<std::string> positional;  // arguments that are not flags, in order
  };
  // Parses argv[1..]. An unknown flag, a missing or malformed value gives InvalidArgument with a
  // one-line message.
  Result<Parsed> Parse(int argc, const char* const* argv) const;
  std::string Usage() const;
  const std::string& program() const { return program_; }

  // Standard handling for a thin main(): on --help prints usage and returns 0; on error prints
  // "<program>: <message> (try --help)" to stderr and returns 2; otherwise returns -1 and fills
  // `positional`.
  int ParseOrExit(int argc, const char* const* argv, std::vector<std::string>* positional) const;

 public:
  // NEWSFLOW_<NAME> for "--name" ("--dead-letter-topic" -> NEWSFLOW_DEAD_LETTER_TOPIC).
  static std::string EnvName(const std::string& flag);

 private:
  struct Flag {
    std::string name;        // "--brokers" or "-X"
    std::string value_name;  // empty for booleans
    std::string help;
    std::vector<std::string> choices;
    std::function<Status(std::string_view)> set;
  };
  const Flag* Find(std::string_view name) const;

  std::string program_, synopsis_, description_;
  std::vector<Flag> flags_;
};

}  // namespace newsflow
