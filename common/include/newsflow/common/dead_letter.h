// The dead-letter topic: input a stage cannot handle is produced there with the stage, the
// reason and the original bytes. Nothing is dropped silently.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "newsflow/common/kafka.h"
#include "newsflow/common/result.h"

namespace newsflow {

class DeadLetterWriter {
 public:
  // `producer` must outlive the writer; deliveries are acknowledged by the producer's Flush().
  DeadLetterWriter(Producer* producer, std::string topic, std::string stage)
      : producer_(producer), topic_(std::move(topic)), stage_(std::move(stage)) {}

  // Dead-letters a Kafka message (original bytes, key, topic/partition/offset kept).
  Status Send(std::string_view reason, std::string_view detail, const rd_kafka_message_t* original);
  // Dead-letters input that did not come from Kafka (a file, a feed item): `source` names it.
  Status Send(std::string_view reason, std::string_view detail, std::string_view original, std::string_view source);

  uint64_t count() const { return count_.load(); }
  const std::string& topic() const { return topic_; }

 private:
  Status Produce(std::string_view reason, std::string_view detail, std::string_view original, std::string_view source,
                 int32_t partition, int64_t offset, std::string_view key);

  Producer* producer_;
  std::string topic_, stage_;
  std::atomic<uint64_t> count_{0};
};

}  // namespace newsflow
