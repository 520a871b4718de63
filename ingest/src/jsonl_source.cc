#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "newsflow/common/log.h"
#include "newsflow/common/shutdown.h"
#include "newsflow/ingest/source.h"

namespace newsflow::ingest {
namespace {

using nlohmann::json;

// Reads an optional string field; false when it is present but not a string.
bool OptionalString(const json& obj, const char* key, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

class JsonlSource : public ArticleSource {
 public:
  explicit JsonlSource(std::string path) : path_(std::move(path)) {}

  Status Run(ArticleSink& sink) override {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path_ != "-") {
      file.open(path_, std::ios::binary);
      if (!file) return Status::NotFound("cannot open " + path_);
      in = &file;
    }
    std::string line;
    for (int64_t number = 1; std::getline(*in, line); ++number) {
      if (ShutdownRequested()) return Status::Ok();
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      if (!Line(line, number, sink)) return Status::Ok();
    }
    if (in->bad()) return Status::Unavailable("read error on " + path_);
    return Status::Ok();
  }

 private:
  bool Line(const std::string& line, int64_t number, ArticleSink& sink) const {
    const std::string where = "jsonl:" + path_ + ":" + std::to_string(number);
    auto reject = [&](const std::string& why) {
      return sink.Reject("bad_json", "line " + std::to_string(number) + ": " + why, line, where);
    };
    // No exceptions: a malformed line is data, not a failure of the program.
    const json obj = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (obj.is_discarded()) return reject("not valid JSON");
    if (!obj.is_object()) return reject("not a JSON object");
    if (!obj.contains("text") && !obj.contains("body")) return reject("no \"text\" or \"body\"");
    std::string text, body, published;
    if (!OptionalString(obj, "text", &text) || !OptionalString(obj, "body", &body))
      return reject("\"text\" and \"body\" must be strings");
    if (text.empty()) text = std::move(body);  // an empty text goes on and is dead-lettered as empty_body
    RawArticle raw;
    if (!OptionalString(obj, "title", &raw.title) || !OptionalString(obj, "url", &raw.url) ||
        !OptionalString(obj, "outlet", &raw.outlet) || !OptionalString(obj, "language", &raw.language) ||
        !OptionalString(obj, "published", &published))
      return reject("title, url, outlet, language and published must be strings");
    if (!published.empty()) {
      raw.published_at = ParseIsoTime(published);
      if (!raw.published_at)
        Log(LogLevel::kWarn, "jsonl_bad_published", {{"where", where}, {"published", published}});
    }
    if (raw.url.empty()) raw.url = where;
    raw.bytes = text;
    raw.origin = v1::ORIGIN_JSONL;
    return sink.Accept(raw);
  }

  std::string path_;
};

}  // namespace

std::unique_ptr<ArticleSource> MakeJsonlSource(std::string path) { return std::make_unique<JsonlSource>(std::move(path)); }

}  // namespace newsflow::ingest
