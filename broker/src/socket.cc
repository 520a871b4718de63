#include "socket.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace newsflow::broker {

void UniqueFd::Reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

namespace {
std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

struct AddrInfoDeleter {
  void operator()(addrinfo* ai) const { freeaddrinfo(ai); }
};
using AddrInfo = std::unique_ptr<addrinfo, AddrInfoDeleter>;
}  // namespace

Result<UniqueFd> ListenLoopback(uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::Internal(Errno("socket"));
  int one = 1;
  // A restarted broker must be able to take its port back while old connections sit in TIME_WAIT.
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Status::Unavailable(Errno("bind 127.0.0.1:" + std::to_string(port)));
  if (::listen(fd.get(), 64) != 0) return Status::Internal(Errno("listen"));
  return fd;
}

Result<uint16_t> LocalPort(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return Status::Internal(Errno("getsockname"));
  return static_cast<uint16_t>(ntohs(addr.sin_port));
}

Result<UniqueFd> ConnectTcp(std::string_view host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string_view::npos) return Status::InvalidArgument("expected HOST:PORT, got " + std::string(host_port));
  std::string host(host_port.substr(0, colon)), port(host_port.substr(colon + 1));
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &raw); rc != 0)
    return Status::Unavailable("resolve " + std::string(host_port) + ": " + gai_strerror(rc));
  AddrInfo ai(raw);
  UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
  if (!fd.valid()) return Status::Internal(Errno("socket"));
  if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0)
    return Status::Unavailable(Errno("connect " + std::string(host_port)));
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool WaitReadable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}


// Poll interval of the accept and connection loops: how long a stop request may wait.
constexpr int kPollMs = 100;

Result<std::unique_ptr<AcceptLoop>> AcceptLoop::Start(uint16_t port, Handler handler) {
  auto fd = ListenLoopback(port);
  if (!fd.ok()) return fd.status();
  auto bound = LocalPort(fd->get());
  if (!bound.ok()) return bound.status();
  return std::make_unique<AcceptLoop>(Token{}, std::move(*fd), *bound, std::move(handler));
}

AcceptLoop::AcceptLoop(Token, UniqueFd listener, uint16_t port, Handler handler)
    : listener_(std::move(listener)), port_(port), handler_(std::move(handler)) {
  acceptor_ = std::thread([this] { Run(); });
}

AcceptLoop::~AcceptLoop() {
  stop_.store(true);
  if (acceptor_.joinable()) acceptor_.join();
  std::lock_guard lock(mu_);
  for (auto& c : connections_)
    if (c.thread.joinable()) c.thread.join();
}

void AcceptLoop::JoinFinished() {
  std::lock_guard lock(mu_);
  std::erase_if(connections_, [](Connection& c) {
    if (!c.done->load()) return false;
    c.thread.join();
    return true;
  });
}

void AcceptLoop::Run() {
  while (!stop_.load()) {
    if (!WaitReadable(listener_.get(), kPollMs)) continue;
    UniqueFd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn.valid()) continue;
    JoinFinished();
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard lock(mu_);
    connections_.push_back({std::thread(
                                [this, done](UniqueFd c) {
                                  handler_(std::move(c), stop_);
                                  done->store(true);
                                },
                                std::move(conn)),
                            done});
  }
}

}  // namespace newsflow::broker
