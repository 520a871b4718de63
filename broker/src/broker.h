// The dev broker process: a mock cluster with the pipeline's topics, an address file, optional
// bootstrap port and fault-injection control port, until SIGTERM / SIGINT.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"

namespace newsflow::broker {

struct TopicSpec {
  std::string name;
  int partitions = 0;
};

struct BrokerOptions {
  int brokers_count = 1;
  int default_partitions = 4;
  std::vector<TopicSpec> topics;     // empty: the pipeline topics with default_partitions
  std::string address_file = ".newsflow/broker.addr";
  int port = -1;                     // bootstrap relay port; -1 = none
  int control_port = -1;             // fault-injection port; -1 = none, 0 = ephemeral
  std::string control_address_file;  // where the control address goes; empty = address_file + ".control"
};

// "NAME:PARTITIONS" or "NAME" (then `default_partitions`).
Result<TopicSpec> ParseTopicSpec(std::string_view spec, int default_partitions);

// Runs the broker until shutdown is requested. Prints the bootstrap string as one line on stdout.
Status RunBroker(const BrokerOptions& options);

}  // namespace newsflow::broker
