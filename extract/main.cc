// newsflow-extract: consumes articles, extracts entities and events, produces them.
#include <cstdio>

#include "newsflow/common/flags.h"
#include "newsflow/common/log.h"
#include "newsflow/common/shutdown.h"
#include "newsflow/extract/service.h"

int main(int argc, char** argv) {
  using namespace newsflow;
  extract::ServiceOptions opts;
  opts.extractor.kb_dir = NEWSFLOW_DEFAULT_KB_DIR;
  std::string kb_dir = opts.extractor.kb_dir.string(), log_format = "text", log_level = "info";
  int64_t batch_size = static_cast<int64_t>(opts.batch.max_messages), batch_ms = opts.batch.max_wait.count();

  ArgParser args("newsflow-extract", "[options]",
                 "Consumes newsflow.v1.Article messages, extracts entities and events, produces\n"
                 "newsflow.v1.ExtractOutput messages. Run any number of them: one consumer group\n"
                 "shares the articles topic's partitions. Input it cannot handle goes to the\n"
                 "dead-letter topic with the reason.");
  args.AddKafka(&opts.kafka);
  args.AddString("input-topic", &opts.input_topic, "articles topic to consume", "TOPIC");
  args.AddString("output-topic", &opts.output_topic, "events topic to produce to", "TOPIC");
  args.AddString("dead-letter-topic", &opts.dead_letter_topic, "dead-letter topic", "TOPIC");
  args.AddString("group", &opts.group, "consumer group id", "ID");
  args.AddString("kb", &kb_dir, "knowledge base and language data folder", "DIR");
  args.AddInt("batch-size", &batch_size, "articles per batch (offsets commit per batch)");
  args.AddInt("batch-ms", &batch_ms, "longest wait to fill a batch, in milliseconds", "MS");
  int64_t metrics_port = -1;
  args.AddInt("metrics-port", &metrics_port, "serve Prometheus /metrics and /healthz on this port (-1 off, 0 any)", "PORT");
  args.AddString("log-format", &log_format, "log line format", "FORMAT");
  args.SetChoices("log-format", {"text", "json"});
  args.AddString("log-level", &log_level, "lowest level logged", "LEVEL");
  args.SetChoices("log-level", {"debug", "info", "warn", "error"});
  if (int rc = args.ParseOrExit(argc, argv, nullptr); rc >= 0) return rc;
  if (batch_size < 1 || batch_ms < 0) {
    std::fprintf(stderr, "newsflow-extract: --batch-size must be >= 1 and --batch-ms >= 0\n");
    return 2;
  }
  opts.extractor.kb_dir = kb_dir;
  opts.metrics_port = static_cast<int>(metrics_port);
  opts.batch.max_messages = static_cast<size_t>(batch_size);
  opts.batch.max_wait = std::chrono::milliseconds(batch_ms);
  LogFormat format;
  LogLevel level;
  ParseLogFormat(log_format, &format);
  ParseLogLevel(log_level, &level);
  ConfigureLogging("extract", format, level);
  InstallShutdownHandlers();

  Status s = extract::RunService(opts);
  if (!s.ok()) {
    std::fprintf(stderr, "newsflow-extract: %s\n", s.message().c_str());
    return s.code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}
