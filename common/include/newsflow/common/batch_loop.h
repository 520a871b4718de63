// The consumer loop of extract and sink: poll, gather a batch, hand it to the stage, retry
// transient failures with backoff, and let the stage commit. Pending messages are processed
// before their partitions are revoked, so a rebalance never loses or doubles work.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "newsflow/common/kafka.h"
#include "newsflow/common/result.h"

namespace newsflow {

struct BatchOptions {
  // A batch closes when the consumer has no further message ready, at max_messages, or max_wait
  // after its first message, whichever comes first: small batches (low latency) when traffic is
  // light, large ones (throughput) when messages queue up while a batch is processed.
  size_t max_messages = 256;
  std::chrono::milliseconds max_wait{50};
  std::chrono::milliseconds backoff_initial{100}; // first retry delay after an Unavailable
  std::chrono::milliseconds backoff_max{5000};    // retry delay cap (doubling)
};

// Processes a batch and commits its offsets (to Kafka, or inside the store). Returns Ok when done;
// Unavailable to have the same batch retried after a backoff; any other error stops the loop.
using BatchHandler = std::function<Status(std::vector<KafkaMessage>& batch)>;

class BatchLoop {
 public:
  BatchLoop(BatchOptions options, BatchHandler handler) : options_(options), handler_(std::move(handler)) {}

  // Rebalance hooks that flush the pending batch before a revoke, then call `extra`'s hooks.
  // Pass the result to Consumer::Create.
  RebalanceHooks Hooks(RebalanceHooks extra = {});

  // Runs until shutdown is requested (then processes what it holds and returns Ok) or the handler
  // fails with a non-retryable error (returned). Holds no message when it returns: what was not
  // processed is uncommitted and read again after a restart.
  Status Run(Consumer& consumer);

  uint64_t batches() const { return batches_; }
  uint64_t messages() const { return messages_; }

 private:
  Status Loop(Consumer& consumer);
  Status ProcessPending();

  BatchOptions options_;
  BatchHandler handler_;
  std::vector<KafkaMessage> pending_;
  Status fatal_;
  uint64_t batches_ = 0, messages_ = 0;
};

}  // namespace newsflow
