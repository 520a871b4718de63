// Micro-benchmarks over the real code and the real kb/: each stage of extraction per language, the
// ingest parser, event fusion and the SQLite store. Throughput prints as bytes_per_second (MB/s of
// article text) and items_per_second (articles, sentences, tokens, reports, as each names).
//   newsflow-micro-bench [--kb DIR] [--seeds DIR] [--en FILE] [--store-batches N] [Google Benchmark flags]
// The articles are the seeds (vi, ar) and bench/data/en_article.txt, parsed by the ingest parser.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "bench_articles.h"
#include "newsflow/extract/dates.h"
#include "newsflow/extract/entities.h"
#include "newsflow/extract/extractor.h"
#include "newsflow/extract/kb.h"
#include "newsflow/extract/text.h"
#include "newsflow/ingest/article_parser.h"
#include "newsflow/sink/fusion.h"
#include "newsflow/sink/store.h"

namespace newsflow::bench {
namespace {

namespace fs = std::filesystem;
using extract::Span;
using extract::Token;

// One article with its segmentation done once, for the stages that take pre-split input.
struct Prepared {
  const BenchArticle* source = nullptr;
  std::vector<Span> sentences;
  std::vector<std::vector<Token>> words;  // per sentence
  extract::DateContext dates;
};

// Everything the benchmarks share, loaded once by main() and captured by reference.
struct Fixture {
  fs::path kb_dir;
  std::unique_ptr<ingest::ArticleParser> parser;
  std::vector<BenchArticle> articles;
  std::map<std::string, std::vector<Prepared>> by_lang;  // "vi" -> its articles
  std::unique_ptr<extract::TextAnalyzer> analyzer;
  std::unique_ptr<extract::KnowledgeBase> kb;
  std::unique_ptr<extract::EntityRecognizer> recognizer;
  std::unique_ptr<extract::DateParser> dates;
  std::unique_ptr<extract::Extractor> extractor;
  std::vector<v1::ExtractOutput> extracted;  // every article's real extraction output
};

extract::CivilDate DayOf(const google::protobuf::Timestamp& ts) {
  return extract::CivilDate(std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds(std::chrono::seconds(ts.seconds()))));
}

Status Load(Fixture& f, const fs::path& seeds, const fs::path& en) {
  auto parser = ingest::ArticleParser::Create(f.kb_dir);
  if (!parser.ok()) return parser.status();
  f.parser = std::move(*parser);
  auto articles = LoadBenchArticles(*f.parser, {seeds}, {en});
  if (!articles.ok()) return articles.status();
  f.articles = std::move(*articles);

  auto abbreviations = extract::LoadAbbreviations(f.kb_dir);
  if (!abbreviations.ok()) return abbreviations.status();
  auto analyzer = extract::TextAnalyzer::Create(*abbreviations);
  if (!analyzer.ok()) return analyzer.status();
  f.analyzer = std::move(*analyzer);
  auto kb = extract::KnowledgeBase::Load(f.kb_dir);
  if (!kb.ok()) return kb.status();
  f.kb = std::move(*kb);
  auto recognizer = extract::EntityRecognizer::Create(*f.kb, f.kb_dir);
  if (!recognizer.ok()) return recognizer.status();
  f.recognizer = std::move(*recognizer);
  auto dates = extract::DateParser::Load(f.kb_dir);
  if (!dates.ok()) return dates.status();
  f.dates = std::move(*dates);
  auto extractor = extract::Extractor::Create({f.kb_dir});
  if (!extractor.ok()) return extractor.status();
  f.extractor = std::move(*extractor);

  for (const BenchArticle& a : f.articles) {
    Prepared p;
    p.source = &a;
    const std::string& body = a.article.body();
    p.sentences = f.analyzer->Sentences(body);
    for (const Span& s : p.sentences) p.words.push_back(f.analyzer->Words(body, s));
    p.dates.clock = DayOf(a.article.ingested_at());
    if (a.article.has_published_at()) p.dates.published = DayOf(a.article.published_at());
    f.by_lang[a.article.language()].push_back(std::move(p));

    auto x = f.extractor->Extract(a.article);
    if (!x.ok()) return Status::InvalidArgument(a.file + ": " + x.status().message());
    v1::ExtractOutput summary;
    *summary.mutable_article() = x->article;
    f.extracted.push_back(std::move(summary));
    for (v1::Event& e : x->events) {
      v1::ExtractOutput report;
      *report.mutable_event() = std::move(e);
      f.extracted.push_back(std::move(report));
    }
  }
  return Status::Ok();
}

int64_t BodyBytes(const std::vector<Prepared>& docs) {
  int64_t n = 0;
  for (const Prepared& p : docs) n += static_cast<int64_t>(p.source->article.body().size());
  return n;
}

// Each benchmark below processes every article of one language once per iteration.

void Normalize(benchmark::State& state, const std::vector<Prepared>& docs) {
  for (auto _ : state)
    for (const Prepared& p : docs) benchmark::DoNotOptimize(extract::NormalizeNfc(p.source->article.body()));
  state.SetBytesProcessed(state.iterations() * BodyBytes(docs));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(docs.size()));
}

void MatchKeys(benchmark::State& state, const std::vector<Prepared>& docs) {
  int64_t bytes = 0, tokens = 0;
  for (auto _ : state)
    for (const Prepared& p : docs)
      for (const auto& words : p.words)
        for (const Token& t : words) {
          const std::string_view text = t.span.In(p.source->article.body());
          benchmark::DoNotOptimize(extract::MatchKey(text));
          bytes += static_cast<int64_t>(text.size());
          ++tokens;
        }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(tokens);  // tokens keyed
}

void Segment(benchmark::State& state, extract::TextAnalyzer& analyzer, const std::vector<Prepared>& docs) {
  int64_t sentences = 0;
  for (auto _ : state)
    for (const Prepared& p : docs) {
      const std::string& body = p.source->article.body();
      for (const Span& s : analyzer.Sentences(body)) {
        benchmark::DoNotOptimize(analyzer.Words(body, s));
        ++sentences;
      }
    }
  state.SetBytesProcessed(state.iterations() * BodyBytes(docs));
  state.SetItemsProcessed(sentences);  // sentences segmented into words
}

void FindEntities(benchmark::State& state, const extract::EntityRecognizer& recognizer,
                  const std::vector<Prepared>& docs) {
  int64_t sentences = 0;
  for (auto _ : state)
    for (const Prepared& p : docs) {
      extract::DocumentEntities doc;  // per article, as the extractor does
      for (size_t i = 0; i < p.sentences.size(); ++i, ++sentences)
        benchmark::DoNotOptimize(recognizer.Find(p.source->article.body(), p.words[i], p.source->article.language(),
                                                 p.dates.published, doc));
    }
  state.SetBytesProcessed(state.iterations() * BodyBytes(docs));
  state.SetItemsProcessed(sentences);
}

void FindDates(benchmark::State& state, const extract::DateParser& dates, const std::vector<Prepared>& docs) {
  int64_t sentences = 0;
  for (auto _ : state)
    for (const Prepared& p : docs)
      for (const Span& s : p.sentences) {
        benchmark::DoNotOptimize(dates.Find(p.source->article.body(), s, p.source->article.language(), p.dates));
        ++sentences;
      }
  state.SetBytesProcessed(state.iterations() * BodyBytes(docs));
  state.SetItemsProcessed(sentences);
}

void Extract(benchmark::State& state, extract::Extractor& extractor, const std::vector<Prepared>& docs) {
  for (auto _ : state)
    for (const Prepared& p : docs) benchmark::DoNotOptimize(extractor.Extract(p.source->article));
  state.SetBytesProcessed(state.iterations() * BodyBytes(docs));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(docs.size()));  // articles
}

void Parse(benchmark::State& state, const ingest::ArticleParser& parser, const std::vector<Prepared>& docs) {
  int64_t bytes = 0;
  for (const Prepared& p : docs) bytes += static_cast<int64_t>(p.source->raw.size());
  for (auto _ : state)
    for (const Prepared& p : docs) {
      ingest::RawArticle raw;
      raw.bytes = p.source->raw;
      raw.url = p.source->file;
      raw.origin = v1::ORIGIN_REPLAY;
      raw.ingested_at = std::chrono::system_clock::time_point(std::chrono::seconds(1766000000));
      benchmark::DoNotOptimize(parser.Parse(raw));
    }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(docs.size()));
}

// `n` reports of one fusion group, cloned from the real extraction output with their own ids and
// explicit day dates spread over four weeks (so the group splits into several clusters).
std::vector<v1::Event> FusionGroup(const std::vector<v1::ExtractOutput>& extracted, int n) {
  std::vector<const v1::Event*> pool;
  for (const auto& x : extracted)
    if (x.has_event()) pool.push_back(&x.event());
  std::vector<v1::Event> out;
  for (int i = 0; i < n && !pool.empty(); ++i) {
    v1::Event e = *pool[static_cast<size_t>(i) % pool.size()];
    const std::string id = "bench-" + std::to_string(i);
    e.set_id(id);
    e.mutable_mention()->set_id(id);
    e.mutable_mention()->set_article_id("bench-article-" + std::to_string(i / 3));
    e.set_fusion_key("bench-group");
    char iso[16];
    std::snprintf(iso, sizeof iso, "2025-11-%02d", 1 + (i * 7) % 28);
    e.mutable_date()->set_iso(iso);
    e.mutable_date()->set_precision(v1::DATE_PRECISION_DAY);
    e.mutable_date()->set_resolution(v1::DATE_RESOLUTION_EXPLICIT);
    out.push_back(std::move(e));
  }
  return out;
}

void FuseGroup(benchmark::State& state, const std::vector<v1::ExtractOutput>& extracted) {
  const auto group = FusionGroup(extracted, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    state.PauseTiming();  // Fuse takes its input by value: the copy is not fusion's cost
    std::vector<v1::Event> input = group;
    state.ResumeTiming();
    benchmark::DoNotOptimize(sink::Fuse("bench-group", std::move(input)));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));  // reports fused
}

// Copy `copy` of the real extraction output: article and report ids made unique, fusion keys
// spread over `variants` variants of each real key: with many, groups stay small (many stories);
// with one, every copy reports the same events (one big story), so its groups keep growing.
std::vector<v1::ExtractOutput> StoreBatch(const std::vector<v1::ExtractOutput>& extracted, int64_t copy,
                                          int64_t variants) {
  const std::string suffix = "-" + std::to_string(copy);
  const std::string group = "-g" + std::to_string(copy % variants);
  std::vector<v1::ExtractOutput> out = extracted;
  for (v1::ExtractOutput& x : out) {
    if (x.has_article()) {
      v1::ArticleExtraction* a = x.mutable_article();
      a->mutable_article()->set_id(a->article().id() + suffix);
      for (std::string& id : *a->mutable_event_ids()) id += suffix;
    } else if (x.has_event()) {
      v1::Event* e = x.mutable_event();
      e->set_id(e->id() + suffix);
      e->mutable_mention()->set_id(e->id());
      e->mutable_mention()->set_article_id(e->mention().article_id() + suffix);
      e->set_fusion_key(e->fusion_key() + group);
    }
  }
  return out;
}

// Store::Apply into a fresh SQLite file, one transaction per batch of ~256 records (the sink's
// default batch size) made of whole copies of the real extraction output; range(0) = fusion key
// variants (see StoreBatch).
void StoreApply(benchmark::State& state, const std::vector<v1::ExtractOutput>& extracted) {
  const fs::path dir = fs::temp_directory_path() / ("newsflow-bench-store-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto store = sink::OpenStore((dir / "bench.db").string());
  if (!store.ok()) {
    state.SkipWithError(store.status().message().c_str());
    return;
  }
  const int64_t copies_per_batch = std::max<int64_t>(1, 256 / static_cast<int64_t>(extracted.size()));
  int64_t copy = 0, offset = 0, reports = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<v1::ExtractOutput> batch;
    for (int64_t c = 0; c < copies_per_batch; ++c, ++copy)
      for (auto& x : StoreBatch(extracted, copy, state.range(0))) {
        reports += x.has_event() ? 1 : 0;
        batch.push_back(std::move(x));
      }
    offset += static_cast<int64_t>(batch.size());
    state.ResumeTiming();
    if (Status s = (*store)->Apply(batch, {{"newsflow.events", 0, offset}}, "bench"); !s.ok()) {
      state.SkipWithError(s.message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(reports);  // event reports stored (the events/s figure)
  state.counters["records_per_batch"] = static_cast<double>(copies_per_batch * static_cast<int64_t>(extracted.size()));
  store->reset();
  fs::remove_all(dir);
}

void CreateExtractor(benchmark::State& state, const fs::path& kb_dir) {
  for (auto _ : state) {
    auto extractor = extract::Extractor::Create({kb_dir});
    if (!extractor.ok()) {
      state.SkipWithError(extractor.status().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(extractor->get());
  }
}

void Register(Fixture& f, int64_t store_batches) {
  for (auto& [lang, docs] : f.by_lang) {
    const std::vector<Prepared>& d = docs;
    benchmark::RegisterBenchmark(("NormalizeNfc/" + lang).c_str(), Normalize, std::cref(d));
    benchmark::RegisterBenchmark(("MatchKey/" + lang).c_str(), MatchKeys, std::cref(d));
    benchmark::RegisterBenchmark(("Segment/" + lang).c_str(), Segment, std::ref(*f.analyzer), std::cref(d));
    benchmark::RegisterBenchmark(("EntityFind/" + lang).c_str(), FindEntities, std::cref(*f.recognizer),
                                 std::cref(d));
    benchmark::RegisterBenchmark(("DateFind/" + lang).c_str(), FindDates, std::cref(*f.dates), std::cref(d));
    benchmark::RegisterBenchmark(("Extract/" + lang).c_str(), Extract, std::ref(*f.extractor), std::cref(d));
    benchmark::RegisterBenchmark(("ArticleParse/" + lang).c_str(), Parse, std::cref(*f.parser), std::cref(d));
  }
  benchmark::RegisterBenchmark("Fuse", FuseGroup, std::cref(f.extracted))->Arg(10)->Arg(100)->Arg(1000);
  // Real time: the commit waits on the disk, which CPU time would leave out.
  benchmark::RegisterBenchmark("StoreApply/sqlite", StoreApply, std::cref(f.extracted))
      ->ArgName("variants")
      ->Arg(100)
      ->Iterations(store_batches)
      ->UseRealTime();
  // One big story: the same groups grow with every batch (half the batches: each costs more).
  benchmark::RegisterBenchmark("StoreApply/sqlite", StoreApply, std::cref(f.extracted))
      ->ArgName("variants")
      ->Arg(1)
      ->Iterations(std::max<int64_t>(1, store_batches / 2))
      ->UseRealTime();
  benchmark::RegisterBenchmark("ExtractorCreate", CreateExtractor, f.kb_dir)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(3);
}

}  // namespace
}  // namespace newsflow::bench

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  benchmark::Initialize(&argc, argv);
  newsflow::bench::Fixture f;
  f.kb_dir = NEWSFLOW_DEFAULT_KB_DIR;
  fs::path seeds = NEWSFLOW_BENCH_SEEDS_DIR, en = NEWSFLOW_BENCH_EN_ARTICLE;
  int64_t store_batches = 200;  // fixed, so every run fills the store to the same size
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 == argc) {
      std::fprintf(stderr, "newsflow-micro-bench: %s needs a value\n", argv[i]);
      return 2;
    }
    if (flag == "--kb") f.kb_dir = argv[i + 1];
    else if (flag == "--seeds") seeds = argv[i + 1];
    else if (flag == "--en") en = argv[i + 1];
    else if (flag == "--store-batches") store_batches = std::max(1L, std::atol(argv[i + 1]));
    else {
      std::fprintf(stderr, "newsflow-micro-bench: unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  if (newsflow::Status s = newsflow::bench::Load(f, seeds, en); !s.ok()) {
    std::fprintf(stderr, "newsflow-micro-bench: %s\n", s.message().c_str());
    return 1;
  }
  newsflow::bench::Register(f, store_batches);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
