// The common produce path of every source: parse -> Article to the articles topic keyed by id;
// parse failures and rejected input -> the dead-letter topic. Paces (--rate) and limits (--limit).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "newsflow/common/dead_letter.h"
#include "newsflow/common/kafka.h"
#include "newsflow/ingest/article_parser.h"
#include "newsflow/ingest/metrics.h"
#include "newsflow/ingest/source.h"

namespace newsflow::ingest {

struct PublisherOptions {
  std::string topic = "newsflow.articles";
  double rate = 0;             // articles per second; 0 = as fast as the broker takes them
  int64_t limit = 0;           // stop after this many articles read; 0 = no limit
  int64_t progress_every = 100;  // a progress log line every N articles read
  std::chrono::milliseconds progress_interval{5000};  // ... or when this much time passed since the last
  // Fixed ingest clock (reproducible runs); unset = the system clock at read time.
  std::optional<std::chrono::system_clock::time_point> clock;
};

class Publisher : public ArticleSink {
 public:
  // `parser`, `producer`, `dead_letters`, `metrics` must outlive the publisher.
  Publisher(const ArticleParser* parser, Producer* producer, DeadLetterWriter* dead_letters, IngestMetrics* metrics,
            PublisherOptions options);

  bool Accept(const RawArticle& raw) override;
  bool Reject(std::string_view reason, std::string_view detail, std::string_view original,
              std::string_view source) override;
  // Flushes the producer (up to 60 s): Ok when everything produced so far is acknowledged.
  Status Checkpoint() override;
  // Sleeps while serving delivery reports; false on shutdown.
  bool Wait(std::chrono::milliseconds d) override;
  // Makes progress lines carry an ETA.
  void ExpectTotal(uint64_t total) override { total_ = total; }

  // Waits for every acknowledgement. Ok only when every produced message (articles and dead
  // letters) was acknowledged and nothing failed on the way.
  Status Finish(std::chrono::milliseconds timeout);

  uint64_t read() const { return read_; }
  uint64_t produced() const { return produced_; }
  uint64_t dead_lettered() const { return dead_lettered_; }

 private:
  bool Pace();
  // Counts one input read; logs progress every progress_every inputs or progress_interval.
  void Progress();

  const ArticleParser* parser_;
  Producer* producer_;
  DeadLetterWriter* dead_letters_;
  IngestMetrics* metrics_;
  PublisherOptions options_;
  std::chrono::steady_clock::time_point next_slot_, started_, last_progress_;
  uint64_t total_ = 0;
  Status fatal_;
  uint64_t read_ = 0, produced_ = 0, dead_lettered_ = 0;
};

}  // namespace newsflow::ingest
