// Structured logging: one line per event of note, as `key=value` text or JSON (`--log-format json`).
// Lines go to stderr; stdout stays free for a program's output.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace newsflow {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kText, kJson };

// Process-wide settings, set once by main() before any thread starts.
void ConfigureLogging(std::string_view component, LogFormat format, LogLevel min_level);
// Parses "text" / "json".
bool ParseLogFormat(std::string_view s, LogFormat* out);
bool ParseLogLevel(std::string_view s, LogLevel* out);

struct LoggingFlags;
// ConfigureLogging from --log-format / --log-level (already validated by the parser).
void ApplyLogging(std::string_view component, const LoggingFlags& flags);

using LogField = std::pair<std::string_view, std::string>;
// Writes one line: time, level, component, event, then the fields. Thread-safe.
void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

// JSON string escaping (also used by the metrics and the CLI printers).
std::string JsonEscape(std::string_view s);

}  // namespace newsflow
