// The extract process's loop: consume articles (one consumer group, any number of members),
// extract, produce the results, and commit the input offsets only after every output message
// is acknowledged (at-least-once into the events topic; the sink's idempotent upserts make the
// store exactly-once).
#pragma once

#include <string>

#include "newsflow/common/batch_loop.h"
#include "newsflow/common/kafka.h"
#include "newsflow/common/result.h"
#include "newsflow/common/topics.h"
#include "newsflow/extract/extractor.h"

namespace newsflow::extract {

struct ServiceOptions {
  KafkaOptions kafka;
  std::string input_topic = topics::kArticles;
  std::string output_topic = topics::kEvents;
  std::string dead_letter_topic = topics::kDeadLetter;
  std::string group = "newsflow-extract";
  BatchOptions batch;
  ExtractorOptions extractor;
  int metrics_port = -1;  // serve /metrics and /healthz on this port; -1: off, 0: any free port
};

// Runs until SIGTERM/SIGINT (then finishes the batch, commits and leaves the group) or a fatal
// error (returned). Input it cannot handle goes to the dead-letter topic with the reason.
Status RunService(const ServiceOptions& options);

}  // namespace newsflow::extract
