#include "newsflow/ingest/publisher.h"

#include <thread>

#include "newsflow/common/log.h"
#include "newsflow/common/shutdown.h"

namespace newsflow::ingest {

Publisher::Publisher(const ArticleParser* parser, Producer* producer, DeadLetterWriter* dead_letters,
                     PublisherOptions options)
    : parser_(parser), producer_(producer), dead_letters_(dead_letters), options_(std::move(options)),
      next_slot_(std::chrono::steady_clock::now()) {}

bool Publisher::Pace() {
  if (options_.rate <= 0) return true;
  // Slots on a steady clock: a slow broker does not make the next articles burst to "catch up"
  // beyond one slot.
  const auto now = std::chrono::steady_clock::now();
  if (next_slot_ < now) next_slot_ = now;
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_slot_ - now);
  next_slot_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / options_.rate));
  while (std::chrono::steady_clock::now() < now + wait) {
    producer_->Poll(std::chrono::milliseconds(0));  // deliveries keep flowing while we wait
    if (SleepUnlessShutdown(std::min(wait, std::chrono::milliseconds(50)))) return false;
  }
  return true;
}

bool Publisher::Reject(std::string_view reason, std::string_view detail, std::string_view original,
                       std::string_view source) {
  if (!fatal_.ok() || ShutdownRequested()) return false;
  ++read_;
  if (Status s = dead_letters_->Send(reason, detail, original, source); !s.ok()) {
    fatal_ = s;
    return false;
  }
  ++dead_lettered_;
  return options_.limit <= 0 || static_cast<int64_t>(read_) < options_.limit;
}

bool Publisher::Accept(const RawArticle& in) {
  if (!fatal_.ok() || ShutdownRequested()) return false;
  if (options_.limit > 0 && static_cast<int64_t>(read_) >= options_.limit) return false;
  if (!Pace()) return false;
  ++read_;
  RawArticle raw = in;
  raw.ingested_at = options_.clock.value_or(std::chrono::system_clock::now());
  auto article = parser_->Parse(raw);
  Status sent;
  if (!article.ok()) {
    // The reason is the message up to its first ':' ("invalid_utf8: byte offset 12").
    const std::string& msg = article.status().message();
    sent = dead_letters_->Send(msg.substr(0, msg.find(':')), msg, raw.bytes, raw.url);
    if (sent.ok()) ++dead_lettered_;
  } else {
    std::string bytes;
    article->SerializeToString(&bytes);
    sent = producer_->Produce(options_.topic, article->id(), bytes);
    if (sent.ok()) ++produced_;
  }
  if (!sent.ok()) {
    fatal_ = sent;
    Log(LogLevel::kError, "produce_failed", {{"error", sent.message()}, {"url", raw.url}});
    return false;
  }
  producer_->Poll(std::chrono::milliseconds(0));
  if (options_.progress_every > 0 && read_ % static_cast<uint64_t>(options_.progress_every) == 0)
    Log(LogLevel::kInfo, "progress",
        {{"read", std::to_string(read_)}, {"produced", std::to_string(produced_)},
         {"dead_lettered", std::to_string(dead_lettered_)}, {"acknowledged", std::to_string(producer_->delivered())}});
  return options_.limit <= 0 || static_cast<int64_t>(read_) < options_.limit;
}

Status Publisher::Finish(std::chrono::milliseconds timeout) {
  Status flushed = producer_->Flush(timeout);
  if (!fatal_.ok()) return fatal_;
  if (!flushed.ok()) return flushed;
  const uint64_t expected = produced_ + dead_lettered_;
  if (producer_->failed() > 0 || producer_->delivered() < expected)
    return Status::Unavailable(std::to_string(producer_->delivered()) + " of " + std::to_string(expected) +
                               " messages acknowledged");
  return Status::Ok();
}

}  // namespace newsflow::ingest
