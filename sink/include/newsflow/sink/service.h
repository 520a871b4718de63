// The sink process: consumes ExtractOutput messages in batches and applies each batch to the store
// in one transaction together with its offsets (the store is the source of truth for offsets).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/batch_loop.h"
#include "newsflow/common/kafka.h"
#include "newsflow/common/result.h"
#include "newsflow/common/topics.h"
#include "newsflow/v1/event.pb.h"

namespace newsflow::sink {

struct ServiceOptions {
  KafkaOptions kafka;
  std::string store_uri = "newsflow.db";
  std::string topic = topics::kEvents;
  std::string group = "newsflow-sink";
  std::string dead_letter_topic = topics::kDeadLetter;
  BatchOptions batch;
  int metrics_port = -1;  // serve /metrics and /healthz on this port; -1: off, 0: any free port
};

// Runs until SIGTERM / SIGINT (finishes the batch in flight, commits, closes) or a fatal error.
// Store Unavailable is retried with backoff; InvalidArgument for bad options.
Status RunService(const ServiceOptions& options);

// One consumed message, as DecodeBatch needs it (no Kafka handle, so it can be tested alone).
struct InputMessage {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view payload;
};

// A batch split into what the store takes and what goes to the dead-letter topic.
struct DecodedBatch {
  std::vector<v1::ExtractOutput> records;
  struct Rejected {
    size_t index;        // into the input
    std::string reason;  // "bad_protobuf" (not an ExtractOutput) or "store_rejected" (no id / key)
    std::string detail;
  };
  std::vector<Rejected> rejected;
  // Next offset per topic-partition: past every message, rejected ones included (they are
  // recorded on the dead-letter topic, not lost). Sorted by (topic, partition).
  std::vector<PartitionOffset> offsets;
  int64_t articles = 0, events = 0;
};
DecodedBatch DecodeBatch(const std::vector<InputMessage>& messages);

}  // namespace newsflow::sink
