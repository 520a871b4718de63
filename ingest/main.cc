// newsflow-ingest: reads articles from a source, produces them to the articles topic.
//   newsflow-ingest replay DIR [--rate N] [--loop] [--limit N] [--by-published [--speed X] [--max-gap S]]
//   newsflow-ingest jsonl FILE|-
//   newsflow-ingest watch DIR [--state PATH] [--done DIR]
//   newsflow-ingest feed URL... [--interval S] [--once] [--state PATH] [--timeout S] [--user-agent UA]
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "newsflow/common/dead_letter.h"
#include "newsflow/common/flags.h"
#include "newsflow/common/kafka.h"
#include "newsflow/common/log.h"
#include "newsflow/common/metrics.h"
#include "newsflow/common/shutdown.h"
#include "newsflow/common/topics.h"
#include "newsflow/ingest/article_parser.h"
#include "newsflow/ingest/feed.h"
#include "newsflow/ingest/metrics.h"
#include "newsflow/ingest/publisher.h"
#include "newsflow/ingest/source.h"

namespace {

struct Flags {
  newsflow::KafkaOptions kafka;
  std::string topic = newsflow::topics::kArticles;
  std::string dead_letter_topic = newsflow::topics::kDeadLetter;
  std::string kb = NEWSFLOW_INGEST_DEFAULT_KB_DIR;
  std::string clock, state, done, user_agent = "newsflow-ingest/1";
  newsflow::LoggingFlags logging;
  int64_t max_bytes = 4 * 1024 * 1024, limit = 0, progress_every = 100, metrics_port = -1;
  double rate = 0, speed = 1, max_gap = 3600, interval = 300, timeout = 30;
  bool loop = false, by_published = false, once = false;
};

std::chrono::milliseconds Seconds(double s) { return std::chrono::milliseconds(static_cast<int64_t>(s * 1000)); }

// One line in --log-format: "newsflow-ingest: <message>" as text (what scripts and people grep
// for), or a JSON log line.
int Fail(const std::string& message, int code, newsflow::LogFormat format) {
  if (format == newsflow::LogFormat::kJson) newsflow::Log(newsflow::LogLevel::kError, "failed", {{"error", message}});
  else std::fprintf(stderr, "newsflow-ingest: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace newsflow;
  Flags f;
  ArgParser args("newsflow-ingest", "replay DIR | jsonl FILE|- | watch DIR | feed URL... [options]",
                 "Reads articles and produces them (protobuf newsflow.v1.Article, keyed by id) to the articles\n"
                 "topic; input that cannot become an article goes to the dead-letter topic. Exits 0 when every\n"
                 "message was acknowledged.\n"
                 "  replay DIR    every regular file under DIR (recursive, sorted by path; dot-files skipped)\n"
                 "  jsonl FILE|-  one JSON object per line: text|body, title, url, outlet, language, published\n"
                 "  watch DIR     files landing in DIR (closed after writing or moved in), each once across restarts\n"
                 "  feed URL...   RSS / Atom feeds polled every --interval, each item once across restarts");
  args.AddKafka(&f.kafka);
  args.AddString("topic", &f.topic, "articles topic (default newsflow.articles)", "NAME");
  args.AddString("dead-letter-topic", &f.dead_letter_topic, "dead-letter topic (default newsflow.deadletter)", "NAME");
  args.AddString("kb", &f.kb, "knowledge-base directory (kb/lang/*/article.json)", "DIR");
  args.AddInt("max-bytes", &f.max_bytes, "larger articles / feed responses are dead-lettered as too_large (default 4 MiB)");
  args.AddString("clock", &f.clock, "fix the ingest clock (reproducible runs), e.g. 2026-11-21T00:00:00Z", "ISO8601");
  args.AddDouble("rate", &f.rate, "articles per second (default: unpaced)");
  args.AddBool("loop", &f.loop, "replay: start over after the last file, until --limit or SIGTERM");
  args.AddBool("by-published", &f.by_published, "replay: in publication order, sleeping the gaps between dates");
  args.AddDouble("speed", &f.speed, "replay --by-published: time compression factor (default 1 = real time)");
  args.AddDouble("max-gap", &f.max_gap, "replay --by-published: longest single wait in seconds (default 3600)", "SECONDS");
  args.AddInt("limit", &f.limit, "stop after N articles read (default: no limit)");
  args.AddString("state", &f.state,
                 "watch / feed state file (default DIR/.newsflow-ingest.state; feed: .newsflow/ingest-feeds.state)", "PATH");
  args.AddString("done", &f.done, "watch: move ingested files to this directory", "DIR");
  args.AddDouble("interval", &f.interval, "feed: seconds between polling rounds (default 300)", "SECONDS");
  args.AddBool("once", &f.once, "feed: one polling round, then exit");
  args.AddDouble("timeout", &f.timeout, "feed: HTTP request timeout in seconds (default 30)", "SECONDS");
  args.AddString("user-agent", &f.user_agent, "feed: HTTP User-Agent (default newsflow-ingest/1)", "UA");
  args.AddInt("metrics-port", &f.metrics_port, "serve Prometheus /metrics and /healthz on this port (0 = any)");
  args.AddInt("progress-every", &f.progress_every, "log progress every N articles (default 100; also every 5 s)");
  args.AddLogging(&f.logging);
  std::vector<std::string> pos;
  if (int rc = args.ParseOrExit(argc, argv, &pos); rc >= 0) return rc;
  ApplyLogging("ingest", f.logging);
  LogFormat format = LogFormat::kText;
  ParseLogFormat(f.logging.format, &format);
  InstallShutdownHandlers();

  ingest::PublisherOptions popts{.topic = f.topic, .rate = f.rate, .limit = f.limit,
                                 .progress_every = f.progress_every, .clock = std::nullopt};
  if (!f.clock.empty()) {
    popts.clock = ingest::ParseIsoTime(f.clock);
    if (!popts.clock) return Fail("--clock expects ISO 8601, got '" + f.clock + "' (try --help)", 2, format);
  }
  if (f.max_bytes <= 0 || f.rate < 0 || f.limit < 0 || f.speed <= 0 || f.max_gap < 0 || f.interval <= 0 ||
      f.timeout <= 0)
    return Fail("--max-bytes, --rate, --limit, --speed, --max-gap, --interval, --timeout must be positive (try --help)", 2, format);

  auto parser = ingest::ArticleParser::Create(f.kb, {.max_bytes = static_cast<size_t>(f.max_bytes)});
  if (!parser.ok()) return Fail(parser.status().message(), 2, format);
  Metrics registry("newsflow_ingest");
  ingest::IngestMetrics metrics(registry);

  // Each source is a subcommand; adding one is one entry here. Arity: 1 = exactly one argument,
  // 0 = one or more.
  struct Subcommand {
    int arity;
    std::function<std::unique_ptr<ingest::ArticleSource>(const std::vector<std::string>&)> make;
  };
  const std::map<std::string, Subcommand> sources = {
      {"replay", {1, [&](const auto& a) {
         ingest::ReplayOptions o{.loop = f.loop, .by_published = f.by_published, .speed = f.speed,
                                 .max_gap = Seconds(f.max_gap), .published_of = nullptr};
         if (f.by_published)
           o.published_of = [&](const ingest::RawArticle& raw) -> std::optional<ingest::TimePoint> {
             auto article = (*parser)->Parse(raw);
             if (!article.ok() || !article->has_published_at()) return std::nullopt;
             return std::chrono::system_clock::time_point(std::chrono::seconds(article->published_at().seconds()));
           };
         return ingest::MakeReplaySource(a[0], std::move(o));
       }}},
      {"jsonl", {1, [](const auto& a) { return ingest::MakeJsonlSource(a[0]); }}},
      {"watch", {1, [&](const auto& a) {
         return ingest::MakeWatchSource(a[0], {.state_path = f.state, .done_dir = f.done, .should_stop = ShutdownRequested});
       }}},
      {"feed", {0, [&](const auto& a) {
         ingest::FeedOptions o;
         o.urls = a;
         o.state_path = f.state.empty() ? ".newsflow/ingest-feeds.state" : f.state;
         o.interval = Seconds(f.interval);
         o.once = f.once;
         o.http = {.timeout = Seconds(f.timeout), .user_agent = f.user_agent, .max_bytes = static_cast<size_t>(f.max_bytes)};
         o.metrics = &metrics;
         return ingest::MakeFeedSource(std::move(o));
       }}},
  };
  if (pos.empty()) return Fail("missing subcommand: replay DIR | jsonl FILE|- | watch DIR | feed URL... (try --help)", 2, format);
  auto sub = sources.find(pos[0]);
  if (sub == sources.end()) return Fail("unknown subcommand '" + pos[0] + "' (try --help)", 2, format);
  const std::vector<std::string> sub_args(pos.begin() + 1, pos.end());
  if (sub->second.arity == 1 ? sub_args.size() != 1 : sub_args.empty())
    return Fail(pos[0] + (sub->second.arity == 1 ? " takes exactly one argument" : " takes one or more URLs") +
                    " (try --help)", 2, format);

  auto producer = Producer::Create(f.kafka);
  if (!producer.ok()) return Fail(producer.status().message(), 2, format);
  DeadLetterWriter dead_letters(producer->get(), f.dead_letter_topic, "ingest");
  ingest::Publisher publisher(parser->get(), producer->get(), &dead_letters, &metrics, popts);
  std::unique_ptr<MetricsServer> server;
  if (f.metrics_port >= 0) {
    auto started = MetricsServer::Start(static_cast<int>(f.metrics_port), &registry, [] { return !ShutdownRequested(); });
    if (!started.ok()) return Fail(started.status().message(), 2, format);
    server = std::move(*started);
    Log(LogLevel::kInfo, "metrics_listening", {{"port", std::to_string(server->port())}});
  }

  Status run = sub->second.make(sub_args)->Run(publisher);
  Status done = publisher.Finish(std::chrono::seconds(60));
  const auto n = [](uint64_t v) { return std::to_string(v); };
  if (format == LogFormat::kJson) {
    Log(done.ok() ? LogLevel::kInfo : LogLevel::kError, "summary",
        {{"read", n(publisher.read())}, {"produced", n(publisher.produced())},
         {"dead_lettered", n(publisher.dead_lettered())}, {"acknowledged", n((*producer)->delivered())},
         {"error", done.ok() ? "" : done.message()}});
  } else {
    std::fprintf(stderr, "newsflow-ingest: read %s, produced %s, dead-lettered %s, acknowledged %s%s\n",
                 n(publisher.read()).c_str(), n(publisher.produced()).c_str(), n(publisher.dead_lettered()).c_str(),
                 n((*producer)->delivered()).c_str(), done.ok() ? "" : (" (" + done.message() + ")").c_str());
  }
  if (!run.ok()) return Fail(run.message(), run.code() == ErrorCode::kNotFound ? 2 : 1, format);
  return done.ok() ? 0 : 1;
}
