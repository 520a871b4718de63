// Loopback TCP helpers for the dev broker's bootstrap forwarder and control port.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "newsflow/common/result.h"

namespace newsflow::broker {

// Owns one file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) Reset(std::exchange(o.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A listening socket on 127.0.0.1:`port` (0 = an ephemeral port). Only loopback: the dev broker
// is never reachable from other machines.
Result<UniqueFd> ListenLoopback(uint16_t port);
// The port a bound socket listens on.
Result<uint16_t> LocalPort(int fd);
// A connected socket to "host:port" (IPv4 / name resolved with getaddrinfo).
Result<UniqueFd> ConnectTcp(std::string_view host_port);
// Waits up to `timeout_ms` for `fd` to become readable; false on timeout.
bool WaitReadable(int fd, int timeout_ms);
// Writes all of `data`, retrying short writes. False when the peer is gone.
bool WriteAll(int fd, std::string_view data);


// Accepts connections on a loopback listener from a background thread and serves each on a thread
// of its own. Connections are few (a handful of clients of a dev broker), so a thread each is the
// simplest correct design. The destructor stops accepting, tells handlers to stop, joins them.
class AcceptLoop {
 public:
  // Serves one connection; must return soon after `stop` becomes true (poll with a short timeout).
  using Handler = std::function<void(UniqueFd conn, const std::atomic<bool>& stop)>;

  // Listens on 127.0.0.1:`port` (0 = ephemeral).
  static Result<std::unique_ptr<AcceptLoop>> Start(uint16_t port, Handler handler);
  ~AcceptLoop();
  uint16_t port() const { return port_; }

 private:
  struct Token {};

 public:
  AcceptLoop(Token, UniqueFd listener, uint16_t port, Handler handler);

 private:
  void Run();

  UniqueFd listener_;
  uint16_t port_;
  Handler handler_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  struct Connection {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  // Joins the threads of connections that ended (clients reconnect often during fault tests).
  void JoinFinished();
  std::vector<Connection> connections_;  // guarded by mu_
  std::thread acceptor_;
};

}  // namespace newsflow::broker
