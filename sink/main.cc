// newsflow-sink: stores extract's output (articles, entities, event reports), fuses reports into
// event records, and answers people's questions about the store (`events`, `status`, `wait`).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>

#include "newsflow/common/flags.h"
#include "newsflow/common/log.h"
#include "newsflow/common/shutdown.h"
#include "newsflow/sink/report.h"
#include "newsflow/sink/service.h"
#include "newsflow/sink/store.h"

namespace {

using namespace newsflow;

int ExitCode(const Status& s, std::string_view program) {
  if (s.ok()) return 0;
  std::fprintf(stderr, "%s: %s\n", std::string(program).c_str(), s.message().c_str());
  return s.code() == ErrorCode::kInvalidArgument ? 2 : 1;
}

int Serve(int argc, char** argv) {
  sink::ServiceOptions opts;
  LoggingFlags logging;
  ArgParser args("newsflow-sink", "[options]\n       newsflow-sink events|status|wait --store URI [options]",
                 "Consumes newsflow.v1.ExtractOutput messages and stores them: articles, entities, and\n"
                 "event reports fused into event records. Each batch and its Kafka offsets are written in\n"
                 "one transaction; re-delivered messages change nothing. Subcommands read the store:\n"
                 "`events` lists the fused records, `status` counts rows, `wait` waits for articles.");
  args.AddKafka(&opts.kafka);
  args.AddString("store", &opts.store_uri, "store: a SQLite path or sqlite:PATH (default newsflow.db), or postgresql://USER@HOST:PORT/DB", "URI");
  args.AddString("topic", &opts.topic, "events topic to consume (default newsflow.events)", "TOPIC");
  args.AddString("group", &opts.group, "consumer group id, default newsflow-sink (its offsets are kept in the store)", "ID");
  args.AddString("dead-letter-topic", &opts.dead_letter_topic, "dead-letter topic (default newsflow.deadletter)", "TOPIC");
  args.AddBatch(&opts.batch, "messages (one store transaction each)");
  args.AddMetricsPort(&opts.metrics_port);
  args.AddLogging(&logging);
  std::vector<std::string> positional;
  if (int rc = args.ParseOrExit(argc, argv, &positional); rc >= 0) return rc;
  if (!positional.empty()) {
    std::fprintf(stderr, "newsflow-sink: unknown subcommand '%s' (try --help)\n", positional[0].c_str());
    return 2;
  }
  ApplyLogging("sink", logging);
  InstallShutdownHandlers();
  return ExitCode(sink::RunService(opts), "newsflow-sink");
}

// Parses a read-only subcommand's flags; -1 to go on.
int ParseSubcommand(const ArgParser& args, int argc, char** argv) {
  std::vector<std::string> positional;
  if (int rc = args.ParseOrExit(argc, argv, &positional); rc >= 0) return rc;
  if (!positional.empty()) {
    std::fprintf(stderr, "%s: unexpected argument '%s' (try --help)\n", args.program().c_str(), positional[0].c_str());
    return 2;
  }
  return -1;
}

int Events(int argc, char** argv) {
  std::string store_uri = "newsflow.db", format = "table", kb = NEWSFLOW_SINK_DEFAULT_KB_DIR;
  ArgParser args("newsflow-sink events", "[--store URI] [--format table|jsonl]",
                 "Prints the fused event records: id, CAMEO code and label, date, place, actors with\n"
                 "their roles, number of reports and languages, and one evidence sentence.");
  args.AddString("store", &store_uri, "store to read", "URI");
  args.AddString("format", &format, "table (for people) or jsonl (one record per line)", "FORMAT");
  args.SetChoices("format", {"table", "jsonl"});
  args.AddString("kb", &kb, "knowledge base folder holding cameo.tsv (the code labels)", "DIR");
  if (int rc = ParseSubcommand(args, argc, argv); rc >= 0) return rc;
  auto labels = sink::CameoLabels::Load(std::filesystem::path(kb) / "cameo.tsv");
  if (!labels.ok()) std::fprintf(stderr, "newsflow-sink events: %s (codes shown without labels)\n",
                                 labels.status().message().c_str());
  auto store = sink::OpenStoreReadOnly(store_uri);
  if (!store.ok()) return ExitCode(store.status(), args.program());
  auto events = (*store)->ListEvents();
  if (!events.ok()) return ExitCode(events.status(), args.program());
  sink::PrintEvents(*events, labels.ok() ? *labels : sink::CameoLabels(),
                    format == "jsonl" ? sink::EventsFormat::kJsonl : sink::EventsFormat::kTable, std::cout);
  return 0;
}

int StatusCommand(int argc, char** argv) {
  std::string store_uri = "newsflow.db", group = "newsflow-sink";
  ArgParser args("newsflow-sink status", "[--store URI] [--group ID]",
                 "Prints row counts, reports still expected, and the stored consumer offsets.");
  args.AddString("store", &store_uri, "store to read", "URI");
  args.AddString("group", &group, "consumer group whose offsets to show", "ID");
  if (int rc = ParseSubcommand(args, argc, argv); rc >= 0) return rc;
  auto store = sink::OpenStoreReadOnly(store_uri);
  if (!store.ok()) return ExitCode(store.status(), args.program());
  auto counts = (*store)->CountRows();
  auto missing = (*store)->CountMissingMentions();
  auto offsets = (*store)->LoadOffsets(group);
  if (!counts.ok()) return ExitCode(counts.status(), args.program());
  if (!missing.ok()) return ExitCode(missing.status(), args.program());
  if (!offsets.ok()) return ExitCode(offsets.status(), args.program());
  std::printf("articles=%lld entities=%lld records=%lld mentions=%lld awaited_mentions=%lld\n",
              static_cast<long long>(counts->articles), static_cast<long long>(counts->entities),
              static_cast<long long>(counts->events), static_cast<long long>(counts->mentions),
              static_cast<long long>(*missing));
  for (const auto& o : *offsets)
    std::printf("offset group=%s topic=%s partition=%d next=%lld\n", group.c_str(), o.topic.c_str(), o.partition,
                static_cast<long long>(o.offset));
  return 0;
}

int Wait(int argc, char** argv) {
  std::string store_uri = "newsflow.db";
  int64_t articles = 1, timeout_s = 60;
  ArgParser args("newsflow-sink wait", "[--store URI] [--articles N] [--timeout SECONDS]",
                 "Waits until the store holds at least N articles and every report those articles\n"
                 "announced. Exits 0 then, 1 on timeout.");
  args.AddString("store", &store_uri, "store to watch", "URI");
  args.AddInt("articles", &articles, "articles to wait for");
  args.AddInt("timeout", &timeout_s, "give up after this many seconds", "SECONDS");
  if (int rc = ParseSubcommand(args, argc, argv); rc >= 0) return rc;
  InstallShutdownHandlers();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  std::string last = "store not opened";
  do {
    // Reopened each time: the file may not exist yet when the sink has not started.
    if (auto store = sink::OpenStoreReadOnly(store_uri); store.ok()) {
      auto counts = (*store)->CountRows();
      auto missing = (*store)->CountMissingMentions();
      if (counts.ok() && missing.ok()) {
        if (counts->articles >= articles && *missing == 0) {
          std::printf("stored articles=%lld mentions=%lld records=%lld\n", static_cast<long long>(counts->articles),
                      static_cast<long long>(counts->mentions), static_cast<long long>(counts->events));
          return 0;
        }
        last = "articles=" + std::to_string(counts->articles) + " awaited_mentions=" + std::to_string(*missing);
      } else {
        last = counts.ok() ? missing.status().message() : counts.status().message();
      }
    } else {
      last = store.status().message();
    }
  } while (std::chrono::steady_clock::now() < deadline && !SleepUnlessShutdown(std::chrono::milliseconds(200)));
  std::fprintf(stderr, "newsflow-sink wait: timed out (%s)\n", last.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view sub = argc > 1 ? argv[1] : "";
  if (sub == "events") return Events(argc - 1, argv + 1);
  if (sub == "status") return StatusCommand(argc - 1, argv + 1);
  if (sub == "wait") return Wait(argc - 1, argv + 1);
  return Serve(argc, argv);
}
