#include "newsflow/ingest/publisher.h"

#include <cstdio>
#include <thread>

#include "newsflow/common/log.h"
#include "newsflow/common/shutdown.h"

namespace newsflow::ingest {

Publisher::Publisher(const ArticleParser* parser, Producer* producer, DeadLetterWriter* dead_letters,
                     IngestMetrics* metrics, PublisherOptions options)
    : parser_(parser), producer_(producer), dead_letters_(dead_letters), metrics_(metrics),
      options_(std::move(options)), next_slot_(std::chrono::steady_clock::now()), started_(next_slot_),
      last_progress_(next_slot_) {}

bool Publisher::Wait(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
    producer_->Poll(std::chrono::milliseconds(0));  // deliveries keep flowing while we wait
    metrics_->acknowledged.Set(static_cast<double>(producer_->delivered()));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
    if (SleepUnlessShutdown(std::min(left, std::chrono::milliseconds(50)))) return false;
  }
  return !ShutdownRequested();
}

bool Publisher::Pace() {
  if (options_.rate <= 0) return true;
  // Slots on a steady clock: a slow broker does not make the next articles burst to "catch up"
  // beyond one slot.
  const auto now = std::chrono::steady_clock::now();
  if (next_slot_ < now) next_slot_ = now;
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_slot_ - now);
  next_slot_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / options_.rate));
  return wait.count() <= 0 || Wait(wait);
}

void Publisher::Progress() {
  ++read_;
  metrics_->read.Add();
  const auto now = std::chrono::steady_clock::now();
  const bool by_count = options_.progress_every > 0 && read_ % static_cast<uint64_t>(options_.progress_every) == 0;
  const bool by_time = options_.progress_interval.count() > 0 && now - last_progress_ >= options_.progress_interval;
  if (!by_count && !by_time) return;
  last_progress_ = now;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const double rate = elapsed > 0 ? static_cast<double>(read_) / elapsed : 0;
  char rate_text[32];
  std::snprintf(rate_text, sizeof rate_text, "%.1f", rate);
  uint64_t total = total_;
  if (options_.limit > 0 && (total == 0 || static_cast<uint64_t>(options_.limit) < total))
    total = static_cast<uint64_t>(options_.limit);
  std::string eta = "unknown";
  if (total > 0 && rate > 0)
    eta = std::to_string(static_cast<int64_t>(static_cast<double>(total > read_ ? total - read_ : 0) / rate)) + "s";
  Log(LogLevel::kInfo, "progress",
      {{"read", std::to_string(read_)}, {"total", total > 0 ? std::to_string(total) : "unknown"},
       {"produced", std::to_string(produced_)}, {"dead_lettered", std::to_string(dead_lettered_)},
       {"acknowledged", std::to_string(producer_->delivered())}, {"rate_per_s", rate_text}, {"eta", eta}});
}

bool Publisher::Reject(std::string_view reason, std::string_view detail, std::string_view original,
                       std::string_view source) {
  if (!fatal_.ok() || ShutdownRequested()) return false;
  Progress();
  if (Status s = dead_letters_->Send(reason, detail, original, source); !s.ok()) {
    fatal_ = s;
    return false;
  }
  ++dead_lettered_;
  metrics_->dead_lettered.Add();
  return options_.limit <= 0 || static_cast<int64_t>(read_) < options_.limit;
}

bool Publisher::Accept(const RawArticle& in) {
  if (!fatal_.ok() || ShutdownRequested()) return false;
  if (options_.limit > 0 && static_cast<int64_t>(read_) >= options_.limit) return false;
  if (!Pace()) return false;
  metrics_->article_bytes.Add(static_cast<int64_t>(in.bytes.size()));
  RawArticle raw = in;
  raw.ingested_at = options_.clock.value_or(std::chrono::system_clock::now());
  auto article = parser_->Parse(raw);
  Status sent;
  if (!article.ok()) {
    // The reason is the message up to its first ':' ("invalid_utf8: byte offset 12").
    const std::string& msg = article.status().message();
    sent = dead_letters_->Send(msg.substr(0, msg.find(':')), msg, raw.bytes, raw.url);
    if (sent.ok()) {
      ++dead_lettered_;
      metrics_->dead_lettered.Add();
    }
  } else {
    std::string bytes;
    article->SerializeToString(&bytes);
    sent = producer_->Produce(options_.topic, article->id(), bytes);
    if (sent.ok()) {
      ++produced_;
      metrics_->produced.Add();
    }
  }
  if (!sent.ok()) {
    fatal_ = sent;
    Log(LogLevel::kError, "produce_failed", {{"error", sent.message()}, {"url", raw.url}});
    return false;
  }
  producer_->Poll(std::chrono::milliseconds(0));
  metrics_->acknowledged.Set(static_cast<double>(producer_->delivered()));
  Progress();
  return options_.limit <= 0 || static_cast<int64_t>(read_) < options_.limit;
}

// The same acknowledgement check as at the end, at a source's commit point.
Status Publisher::Checkpoint() { return Finish(std::chrono::seconds(60)); }

Status Publisher::Finish(std::chrono::milliseconds timeout) {
  Status flushed = producer_->Flush(timeout);
  metrics_->acknowledged.Set(static_cast<double>(producer_->delivered()));
  if (!fatal_.ok()) return fatal_;
  if (!flushed.ok()) return flushed;
  const uint64_t expected = produced_ + dead_lettered_;
  if (producer_->failed() > 0 || producer_->delivered() < expected)
    return Status::Unavailable(std::to_string(producer_->delivered()) + " of " + std::to_string(expected) +
                               " messages acknowledged");
  return Status::Ok();
}

}  // namespace newsflow::ingest
