// Kafka plumbing shared by every process: RAII librdkafka handles, a producer that tracks
// delivery acknowledgements, and a consumer-group member with rebalance hooks.
#pragma once

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "newsflow/common/result.h"

namespace newsflow {

// RAII for librdkafka's C handles; the deleter stands next to the type.
struct KafkaHandleDeleter { void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); } };
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;
struct KafkaConfDeleter { void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); } };
using KafkaConf = std::unique_ptr<rd_kafka_conf_t, KafkaConfDeleter>;
struct KafkaMessageDeleter { void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); } };
using KafkaMessage = std::unique_ptr<rd_kafka_message_t, KafkaMessageDeleter>;
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

// Connection settings every binary takes: `--brokers` and `-X key=value`.
struct KafkaOptions {
  std::string brokers;
  std::vector<std::pair<std::string, std::string>> properties;  // applied last: they win
};

// Resolves the bootstrap servers: the flag, else $NEWSFLOW_BROKERS, else the dev broker's address
// file ($NEWSFLOW_BROKER_FILE or ./.newsflow/broker.addr). Error when none is found.
Result<std::string> ResolveBrokers(const KafkaOptions& opts);

// Builds a librdkafka configuration: `defaults` first, then bootstrap servers, then the user's
// -X properties. Any property librdkafka rejects gives InvalidArgument naming it.
Result<KafkaConf> MakeKafkaConf(const KafkaOptions& opts,
                                const std::vector<std::pair<std::string, std::string>>& defaults);

// A topic-partition-offset triple.
struct PartitionOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;  // the next offset to read
};

// The offsets to commit once a batch is processed: per topic-partition, one past the highest
// offset seen. Extract commits them to Kafka; the sink stores them inside its transaction.
class NextOffsets {
 public:
  void Saw(std::string_view topic, int32_t partition, int64_t offset) {
    int64_t& n = next_[{std::string(topic), partition}];
    n = std::max(n, offset + 1);
  }
  // Sorted by topic, then partition.
  std::vector<PartitionOffset> Get() const {
    std::vector<PartitionOffset> out;
    for (const auto& [tp, offset] : next_) out.push_back({tp.first, tp.second, offset});
    return out;
  }

 private:
  std::map<std::pair<std::string, int32_t>, int64_t> next_;
};

// An idempotent producer (enable.idempotence=true, acks=all) that counts acknowledgements.
// Thread-compatible: one thread produces and flushes.
class Producer {
 public:
  // `defaults` may override the producer defaults (e.g. linger.ms); -X properties override both.
  static Result<std::unique_ptr<Producer>> Create(
      const KafkaOptions& opts, const std::vector<std::pair<std::string, std::string>>& defaults = {});
  ~Producer();

  // Enqueues one message, copying key and value. Blocks (serving delivery reports) while the
  // local queue is full. Errors: unknown topic, message too large.
  Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                 int32_t partition = RD_KAFKA_PARTITION_UA);
  // Serves delivery reports without blocking longer than `timeout`.
  void Poll(std::chrono::milliseconds timeout);
  // Waits until every enqueued message is acknowledged. Returns the first delivery error since the
  // previous Flush (the caller must then not commit the input offsets), or Unavailable on timeout.
  Status Flush(std::chrono::milliseconds timeout);

  uint64_t delivered() const { return delivered_.load(); }
  uint64_t failed() const { return failed_.load(); }
  rd_kafka_t* raw() { return rk_.get(); }

 private:
  Producer() = default;
  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque);

  KafkaHandle rk_;
  std::atomic<uint64_t> delivered_{0}, failed_{0};
  std::mutex mu_;
  Status first_error_;  // guarded by mu_
};

// Hooks called from inside Consumer::Poll when the group assigns or revokes partitions.
struct RebalanceHooks {
  // Called with the newly assigned partitions before they are assigned; may set each entry's
  // offset (e.g. from offsets stored in a database) — RD_KAFKA_OFFSET_INVALID keeps the committed one.
  std::function<void(rd_kafka_topic_partition_list_t*)> on_assign;
  // Called before partitions are taken away: finish and commit in-flight work for them.
  std::function<void(const rd_kafka_topic_partition_list_t*)> on_revoke;
};

// A consumer-group member with manual offset commits (enable.auto.commit=false).
class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> Create(
      const KafkaOptions& opts, const std::string& group_id, const std::vector<std::string>& topics,
      RebalanceHooks hooks = {}, const std::vector<std::pair<std::string, std::string>>& defaults = {});
  ~Consumer();

  // Next message, or nullptr after `timeout` with nothing. Messages with err != 0 are returned
  // too (partition EOF, transient errors): check msg->err.
  KafkaMessage Poll(std::chrono::milliseconds timeout);
  // Synchronously commits `offsets` (next offsets to read) to the group coordinator.
  Status Commit(const std::vector<PartitionOffset>& offsets);
  // Leaves the group cleanly (revokes, then closes). Idempotent.
  Status Close();
  // Partitions currently assigned to this member.
  std::vector<PartitionOffset> Assignment() const;
  // Consumer lag summed over the assignment (high watermark - position), from cached watermarks.
  int64_t Lag() const;
  rd_kafka_t* raw() { return rk_.get(); }

 private:
  Consumer() = default;
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                          void* opaque);

  KafkaHandle rk_;
  RebalanceHooks hooks_;
  bool closed_ = false;
};

// Progress queries, for waiting on "everything processed" and for lag metrics. Each opens a
// short-lived client (costs a connection and a metadata round trip).
// The high watermark (next offset to be written) of every partition of `topic`.
Result<std::vector<PartitionOffset>> QueryHighWatermarks(const KafkaOptions& opts, const std::string& topic,
                                                         std::chrono::milliseconds timeout);
// The offsets `group` has committed for every partition of `topic` (RD_KAFKA_OFFSET_INVALID
// where it has committed none).
Result<std::vector<PartitionOffset>> QueryCommitted(const KafkaOptions& opts, const std::string& group,
                                                    const std::string& topic, std::chrono::milliseconds timeout);

// "topic [partition] @ offset" for messages in logs and dead letters.
std::string DescribeMessage(const rd_kafka_message_t* m);

}  // namespace newsflow
