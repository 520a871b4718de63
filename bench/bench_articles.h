// The articles the benchmarks run on: the seed articles (vi, ar) and bench/data's English article,
// read from disk and parsed by the real ingest parser, so every stage sees what the pipeline feeds it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/ingest/article_parser.h"
#include "newsflow/v1/article.pb.h"

namespace newsflow::bench {

struct BenchArticle {
  std::string file;   // file name, for messages
  std::string raw;    // the file's bytes, as ingest reads them
  v1::Article article;  // ArticleParser's output (language detected, NFC body)
};

// Every regular file directly under each of `dirs` plus each file of `files`, in path order,
// parsed with `parser` and a fixed ingest clock (deterministic). InvalidArgument when a file
// cannot be read or parsed, NotFound when nothing was found.
Result<std::vector<BenchArticle>> LoadBenchArticles(const ingest::ArticleParser& parser,
                                                    const std::vector<std::filesystem::path>& dirs,
                                                    const std::vector<std::filesystem::path>& files);

// The whole content of a file; NotFound when it cannot be opened.
Result<std::string> ReadWholeFile(const std::filesystem::path& path);

}  // namespace newsflow::bench
