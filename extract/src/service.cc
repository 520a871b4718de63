#include "newsflow/extract/service.h"

#include <exception>

#include "newsflow/common/dead_letter.h"
#include "newsflow/common/log.h"
#include "newsflow/common/metrics.h"
#include "newsflow/v1/event.pb.h"

namespace newsflow::extract {
namespace {

constexpr std::chrono::seconds kFlushTimeout{30};

// One batch: every message ends either as extraction output or as a dead letter; offsets are
// committed only once all of that is acknowledged by the broker.
class BatchProcessor {
 public:
  BatchProcessor(const ServiceOptions& o, Extractor* x, Producer* p, DeadLetterWriter* dl, Metrics* m)
      : opts_(o), extractor_(x), producer_(p), dead_letters_(dl),
        articles_in_(m->AddCounter("articles_in_total", "articles consumed and handled")),
        events_out_(m->AddCounter("events_out_total", "event reports produced")),
        dead_letters_out_(m->AddCounter("dead_letters_total", "inputs sent to the dead-letter topic")),
        retries_(m->AddCounter("batch_retries_total", "batches retried after a transient error")),
        lag_(m->AddGauge("consumer_lag", "messages behind the end of the assigned partitions")),
        latency_(m->AddHistogram("batch_seconds", "time to extract, produce and commit one batch")) {}

  Status Process(std::vector<KafkaMessage>& batch, Consumer& consumer) {
    const auto started = std::chrono::steady_clock::now();
    const uint64_t dead_before = dead_letters_->count();
    NextOffsets next;
    uint64_t events = 0;
    for (const KafkaMessage& m : batch) {
      if (Status s = Handle(m.get(), &events); !s.ok()) return s;
      next.Saw(rd_kafka_topic_name(m->rkt), m->partition, m->offset);
    }
    const auto extracted = std::chrono::steady_clock::now();
    if (Status s = producer_->Flush(kFlushTimeout); !s.ok()) {
      retries_.Add();
      return Status::Unavailable(s.message());
    }
    const auto flushed = std::chrono::steady_clock::now();
    if (Status s = consumer.Commit(next.Get()); !s.ok()) {
      // Outputs are delivered; a failed commit only means this batch may be read again, and
      // the sink's upserts absorb the repeat. Not worth stopping for.
      Log(LogLevel::kWarn, "commit_failed", {{"error", s.message()}});
    }
    articles_ += batch.size();
    articles_in_.Add(static_cast<int64_t>(batch.size()));
    events_out_.Add(static_cast<int64_t>(events));
    dead_letters_out_.Add(static_cast<int64_t>(dead_letters_->count() - dead_before));
    lag_.Set(static_cast<double>(consumer.Lag()));
    const auto done = std::chrono::steady_clock::now();
    latency_.Observe(std::chrono::duration<double>(done - started).count());
    // Where a batch's time goes: extracting (CPU), waiting for the broker's acknowledgements,
    // committing the input offsets (a round trip to the group coordinator).
    const auto ms = [](auto d) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); };
    Log(LogLevel::kInfo, "batch_extracted",
        {{"articles", std::to_string(batch.size())}, {"events", std::to_string(events)},
         {"total_articles", std::to_string(articles_)}, {"dead_letters", std::to_string(dead_letters_->count())},
         {"extract_ms", ms(extracted - started)}, {"flush_ms", ms(flushed - extracted)}, {"commit_ms", ms(done - flushed)}});
    return Status::Ok();
  }

 private:
  Status Handle(const rd_kafka_message_t* m, uint64_t* events) {
    v1::Article article;
    if (m->payload == nullptr || !article.ParseFromArray(m->payload, static_cast<int>(m->len)))
      return dead_letters_->Send("bad_protobuf", "not a newsflow.v1.Article", m);
    Result<Extraction> x = Status::Internal("not run");
    try {
      x = extractor_->Extract(article);
    } catch (const std::exception& e) {  // a bug in a rule must not stop the stream
      return dead_letters_->Send("extraction_failed", std::string("exception: ") + e.what(), m);
    }
    if (!x.ok()) {
      const std::string reason = x.status().code() == ErrorCode::kDataLoss ? "unprocessable" : "extraction_failed";
      return dead_letters_->Send(reason, x.status().message(), m);
    }
    std::string bytes;
    v1::ExtractOutput out;
    *out.mutable_article() = std::move(x->article);
    out.SerializeToString(&bytes);
    if (Status s = producer_->Produce(opts_.output_topic, article.id(), bytes); !s.ok()) return s;
    for (v1::Event& e : x->events) {
      const std::string key = e.fusion_key();
      *out.mutable_event() = std::move(e);
      out.SerializeToString(&bytes);
      if (Status s = producer_->Produce(opts_.output_topic, key, bytes); !s.ok()) return s;
      ++*events;
    }
    return Status::Ok();
  }

  const ServiceOptions& opts_;
  Extractor* extractor_;
  Producer* producer_;
  DeadLetterWriter* dead_letters_;
  uint64_t articles_ = 0;
  Counter &articles_in_, &events_out_, &dead_letters_out_, &retries_;
  Gauge& lag_;
  Histogram& latency_;
};

}  // namespace

Status RunService(const ServiceOptions& options) {
  auto extractor = Extractor::Create(options.extractor);
  if (!extractor.ok()) return extractor.status();
  Log(LogLevel::kInfo, "extractor_ready", {{"version", (*extractor)->version()}});
  auto producer = Producer::Create(options.kafka);
  if (!producer.ok()) return producer.status();
  DeadLetterWriter dead_letters(producer->get(), options.dead_letter_topic, "extract");
  Metrics metrics("newsflow_extract");
  BatchProcessor processor(options, extractor->get(), producer->get(), &dead_letters, &metrics);
  std::unique_ptr<MetricsServer> metrics_server;
  if (options.metrics_port >= 0) {
    auto server = MetricsServer::Start(options.metrics_port, &metrics, nullptr);
    if (!server.ok()) return server.status();
    metrics_server = std::move(*server);
    Log(LogLevel::kInfo, "metrics_listening", {{"port", std::to_string(metrics_server->port())}});
  }

  Consumer* consumer_ptr = nullptr;
  BatchLoop loop(options.batch, [&](std::vector<KafkaMessage>& batch) { return processor.Process(batch, *consumer_ptr); });
  auto consumer = Consumer::Create(options.kafka, options.group, {options.input_topic}, loop.Hooks());
  if (!consumer.ok()) return consumer.status();
  consumer_ptr = consumer->get();
  Log(LogLevel::kInfo, "extract_started", {{"topic", options.input_topic}, {"group", options.group}});

  Status run = loop.Run(**consumer);
  Status closed = (*consumer)->Close();
  Status flushed = (*producer)->Flush(kFlushTimeout);
  Log(LogLevel::kInfo, "extract_stopped",
      {{"articles", std::to_string(loop.messages())}, {"dead_letters", std::to_string(dead_letters.count())}});
  if (!run.ok()) return run;
  if (!flushed.ok()) return flushed;
  return closed;
}

}  // namespace newsflow::extract
