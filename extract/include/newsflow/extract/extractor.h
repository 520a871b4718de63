// The extraction engine: one Article in, its entities and events out.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/v1/article.pb.h"
#include "newsflow/v1/event.pb.h"

namespace newsflow::extract {

struct ExtractorOptions {
  std::filesystem::path kb_dir = "kb";  // knowledge base and language data
};

struct Extraction {
  v1::ArticleExtraction article;  // article, entities, event ids, version
  std::vector<v1::Event> events;  // one per event report, each with its fusion_key
};

class Extractor {
  struct PassKey {};  // lets Create() use make_unique while construction stays private

 public:
  // Loads the knowledge base and lexicons once (~tens of ms). InvalidArgument on bad data files.
  static Result<std::unique_ptr<Extractor>> Create(const ExtractorOptions& opts);
  explicit Extractor(PassKey);
  ~Extractor();

  // Extracts one article. Deterministic: the same article (same ingested_at) gives the same
  // output. Relative dates resolve against article.published_at, else article.ingested_at.
  // DataLoss for input it cannot handle (invalid UTF-8, empty body): the caller dead-letters it.
  // Thread-compatible: use one Extractor per thread.
  Result<Extraction> Extract(const v1::Article& article);

  // "<code version>+kb.<fingerprint>".
  const std::string& version() const;

 private:
  Extractor();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsflow::extract
