// Where articles come from. A source reads its input and hands each article to an ArticleSink;
// input it cannot even turn into an article (a malformed JSON line) is handed over as rejected,
// never dropped. New sources (`watch DIR` with inotify, `feed URL` for RSS/Atom) implement
// ArticleSource and register a subcommand in main.cc; nothing else changes.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "newsflow/common/result.h"
#include "newsflow/ingest/article_parser.h"

namespace newsflow::ingest {

class ArticleSink {
 public:
  virtual ~ArticleSink() = default;
  // One article as read. `raw.bytes` is valid only during the call. False: stop reading
  // (limit reached, shutdown requested, or a fatal error the sink keeps).
  virtual bool Accept(const RawArticle& raw) = 0;
  // Input that is not an article: `reason` is machine-readable ("bad_json"), `source` names where
  // it came from ("jsonl:feed.jsonl:12"). False: stop reading.
  virtual bool Reject(std::string_view reason, std::string_view detail, std::string_view original,
                      std::string_view source) = 0;
};

class ArticleSource {
 public:
  virtual ~ArticleSource() = default;
  // Reads until the input is exhausted or the sink says stop. Errors: the input cannot be
  // opened at all (NotFound / InvalidArgument).
  virtual Status Run(ArticleSink& sink) = 0;
};

struct ReplayOptions {
  bool loop = false;  // start over after the last file (until the sink says stop)
};

// `replay DIR`: every regular file under DIR, recursively, in byte order of the relative path
// (so a run is reproducible), skipping names that start with '.'. One file = one article; its
// path is the url. A file that cannot be read is rejected with reason "unreadable".
std::unique_ptr<ArticleSource> MakeReplaySource(std::filesystem::path dir, ReplayOptions options = {});

// `jsonl FILE|-`: one JSON object per line with "text" or "body" (string), and optionally
// "title", "url", "outlet", "language", "published" (ISO 8601 date or date-time). Blank lines are
// skipped; any other line that is not such an object is rejected with reason "bad_json" and its
// line number. The url defaults to "jsonl:<file>:<line>".
std::unique_ptr<ArticleSource> MakeJsonlSource(std::string path);

// ISO 8601: "2025-11-06", "2025-11-06T10:32:00Z", "2025-11-06T10:32:00.5+07:00" (no offset = UTC).
std::optional<std::chrono::system_clock::time_point> ParseIsoTime(std::string_view s);

}  // namespace newsflow::ingest
