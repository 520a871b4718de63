// Prometheus text metrics and a /healthz endpoint, served by a small HTTP thread per process
// (`--metrics-port`). Counters and gauges are lock-free; registration happens at start-up.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "newsflow/common/result.h"

namespace newsflow {

class Counter {
 public:
  void Add(int64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

class Gauge {
 public:
  void Set(double v) { v_.store(v, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

// A latency histogram with fixed bucket bounds (seconds).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double seconds);
  std::string Render(const std::string& name) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> buckets_;  // bounds_.size() + 1 (+Inf)
  std::atomic<int64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Owns the metrics of one process. Register at start-up (not thread-safe), update from anywhere.
class Metrics {
 public:
  explicit Metrics(std::string prefix) : prefix_(std::move(prefix)) {}
  Counter& AddCounter(const std::string& name, const std::string& help);
  Gauge& AddGauge(const std::string& name, const std::string& help);
  Histogram& AddHistogram(const std::string& name, const std::string& help,
                          std::vector<double> bounds = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5});
  // Prometheus text exposition format 0.0.4.
  std::string Render() const;

 private:
  struct Entry {
    std::string name, help, type;
    Counter* counter = nullptr;
    Gauge* gauge = nullptr;
    Histogram* histogram = nullptr;
  };
  std::string prefix_;
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
  std::deque<Histogram> histograms_;
  std::vector<Entry> entries_;
};

// Serves GET /metrics (Metrics::Render) and GET /healthz (200 "ok" while `healthy()` is true,
// else 503) on 0.0.0.0:port from one background thread; stops in the destructor.
class MetricsServer {
 public:
  static Result<std::unique_ptr<MetricsServer>> Start(int port, const Metrics* metrics,
                                                      std::function<bool()> healthy);
  ~MetricsServer();
  int port() const { return port_; }

 private:
  MetricsServer() = default;
  void Serve();

  int listen_fd_ = -1, port_ = 0;
  const Metrics* metrics_ = nullptr;
  std::function<bool()> healthy_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace newsflow
