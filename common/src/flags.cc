#include "newsflow/common/flags.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "newsflow/common/batch_loop.h"
#include "newsflow/common/kafka.h"

namespace newsflow {

ArgParser::ArgParser(std::string program, std::string synopsis, std::string description)
    : program_(std::move(program)), synopsis_(std::move(synopsis)), description_(std::move(description)) {}

void ArgParser::AddString(std::string name, std::string* out, std::string help, std::string value_name) {
  flags_.push_back({"--" + name, std::move(value_name), std::move(help), {}, [out](std::string_view v) {
                      *out = std::string(v);
                      return Status::Ok();
                    }});
}

void ArgParser::AddInt(std::string name, int64_t* out, std::string help, std::string value_name) {
  std::string flag = "--" + name;
  flags_.push_back({flag, std::move(value_name), std::move(help), {}, [out, flag](std::string_view v) {
                      int64_t x = 0;
                      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
                      if (ec != std::errc() || p != v.data() + v.size())
                        return Status::InvalidArgument(flag + " expects an integer, got '" + std::string(v) + "'");
                      *out = x;
                      return Status::Ok();
                    }});
}

void ArgParser::AddDouble(std::string name, double* out, std::string help, std::string value_name) {
  std::string flag = "--" + name;
  flags_.push_back({flag, std::move(value_name), std::move(help), {}, [out, flag](std::string_view v) {
                      std::string s(v);
                      char* end = nullptr;
                      double x = std::strtod(s.c_str(), &end);
                      if (s.empty() || end != s.c_str() + s.size())
                        return Status::InvalidArgument(flag + " expects a number, got '" + s + "'");
                      *out = x;
                      return Status::Ok();
                    }});
}

void ArgParser::AddBool(std::string name, bool* out, std::string help) {
  flags_.push_back({"--" + name, "", std::move(help), {}, [out](std::string_view) {
                      *out = true;
                      return Status::Ok();
                    }});
}

void ArgParser::AddRepeated(std::string name, std::vector<std::string>* out, std::string help,
                            std::string value_name) {
  flags_.push_back({"--" + name, std::move(value_name), std::move(help), {}, [out](std::string_view v) {
                      out->emplace_back(v);
                      return Status::Ok();
                    }});
}

void ArgParser::AddKafka(KafkaOptions* out) {
  AddString("brokers", &out->brokers,
            "Kafka bootstrap servers (default: the dev broker's address file, or $NEWSFLOW_BROKERS)",
            "HOST:PORT[,...]");
  flags_.push_back({"-X", "key=value", "librdkafka property, repeatable (e.g. -X security.protocol=SSL)", {},
                    [out](std::string_view v) {
                      auto eq = v.find('=');
                      if (eq == std::string_view::npos || eq == 0)
                        return Status::InvalidArgument("-X expects key=value, got '" + std::string(v) + "'");
                      out->properties.emplace_back(std::string(v.substr(0, eq)), std::string(v.substr(eq + 1)));
                      return Status::Ok();
                    }});
}

void ArgParser::AddLogging(LoggingFlags* out) {
  AddString("log-format", &out->format, "log line format", "FORMAT");
  SetChoices("log-format", {"text", "json"});
  AddString("log-level", &out->level, "lowest level logged", "LEVEL");
  SetChoices("log-level", {"debug", "info", "warn", "error"});
}

void ArgParser::AddBatch(BatchOptions* out, const std::string& unit) {
  flags_.push_back({"--batch-size", "N",
                    unit + " per batch; offsets commit per batch (default " + std::to_string(out->max_messages) + ")",
                    {}, [out](std::string_view v) {
                      int64_t x = 0;
                      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
                      if (ec != std::errc() || p != v.data() + v.size() || x < 1)
                        return Status::InvalidArgument("--batch-size expects an integer >= 1, got '" + std::string(v) + "'");
                      out->max_messages = static_cast<size_t>(x);
                      return Status::Ok();
                    }});
  flags_.push_back({"--batch-ms", "MS",
                    "longest a batch stays open while messages keep arriving, in ms; it closes sooner when nothing more is waiting (default " + std::to_string(out->max_wait.count()) + ")",
                    {}, [out](std::string_view v) {
                      int64_t x = 0;
                      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
                      if (ec != std::errc() || p != v.data() + v.size() || x < 0)
                        return Status::InvalidArgument("--batch-ms expects an integer >= 0, got '" + std::string(v) + "'");
                      out->max_wait = std::chrono::milliseconds(x);
                      return Status::Ok();
                    }});
}

void ArgParser::AddMetricsPort(int* out) {
  flags_.push_back({"--metrics-port", "PORT", "serve Prometheus /metrics and /healthz on this port (-1 off, 0 any)",
                    {}, [out](std::string_view v) {
                      int x = 0;
                      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
                      if (ec != std::errc() || p != v.data() + v.size() || x < -1 || x > 65535)
                        return Status::InvalidArgument("--metrics-port expects -1..65535, got '" + std::string(v) + "'");
                      *out = x;
                      return Status::Ok();
                    }});
}

void ArgParser::SetChoices(const std::string& name, std::vector<std::string> choices) {
  for (auto& f : flags_)
    if (f.name == "--" + name) f.choices = std::move(choices);
}

const ArgParser::Flag* ArgParser::Find(std::string_view name) const {
  for (const auto& f : flags_)
    if (f.name == name) return &f;
  return nullptr;
}

std::string ArgParser::EnvName(const std::string& flag) {
  std::string out = "NEWSFLOW_";
  for (char c : std::string_view(flag).substr(2)) out += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return out;
}

Result<ArgParser::Parsed> ArgParser::Parse(int argc, const char* const* argv) const {
  Parsed out;
  // The environment first, so that the command line overrides it.
  for (const Flag& f : flags_) {
    if (!f.name.starts_with("--")) continue;
    const std::string env = EnvName(f.name);
    const char* v = std::getenv(env.c_str());
    if (v == nullptr || *v == '\0') continue;
    if (f.value_name.empty() && std::string_view(v) != "1" && std::string_view(v) != "true") continue;
    if (!f.choices.empty() && std::find(f.choices.begin(), f.choices.end(), v) == f.choices.end())
      return Status::InvalidArgument(env + " must be one of the values of " + f.name + ", got '" + v + "'");
    if (Status s = f.set(v); !s.ok()) return Status::InvalidArgument(env + ": " + s.message());
  }
  bool only_positional = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (only_positional || arg.size() < 2 || arg[0] != '-' ) {
      out.positional.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (arg.starts_with("--")) {
      if (auto eq = arg.find('='); eq != std::string_view::npos) {
        name = arg.substr(0, eq);
        inline_value = arg.substr(eq + 1);
      }
    } else if (arg.starts_with("-X") && arg.size() > 2) {  // -Xkey=value
      name = "-X";
      inline_value = arg.substr(2);
    }
    const Flag* f = Find(name);
    if (f == nullptr) return Status::InvalidArgument("unknown flag '" + std::string(name) + "'");
    std::string_view value;
    if (f->value_name.empty()) {
      if (inline_value) return Status::InvalidArgument(std::string(name) + " takes no value");
    } else if (inline_value) {
      value = *inline_value;
    } else {
      if (i + 1 >= argc) return Status::InvalidArgument(std::string(name) + " needs a value (" + f->value_name + ")");
      value = argv[++i];
    }
    if (!f->choices.empty() && std::find(f->choices.begin(), f->choices.end(), value) == f->choices.end()) {
      std::string list;
      for (const auto& c : f->choices) list += (list.empty() ? "" : ", ") + c;
      return Status::InvalidArgument(std::string(name) + " must be one of " + list + ", got '" + std::string(value) + "'");
    }
    if (Status s = f->set(value); !s.ok()) return s;
  }
  return out;
}

std::string ArgParser::Usage() const {
  std::ostringstream o;
  o << "usage: " << program_ << " " << synopsis_ << "\n";
  if (!description_.empty()) o << "\n" << description_ << "\n";
  o << "\noptions:\n";
  for (const auto& f : flags_) {
    std::string left = "  " + f.name + (f.value_name.empty() ? "" : " " + f.value_name);
    o << left;
    if (left.size() < 30) o << std::string(30 - left.size(), ' ');
    else o << "\n" << std::string(30, ' ');
    o << f.help;
    if (!f.choices.empty()) {
      o << " (";
      for (size_t i = 0; i < f.choices.size(); ++i) o << (i ? "|" : "") << f.choices[i];
      o << ")";
    }
    o << "\n";
  }
  o << "  -h, --help                  show this help and exit\n";
  o << "\nevery --flag can also be set in the environment as NEWSFLOW_FLAG (--batch-size: NEWSFLOW_BATCH_SIZE);\n"
       "the command line wins.\n";
  return o.str();
}

int ArgParser::ParseOrExit(int argc, const char* const* argv, std::vector<std::string>* positional) const {
  auto parsed = Parse(argc, argv);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s: %s (try --help)\n", program_.c_str(), parsed.status().message().c_str());
    return 2;
  }
  if (parsed->help) {
    std::fputs(Usage().c_str(), stdout);
    return 0;
  }
  if (positional) *positional = std::move(parsed->positional);
  return -1;
}

}  // namespace newsflow
