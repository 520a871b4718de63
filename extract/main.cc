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
  std::string kb_dir = opts.extractor.kb_dir.string();
  LoggingFlags logging;

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
  args.AddBatch(&opts.batch, "articles");
  args.AddMetricsPort(&opts.metrics_port);
  args.AddLogging(&logging);
  if (int rc = args.ParseOrExit(argc, argv, nullptr); rc >= 0) return rc;
  opts.extractor.kb_dir = kb_dir;
  ApplyLogging("extract", logging);
  InstallShutdownHandlers();

  Status s = extract::RunService(opts);
  if (!s.ok()) {
    std::fprintf(stderr, "newsflow-extract: %s\n", s.message().c_str());
    return s.code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}
