// Extractor start-up cost: the time Extractor::Create takes (knowledge base and lexicons loaded)
// and the resident memory it leaves, then the peak after extracting every benchmark article once.
// A process of its own, so nothing else inflates the figures. Prints `key=value` lines:
//   newsflow-bench-startup [--kb DIR] [--seeds DIR] [--en FILE]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench_articles.h"
#include "newsflow/common/flags.h"
#include "newsflow/extract/extractor.h"
#include "newsflow/ingest/article_parser.h"
#include "proc_stats.h"

int main(int argc, char** argv) {
  using namespace newsflow;
  std::string kb = NEWSFLOW_DEFAULT_KB_DIR, seeds = NEWSFLOW_BENCH_SEEDS_DIR, en = NEWSFLOW_BENCH_EN_ARTICLE;
  ArgParser args("newsflow-bench-startup", "[--kb DIR] [--seeds DIR] [--en FILE]",
                 "Prints extractor start-up time and resident memory as key=value lines.");
  args.AddString("kb", &kb, "knowledge base folder", "DIR");
  args.AddString("seeds", &seeds, "articles to extract after start-up", "DIR");
  args.AddString("en", &en, "one more article file", "FILE");
  if (int rc = args.ParseOrExit(argc, argv, nullptr); rc >= 0) return rc;

  const auto before = bench::ReadProcStats();
  const auto start = std::chrono::steady_clock::now();
  auto extractor = extract::Extractor::Create({kb});
  const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!extractor.ok()) {
    std::fprintf(stderr, "newsflow-bench-startup: %s\n", extractor.status().message().c_str());
    return 1;
  }
  const auto created = bench::ReadProcStats();

  // The parser is created after the measurement above so its own tables do not count as the
  // extractor's; extraction afterwards shows the working-set growth per article.
  auto parser = ingest::ArticleParser::Create(kb);
  if (!parser.ok()) {
    std::fprintf(stderr, "newsflow-bench-startup: %s\n", parser.status().message().c_str());
    return 1;
  }
  auto articles = bench::LoadBenchArticles(**parser, {seeds}, {en});
  if (!articles.ok()) {
    std::fprintf(stderr, "newsflow-bench-startup: %s\n", articles.status().message().c_str());
    return 1;
  }
  for (const auto& a : *articles)
    if (auto x = (*extractor)->Extract(a.article); !x.ok())
      std::fprintf(stderr, "newsflow-bench-startup: %s: %s\n", a.file.c_str(), x.status().message().c_str());
  const auto used = bench::ReadProcStats();
  if (!before || !created || !used) {
    std::fprintf(stderr, "newsflow-bench-startup: /proc/self unreadable\n");
    return 1;
  }
  std::printf("extractor_create_ms=%.1f\n", load_ms);
  std::printf("rss_before_mb=%.1f\n", before->rss_mb);
  std::printf("rss_after_create_mb=%.1f\nhwm_after_create_mb=%.1f\n", created->rss_mb, created->hwm_mb);
  std::printf("rss_after_extract_mb=%.1f\nhwm_after_extract_mb=%.1f\n", used->rss_mb, used->hwm_mb);
  std::printf("articles_extracted=%zu\n", articles->size());
  return 0;
}
