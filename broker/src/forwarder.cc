#include "forwarder.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace newsflow::broker {
namespace {

// Copies bytes both ways until either side closes or a stop is requested.
void Relay(UniqueFd client, const std::string& target, const std::atomic<bool>& stop) {
  auto upstream = ConnectTcp(target);
  if (!upstream.ok()) return;  // closing the client tells it to retry, as a down broker would
  std::array<pollfd, 2> fds{pollfd{client.get(), POLLIN, 0}, pollfd{upstream->get(), POLLIN, 0}};
  std::array<char, 64 * 1024> buf{};
  while (!stop.load()) {
    int n = ::poll(fds.data(), fds.size(), 100);
    if (n < 0 && errno != EINTR) return;
    for (size_t i = 0; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t got = ::recv(fds[i].fd, buf.data(), buf.size(), 0);
      if (got <= 0) return;
      if (!WriteAll(fds[1 - i].fd, std::string_view(buf.data(), static_cast<size_t>(got)))) return;
    }
  }
}

}  // namespace

Result<std::unique_ptr<BootstrapForwarder>> BootstrapForwarder::Start(uint16_t port, std::string target) {
  auto loop = AcceptLoop::Start(port, [target](UniqueFd conn, const std::atomic<bool>& stop) {
    Relay(std::move(conn), target, stop);
  });
  if (!loop.ok()) return loop.status();
  auto f = std::make_unique<BootstrapForwarder>();
  f->loop_ = std::move(*loop);
  return f;
}

}  // namespace newsflow::broker
