// newsflow-ingest: reads articles from a source, produces them to the articles topic.
//   newsflow-ingest replay DIR [--rate N] [--loop] [--limit N]
//   newsflow-ingest jsonl FILE|-
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "newsflow/common/dead_letter.h"
#include "newsflow/common/flags.h"
#include "newsflow/common/kafka.h"
#include "newsflow/common/log.h"
#include "newsflow/common/shutdown.h"
#include "newsflow/common/topics.h"
#include "newsflow/ingest/article_parser.h"
#include "newsflow/ingest/publisher.h"
#include "newsflow/ingest/source.h"

namespace {

struct Flags {
  newsflow::KafkaOptions kafka;
  std::string topic = newsflow::topics::kArticles;
  std::string dead_letter_topic = newsflow::topics::kDeadLetter;
  std::string kb = NEWSFLOW_INGEST_DEFAULT_KB_DIR;
  std::string clock, log_format = "text";
  int64_t max_bytes = 4 * 1024 * 1024, limit = 0, progress_every = 100;
  double rate = 0;
  bool loop = false;
};

int Fail(const char* what, const std::string& message, int code) {
  std::fprintf(stderr, "newsflow-ingest: %s%s\n", what, message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace newsflow;
  Flags f;
  ArgParser args("newsflow-ingest", "replay DIR | jsonl FILE|- [options]",
                 "Reads articles and produces them (protobuf newsflow.v1.Article, keyed by id) to the articles\n"
                 "topic; input that cannot become an article goes to the dead-letter topic. Exits 0 when every\n"
                 "message was acknowledged.\n"
                 "  replay DIR    every regular file under DIR (recursive, sorted by path; dot-files skipped)\n"
                 "  jsonl FILE|-  one JSON object per line: text|body, title, url, outlet, language, published");
  args.AddKafka(&f.kafka);
  args.AddString("topic", &f.topic, "articles topic (default newsflow.articles)", "NAME");
  args.AddString("dead-letter-topic", &f.dead_letter_topic, "dead-letter topic (default newsflow.deadletter)", "NAME");
  args.AddString("kb", &f.kb, "knowledge-base directory (kb/lang/*/article.json)", "DIR");
  args.AddInt("max-bytes", &f.max_bytes, "larger articles are dead-lettered as too_large (default 4 MiB)");
  args.AddString("clock", &f.clock, "fix the ingest clock (reproducible runs), e.g. 2026-11-21T00:00:00Z", "ISO8601");
  args.AddDouble("rate", &f.rate, "articles per second (default: unpaced)");
  args.AddBool("loop", &f.loop, "replay: start over after the last file, until --limit or SIGTERM");
  args.AddInt("limit", &f.limit, "stop after N articles read (default: no limit)");
  args.AddInt("progress-every", &f.progress_every, "log progress every N articles (default 100)");
  args.AddString("log-format", &f.log_format, "log line format", "FORMAT");
  args.SetChoices("log-format", {"text", "json"});
  std::vector<std::string> pos;
  if (int rc = args.ParseOrExit(argc, argv, &pos); rc >= 0) return rc;

  // Each source is a subcommand taking one argument; adding one (watch, feed) is one entry here.
  const std::map<std::string, std::function<std::unique_ptr<ingest::ArticleSource>(const std::string&)>> sources = {
      {"replay", [&](const std::string& a) { return ingest::MakeReplaySource(a, {.loop = f.loop}); }},
      {"jsonl", [](const std::string& a) { return ingest::MakeJsonlSource(a); }},
  };
  if (pos.empty()) return Fail("", "missing subcommand: replay DIR | jsonl FILE|- (try --help)", 2);
  auto source_factory = sources.find(pos[0]);
  if (source_factory == sources.end()) return Fail("unknown subcommand ", "'" + pos[0] + "' (try --help)", 2);
  if (pos.size() != 2) return Fail("", pos[0] + " takes exactly one argument (try --help)", 2);
  if (f.max_bytes <= 0 || f.rate < 0 || f.limit < 0) return Fail("", "--max-bytes, --rate, --limit must be positive (try --help)", 2);
  ingest::PublisherOptions popts{.topic = f.topic, .rate = f.rate, .limit = f.limit,
                                 .progress_every = f.progress_every, .clock = std::nullopt};
  if (!f.clock.empty()) {
    popts.clock = ingest::ParseIsoTime(f.clock);
    if (!popts.clock) return Fail("", "--clock expects ISO 8601, got '" + f.clock + "' (try --help)", 2);
  }
  LogFormat format = LogFormat::kText;
  ParseLogFormat(f.log_format, &format);
  ConfigureLogging("ingest", format, LogLevel::kInfo);
  InstallShutdownHandlers();

  auto parser = ingest::ArticleParser::Create(f.kb, {.max_bytes = static_cast<size_t>(f.max_bytes)});
  if (!parser.ok()) return Fail("", parser.status().message(), 2);
  auto producer = Producer::Create(f.kafka);
  if (!producer.ok()) return Fail("", producer.status().message(), 2);
  DeadLetterWriter dead_letters(producer->get(), f.dead_letter_topic, "ingest");
  ingest::Publisher publisher(parser->get(), producer->get(), &dead_letters, popts);

  Status run = source_factory->second(pos[1])->Run(publisher);
  Status done = publisher.Finish(std::chrono::seconds(60));
  std::fprintf(stderr, "newsflow-ingest: read %llu, produced %llu, dead-lettered %llu, acknowledged %llu%s\n",
               static_cast<unsigned long long>(publisher.read()), static_cast<unsigned long long>(publisher.produced()),
               static_cast<unsigned long long>(publisher.dead_lettered()),
               static_cast<unsigned long long>((*producer)->delivered()),
               done.ok() ? "" : (" (" + done.message() + ")").c_str());
  if (!run.ok()) return Fail("", run.message(), run.code() == ErrorCode::kNotFound ? 2 : 1);
  return done.ok() ? 0 : 1;
}
