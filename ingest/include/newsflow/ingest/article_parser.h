// Turns raw article text into a normalized, identified Article: NFC, title, publication date,
// outlet, language, stable id. Shared by every source; no I/O after Create().
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "newsflow/common/result.h"
#include "newsflow/v1/article.pb.h"

namespace newsflow::ingest {

struct RawArticle {
  std::string_view bytes;   // file content / JSON "text" field, as read
  std::string url;          // path or link it came from
  v1::Origin origin = v1::ORIGIN_UNSPECIFIED;
  std::chrono::system_clock::time_point ingested_at;  // the ingest clock
  // Optional metadata a source already knows (JSONL / feed fields); empty = detect from text.
  std::string title, outlet, language;
  std::optional<std::chrono::system_clock::time_point> published_at;
};

// A detected language: ISO 639-1 code ("vi", "ar", "en") or "und" when the evidence does not
// single one out, with a confidence in [0, 1] (0 for "und").
struct LanguageGuess {
  std::string code = "und";
  float confidence = 0;
};

struct ParserLimits {
  size_t max_bytes = 4 * 1024 * 1024;  // larger articles are rejected (dead-lettered), not truncated
};

class ArticleParser {
 public:
  // Loads the per-language cues (language-detection profiles, outlet and publication-date markers)
  // from kb_dir/lang/<lang>/article.json. InvalidArgument on malformed data files.
  static Result<std::unique_ptr<ArticleParser>> Create(const std::filesystem::path& kb_dir, ParserLimits limits = {});
  ~ArticleParser();

  // DataLoss with a reason ("invalid_utf8: ...", "empty_body", "too_large: ...") for input that
  // cannot become an article; the caller dead-letters the raw bytes with that reason.
  // Deterministic: the id depends only on the normalized title and body.
  Result<v1::Article> Parse(const RawArticle& raw) const;

  // The language of NFC UTF-8 `text` (what Parse puts in Article.language). O(n), first 64 KiB.
  LanguageGuess DetectLanguage(std::string_view text) const;

 private:
  // Only Create() can name the tag (its explicit constructor also rules out `{}`), yet
  // std::make_unique can call the public constructor below.
  struct CreateTag {
    explicit CreateTag() = default;
  };

 public:
  explicit ArticleParser(CreateTag);

 private:
  ArticleParser();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsflow::ingest
