// Fault injection for tests: a line protocol on a loopback TCP port (`--control-port`).
//
// One command per line, one reply line per command: "ok" or "error <why>".
//   broker-down ID                        disconnect broker ID (-1 = all) and refuse connections
//   broker-up ID                          accept connections again
//   push-errors APIKEY ERRCODE COUNT      fail the next COUNT requests of Kafka API APIKEY
//                                         (0 = Produce, 1 = Fetch, 3 = Metadata, 8 = OffsetCommit...)
//                                         with Kafka error code ERRCODE (e.g. 6 = NOT_LEADER_FOR_PARTITION,
//                                         7 = REQUEST_TIMED_OUT; -195 disconnects the client instead)
//   ping                                  "ok" (to check the port is served)
// Example: printf 'broker-down 1\n' | nc 127.0.0.1 PORT
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mock_cluster.h"
#include "newsflow/common/result.h"
#include "socket.h"

namespace newsflow::broker {

struct ControlCommand {
  enum class Kind { kPing, kBrokerDown, kBrokerUp, kPushErrors };
  Kind kind = Kind::kPing;
  int32_t broker_id = -1;
  int16_t api_key = 0;
  int32_t error_code = 0;
  int32_t count = 0;
};

// Parses one line (surrounding whitespace ignored). InvalidArgument names what is wrong.
Result<ControlCommand> ParseControlCommand(std::string_view line);
// Applies a command to the cluster.
Status ApplyControlCommand(const ControlCommand& cmd, MockCluster& cluster);
// Parses and applies one line; returns the reply line without its newline ("ok" / "error ...").
std::string HandleControlLine(std::string_view line, MockCluster& cluster);

class ControlServer {
 public:
  // Serves the protocol on 127.0.0.1:`port` (0 = ephemeral). `cluster` must outlive the server.
  static Result<std::unique_ptr<ControlServer>> Start(uint16_t port, MockCluster* cluster);
  uint16_t port() const { return loop_->port(); }

 private:
  std::unique_ptr<AcceptLoop> loop_;
};

}  // namespace newsflow::broker
