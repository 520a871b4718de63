#include "test_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace newsflow::testing {

TestHttpServer::TestHttpServer() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    return;
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Loop(); });
}

TestHttpServer::~TestHttpServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

void TestHttpServer::Serve(const std::string& path, Route route) {
  std::lock_guard lock(mu_);
  routes_[path] = std::move(route);
}

std::string TestHttpServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

TestHttpServer::Counts TestHttpServer::counts(const std::string& path) {
  std::lock_guard lock(mu_);
  return counts_[path];
}

void TestHttpServer::Loop() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    Handle(client);
    ::close(client);
  }
}

void TestHttpServer::Handle(int client) {
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    pollfd p{client, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return;
    const ssize_t n = ::read(client, buf, sizeof buf);
    if (n <= 0) return;
    request.append(buf, static_cast<size_t>(n));
  }
  const size_t sp = request.find(' ');
  const std::string path = request.substr(sp + 1, request.find(' ', sp + 1) - sp - 1);
  std::string if_none_match;
  std::istringstream lines(request);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    for (size_t i = 0; i < line.size() && line[i] != ':'; ++i) line[i] = static_cast<char>(std::tolower(line[i]));
    if (line.starts_with("if-none-match:")) if_none_match = line.substr(line.find_first_not_of(' ', 14));
  }
  std::string response;
  {
    std::lock_guard lock(mu_);
    Counts& c = counts_[path];
    auto it = routes_.find(path);
    if (it == routes_.end() || it->second.bodies.empty()) {
      ++c.requests;
      response = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    } else {
      const Route& r = it->second;
      const std::string& body = r.bodies[std::min<size_t>(c.requests, r.bodies.size() - 1)];
      ++c.requests;
      const std::string etag = "\"" + std::to_string(std::hash<std::string>()(body)) + "\"";
      if (!if_none_match.empty()) ++c.conditional;
      if (r.etag && r.status == 200 && if_none_match == etag) {
        ++c.not_modified;
        response = "HTTP/1.0 304 Not Modified\r\nETag: " + etag + "\r\n\r\n";
      } else {
        response = "HTTP/1.0 " + std::to_string(r.status) + " X\r\nContent-Type: application/xml\r\n" +
                   (r.etag ? "ETag: " + etag + "\r\n" : "") + "Content-Length: " + std::to_string(body.size()) +
                   "\r\n\r\n" + body;
      }
    }
  }
  for (size_t off = 0; off < response.size();) {
    const ssize_t n = ::send(client, response.data() + off, response.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

std::string ReadFeedFixture(const std::string& name) {
  std::ifstream in(std::string(NEWSFLOW_FEED_FIXTURES) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace newsflow::testing
