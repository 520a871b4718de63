#include "newsflow/common/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <sstream>

namespace newsflow {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<int64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  double s = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(s, s + seconds, std::memory_order_relaxed)) {
  }
}

std::string Histogram::Render(const std::string& name) const {
  std::ostringstream o;
  int64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    o << name << "_bucket{le=\"";
    if (i < bounds_.size()) o << bounds_[i];
    else o << "+Inf";
    o << "\"} " << cumulative << "\n";
  }
  o << name << "_sum " << sum_.load() << "\n" << name << "_count " << count_.load() << "\n";
  return o.str();
}

Counter& Metrics::AddCounter(const std::string& name, const std::string& help) {
  counters_.emplace_back();
  entries_.push_back({prefix_ + "_" + name, help, "counter", &counters_.back(), nullptr, nullptr});
  return counters_.back();
}

Gauge& Metrics::AddGauge(const std::string& name, const std::string& help) {
  gauges_.emplace_back();
  entries_.push_back({prefix_ + "_" + name, help, "gauge", nullptr, &gauges_.back(), nullptr});
  return gauges_.back();
}

Histogram& Metrics::AddHistogram(const std::string& name, const std::string& help, std::vector<double> bounds) {
  histograms_.emplace_back(std::move(bounds));
  entries_.push_back({prefix_ + "_" + name, help, "histogram", nullptr, nullptr, &histograms_.back()});
  return histograms_.back();
}

std::string Metrics::Render() const {
  std::ostringstream o;
  for (const Entry& e : entries_) {
    o << "# HELP " << e.name << " " << e.help << "\n# TYPE " << e.name << " " << e.type << "\n";
    if (e.counter) o << e.name << " " << e.counter->value() << "\n";
    if (e.gauge) o << e.name << " " << e.gauge->value() << "\n";
    if (e.histogram) o << e.histogram->Render(e.name);
  }
  return o.str();
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(int port, const Metrics* metrics,
                                                            std::function<bool()> healthy) {
  std::unique_ptr<MetricsServer> s(new MetricsServer());
  s->metrics_ = metrics;
  s->healthy_ = std::move(healthy);
  s->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s->listen_fd_ < 0) return Status::Unavailable(std::string("metrics socket: ") + std::strerror(errno));
  int one = 1;
  setsockopt(s->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(s->listen_fd_, 16) != 0) {
    std::string err = std::strerror(errno);
    close(s->listen_fd_);
    s->listen_fd_ = -1;
    return Status::InvalidArgument("metrics port " + std::to_string(port) + ": " + err);
  }
  socklen_t len = sizeof addr;
  getsockname(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  s->port_ = ntohs(addr.sin_port);
  s->thread_ = std::thread([raw = s.get()] { raw->Serve(); });
  return s;
}

MetricsServer::~MetricsServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void MetricsServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    char buf[2048];
    pollfd r{fd, POLLIN, 0};
    ssize_t n = poll(&r, 1, 1000) > 0 ? read(fd, buf, sizeof buf - 1) : 0;
    std::string req(buf, n > 0 ? static_cast<size_t>(n) : 0);
    std::string status = "200 OK", type = "text/plain; version=0.0.4", body;
    if (req.starts_with("GET /metrics")) {
      body = metrics_->Render();
    } else if (req.starts_with("GET /healthz")) {
      const bool ok = !healthy_ || healthy_();
      status = ok ? "200 OK" : "503 Service Unavailable";
      body = ok ? "ok\n" : "unhealthy\n";
    } else {
      status = "404 Not Found";
      body = "not found\n";
    }
    std::string resp = "HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    for (size_t off = 0; off < resp.size();) {
      ssize_t w = write(fd, resp.data() + off, resp.size() - off);
      if (w <= 0) break;
      off += static_cast<size_t>(w);
    }
    close(fd);
  }
}

}  // namespace newsflow
