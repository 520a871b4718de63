// librdkafka's in-memory mock cluster, owned by one object. For development and tests only: it
// keeps nothing on disk and implements a subset of the Kafka protocol.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <memory>
#include <string>

#include "newsflow/common/kafka.h"
#include "newsflow/common/result.h"

namespace newsflow::broker {

// Sets TCP_NODELAY on every listening TCP socket of this process (accepted connections inherit
// it); returns how many. The mock cluster offers no setting for it.
int NoDelayOnListeningSockets();

struct MockClusterDeleter {
  void operator()(rd_kafka_mock_cluster_t* c) const { rd_kafka_mock_cluster_destroy(c); }
};
using MockClusterHandle = std::unique_ptr<rd_kafka_mock_cluster_t, MockClusterDeleter>;

class MockCluster {
 public:
  // Starts `brokers` mock brokers (ids 1..brokers) on ephemeral loopback ports.
  static Result<std::unique_ptr<MockCluster>> Create(int brokers);
  ~MockCluster();

  // Creates a topic; replication is min(3, brokers) so a single broker going down can be survived
  // when there are several.
  Status CreateTopic(const std::string& name, int partitions);
  // "127.0.0.1:PORT,..." of every mock broker.
  std::string Bootstraps() const;
  int brokers() const { return brokers_; }

  // Fault injection. `id` is a broker id (1..brokers) or -1 for all of them.
  // Down: connections are closed and new ones refused; up: accepted again.
  Status SetBrokerDown(int32_t id);
  Status SetBrokerUp(int32_t id);
  // The next `count` requests of Kafka API `api_key` (0 = Produce, 1 = Fetch, ...) fail with `error`
  // (a Kafka protocol error code, e.g. 6 = NOT_LEADER_FOR_PARTITION; -195 = transport: disconnect).
  Status PushRequestErrors(int16_t api_key, int32_t error, int count);

 private:
  struct Token {};  // only Create() constructs, yet std::make_unique can

 public:
  explicit MockCluster(Token) {}

 private:

  // Destruction order matters: the cluster before the handle it was created on.
  KafkaHandle rk_;
  MockClusterHandle cluster_;
  int brokers_ = 0;
};

}  // namespace newsflow::broker
