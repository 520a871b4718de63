#include "newsflow/common/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "newsflow/common/flags.h"

namespace newsflow {
namespace {
struct LogSettings {
  std::string component = "newsflow";
  LogFormat format = LogFormat::kText;
  LogLevel min_level = LogLevel::kInfo;
};
LogSettings& Settings() {
  static LogSettings s;
  return s;
}
std::mutex& Mutex() {
  static std::mutex m;
  return m;
}
const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}
std::string Now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}
bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (unsigned char c : v)
    if (c <= ' ' || c == '"' || c == '=') return true;
  return false;
}
}  // namespace

void ConfigureLogging(std::string_view component, LogFormat format, LogLevel min_level) {
  Settings() = {std::string(component), format, min_level};
}

void ApplyLogging(std::string_view component, const LoggingFlags& flags) {
  LogFormat format = LogFormat::kText;
  LogLevel level = LogLevel::kInfo;
  ParseLogFormat(flags.format, &format);
  ParseLogLevel(flags.level, &level);
  ConfigureLogging(component, format, level);
}

bool ParseLogFormat(std::string_view s, LogFormat* out) {
  if (s == "text") *out = LogFormat::kText;
  else if (s == "json") *out = LogFormat::kJson;
  else return false;
  return true;
}

bool ParseLogLevel(std::string_view s, LogLevel* out) {
  if (s == "debug") *out = LogLevel::kDebug;
  else if (s == "info") *out = LogLevel::kInfo;
  else if (s == "warn") *out = LogLevel::kWarn;
  else if (s == "error") *out = LogLevel::kError;
  else return false;
  return true;
}

std::string JsonEscape(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\r': o += "\\r"; break;
      case '\t': o += "\\t"; break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          o += b;
        } else {
          o += static_cast<char>(c);
        }
    }
  }
  return o;
}

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  const LogSettings& s = Settings();
  if (level < s.min_level) return;
  std::string line;
  if (s.format == LogFormat::kJson) {
    line = "{\"ts\":\"" + Now() + "\",\"level\":\"" + LevelName(level) + "\",\"component\":\"" +
           JsonEscape(s.component) + "\",\"event\":\"" + JsonEscape(event) + "\"";
    for (const auto& [k, v] : fields) line += ",\"" + JsonEscape(k) + "\":\"" + JsonEscape(v) + "\"";
    line += "}\n";
  } else {
    line = Now() + " " + LevelName(level) + " " + s.component + " " + std::string(event);
    // Appended piece by piece: `" " + std::string(k)` trips GCC 12's false -Wrestrict at -O3.
    for (const auto& [k, v] : fields) {
      line.append(" ").append(k).append("=");
      if (NeedsQuotes(v)) line.append("\"").append(JsonEscape(v)).append("\"");
      else line.append(v);
    }
    line += "\n";
  }
  std::lock_guard lock(Mutex());
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace newsflow
