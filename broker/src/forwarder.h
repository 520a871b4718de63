// `--port P`: a fixed bootstrap address for the mock cluster.
//
// librdkafka 2.0.2's mock brokers always listen on ephemeral loopback ports (the cluster has no
// listener-port setting; later versions added one). So a fixed port is a plain TCP relay on
// 127.0.0.1:P to the first mock broker. Clients bootstrap through it, then connect to the broker
// addresses the metadata advertises (the ephemeral ones) directly. The relay only has to carry
// the bootstrap connection, and it keeps carrying whatever connection a client keeps on it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "newsflow/common/result.h"
#include "socket.h"

namespace newsflow::broker {

class BootstrapForwarder {
 public:
  // Listens on 127.0.0.1:`port` and relays every connection to `target` ("127.0.0.1:NNNNN").
  static Result<std::unique_ptr<BootstrapForwarder>> Start(uint16_t port, std::string target);
  uint16_t port() const { return loop_->port(); }

 private:
  std::unique_ptr<AcceptLoop> loop_;
};

}  // namespace newsflow::broker
