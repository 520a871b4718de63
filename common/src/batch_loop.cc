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
  Status s = Loop(consumer);
  // Whatever is still pending was not committed and will be read again after a restart. Release
  // it now: librdkafka's rd_kafka_destroy waits until every message it handed out is destroyed,
  // so a consumer closed while we still hold messages would hang the process on its way out.
  pending_.clear();
  return s;
}

Status BatchLoop::Loop(Consumer& consumer) {
  auto batch_started = std::chrono::steady_clock::now();
  while (!ShutdownRequested()) {
    // A batch closes as soon as the consumer has nothing more ready ("smart batching"): an empty
    // local queue means waiting would only add latency. Under load, messages pile up while the
    // previous batch is processed, so batches grow by themselves up to max_messages; max_wait
    // only caps a batch that keeps filling without ever reaching max_messages.
    KafkaMessage msg = consumer.Poll(pending_.empty() ? std::chrono::milliseconds(100) : std::chrono::milliseconds(0));
    if (!fatal_.ok()) return fatal_;
    const bool idle = msg == nullptr;  // nothing more is waiting right now
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
