// Helpers for source tests. RecordingSink: an ArticleSink that records what a source hands over (thread-safe, so a test can
// watch a source running on another thread), answers Checkpoint() as told, and stands in for the
// clock: Wait() records the wait and returns at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "newsflow/ingest/source.h"

namespace newsflow::ingest {

class RecordingSink : public ArticleSink {
 public:
  struct Item {
    std::string bytes, url, title, outlet, language, reject_reason, reject_detail;
    v1::Origin origin = v1::ORIGIN_UNSPECIFIED;
    std::optional<std::chrono::system_clock::time_point> published_at;
  };

  bool Accept(const RawArticle& raw) override {
    std::lock_guard lock(mu_);
    items_.push_back({std::string(raw.bytes), raw.url, raw.title, raw.outlet, raw.language, "", "", raw.origin,
                      raw.published_at});
    return stop_after == 0 || items_.size() < stop_after;
  }
  bool Reject(std::string_view reason, std::string_view detail, std::string_view original,
              std::string_view source) override {
    std::lock_guard lock(mu_);
    items_.push_back({std::string(original), std::string(source), "", "", "", std::string(reason),
                      std::string(detail), v1::ORIGIN_UNSPECIFIED, std::nullopt});
    return stop_after == 0 || items_.size() < stop_after;
  }
  Status Checkpoint() override {
    std::lock_guard lock(mu_);
    ++checkpoints_;
    return checkpoint_result;
  }
  // Returns at once: true for the first `waits_allowed` calls, then false (stop).
  bool Wait(std::chrono::milliseconds d) override {
    std::lock_guard lock(mu_);
    waits_.push_back(d);
    return static_cast<int>(waits_.size()) <= waits_allowed;
  }
  void ExpectTotal(uint64_t total) override { expected_total = total; }

  std::vector<Item> items() const {
    std::lock_guard lock(mu_);
    return items_;
  }
  std::vector<std::string> titles() const {
    std::vector<std::string> out;
    for (const auto& it : items()) out.push_back(it.title);
    return out;
  }
  std::vector<std::chrono::milliseconds> waits() const {
    std::lock_guard lock(mu_);
    return waits_;
  }
  int checkpoints() const {
    std::lock_guard lock(mu_);
    return checkpoints_;
  }

  // Set before the source runs.
  size_t stop_after = 0;  // Accept/Reject return false from this many items on; 0 = never
  int waits_allowed = 1 << 30;
  Status checkpoint_result;
  uint64_t expected_total = 0;

 private:
  mutable std::mutex mu_;
  std::vector<Item> items_;
  std::vector<std::chrono::milliseconds> waits_;
  int checkpoints_ = 0;
};

// A fresh directory under the system temp dir, removed with its contents by the destructor.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() / ("ingest_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  void Write(const std::filesystem::path& rel, const std::string& content) const {
    std::filesystem::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel, std::ios::binary) << content;
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

}  // namespace newsflow::ingest
