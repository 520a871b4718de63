#include "newsflow/common/batch_loop.h"

#include <algorithm>

#include "newsflow/common/log.h"
#include "newsflow/common/shutdown.h"

namespace newsflow {

RebalanceHooks BatchLoop::Hooks(RebalanceHooks extra) {
  RebalanceHooks h;
  h.on_assign = extra.on_assign;
  h.on_revoke = [this, extra](const rd_kafka_topic_partition_list_t* parts) {
    if (Status s = ProcessPending(); !s.ok() && fatal_.ok()) fatal_ = s;
    if (extra.on_revoke) extra.on_revoke(parts);
  };
  return h;
}

Status BatchLoop::ProcessPending() {
  if (pending_.empty()) return Status::Ok();
  auto backoff = options_.backoff_initial;
  for (;;) {
    Status s = handler_(pending_);
    if (s.ok()) {
      batches_++;
      messages_ += pending_.size();
      pending_.clear();
      return s;
    }
    if (s.code() != ErrorCode::kUnavailable) return s;
    Log(LogLevel::kWarn, "batch_retry", {{"error", s.message()}, {"backoff_ms", std::to_string(backoff.count())}});
    // On shutdown the batch is abandoned uncommitted: it is read again after restart.
    if (SleepUnlessShutdown(backoff)) return Status::Unavailable("shutdown while retrying: " + s.message());
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
}

Status BatchLoop::Run(Consumer& consumer) {
  auto batch_started = std::chrono::steady_clock::now();
  while (!ShutdownRequested()) {
    auto wait = options_.max_wait;
    if (!pending_.empty()) {
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - batch_started);
      wait = elapsed >= options_.max_wait ? std::chrono::milliseconds(0) : options_.max_wait - elapsed;
    }
    KafkaMessage msg = consumer.Poll(pending_.empty() ? std::chrono::milliseconds(100) : wait);
    if (!fatal_.ok()) return fatal_;
    const bool idle = msg == nullptr;  // the poll timed out: nothing more is waiting right now
    if (msg) {
      if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (pending_.empty()) batch_started = std::chrono::steady_clock::now();
        pending_.push_back(std::move(msg));
      } else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        Log(LogLevel::kWarn, "consume_error", {{"error", rd_kafka_message_errstr(msg.get())}});
        if (msg->err == RD_KAFKA_RESP_ERR__FATAL) return Status::Internal(rd_kafka_message_errstr(msg.get()));
      }
    }
    const bool full = pending_.size() >= options_.max_messages;
    const bool due = !pending_.empty() && std::chrono::steady_clock::now() - batch_started >= options_.max_wait;
    if (full || due || (idle && !pending_.empty())) {
      Status s = ProcessPending();
      if (!s.ok()) {
        if (s.code() == ErrorCode::kUnavailable && ShutdownRequested()) return Status::Ok();
        return s;
      }
    }
  }
  Status s = ProcessPending();
  if (!s.ok() && s.code() == ErrorCode::kUnavailable) return Status::Ok();  // uncommitted: re-read later
  return s;
}

}  // namespace newsflow
