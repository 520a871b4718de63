#include "newsflow/sink/service.h"

#include <map>
#include <utility>

#include "newsflow/common/dead_letter.h"
#include "newsflow/common/log.h"
#include "newsflow/common/metrics.h"
#include "newsflow/common/shutdown.h"
#include "newsflow/sink/store.h"

namespace newsflow::sink {
namespace {

using namespace std::chrono_literals;
constexpr auto kFlushTimeout = 30s;
constexpr auto kOpenPatience = 60s;  // a store another process holds at start-up

// Applies batches: dead letters first (flushed), then rows and offsets in one store transaction,
// then the same offsets to Kafka for lag monitoring.
class BatchWriter {
 public:
  BatchWriter(const ServiceOptions& o, Store* store, Producer* producer, DeadLetterWriter* dead_letters,
              Metrics* m)
      : opts_(o), store_(store), producer_(producer), dead_letters_(dead_letters),
        articles_(m->AddCounter("articles_stored_total", "article summaries stored")),
        reports_(m->AddCounter("reports_stored_total", "event reports (mentions) stored")),
        rejected_(m->AddCounter("dead_letters_total", "messages sent to the dead-letter topic")),
        retries_(m->AddCounter("store_retries_total", "batches retried because the store was unavailable")),
        lag_(m->AddGauge("consumer_lag", "messages behind the end of the assigned partitions")),
        latency_(m->AddHistogram("batch_seconds", "time to store one batch and its offsets")) {}

  // Healthy while the store accepted the last batch (or none was tried yet).
  bool healthy() const { return store_ok_.load(); }

  Status Process(std::vector<KafkaMessage>& batch, Consumer& consumer) {
    const auto started = std::chrono::steady_clock::now();
    Status s = Write(batch, consumer);
    store_ok_ = s.ok() || s.code() != ErrorCode::kUnavailable;
    if (s.code() == ErrorCode::kUnavailable) retries_.Add();
    if (s.ok()) latency_.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return s;
  }

 private:
  Status Write(std::vector<KafkaMessage>& batch, Consumer& consumer) {
    std::vector<InputMessage> inputs;
    inputs.reserve(batch.size());
    for (const KafkaMessage& m : batch)
      inputs.push_back({rd_kafka_topic_name(m->rkt), m->partition, m->offset,
                        std::string_view(static_cast<const char*>(m->payload), m->payload ? m->len : 0)});
    DecodedBatch decoded = DecodeBatch(inputs);
    for (const DecodedBatch::Rejected& r : decoded.rejected) {
      if (Status s = dead_letters_->Send(r.reason, r.detail, batch[r.index].get()); !s.ok())
        return Status::Unavailable("dead letter: " + s.message());
    }
    // The dead letters must be on the broker before the store commits the offsets past them.
    if (!decoded.rejected.empty())
      if (Status s = producer_->Flush(kFlushTimeout); !s.ok()) return Status::Unavailable("dead letter: " + s.message());
    const auto applying = std::chrono::steady_clock::now();
    if (Status s = store_->Apply(decoded.records, decoded.offsets, opts_.group); !s.ok()) return s;
    const auto applied = std::chrono::steady_clock::now();
    if (Status s = consumer.Commit(decoded.offsets); !s.ok())
      Log(LogLevel::kWarn, "kafka_commit_failed", {{"error", s.message()}});  // the store's offsets rule
    articles_.Add(decoded.articles);
    reports_.Add(decoded.events);
    rejected_.Add(static_cast<int64_t>(decoded.rejected.size()));
    lag_.Set(static_cast<double>(consumer.Lag()));
    Log(LogLevel::kInfo, "stored",
        {{"articles", std::to_string(decoded.articles)},
         {"mentions", std::to_string(decoded.events)},
         {"dead_letters", std::to_string(decoded.rejected.size())},
         {"total_articles", std::to_string(articles_.value())},
         {"total_mentions", std::to_string(reports_.value())},
         // The store transaction's time: what bounds the sink (fusion, SQL), apart from Kafka.
         {"apply_ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(applied - applying).count())}});
    return Status::Ok();
  }

  const ServiceOptions& opts_;
  Store* store_;
  Producer* producer_;
  DeadLetterWriter* dead_letters_;
  Counter &articles_, &reports_, &rejected_, &retries_;
  Gauge& lag_;
  Histogram& latency_;
  std::atomic<bool> store_ok_{true};
};

Result<std::unique_ptr<Store>> OpenWithPatience(const std::string& uri) {
  auto backoff = 100ms;
  const auto deadline = std::chrono::steady_clock::now() + kOpenPatience;
  for (;;) {
    auto store = OpenStore(uri);
    if (store.ok() || store.status().code() != ErrorCode::kUnavailable) return store;
    if (std::chrono::steady_clock::now() > deadline) return store;
    Log(LogLevel::kWarn, "store_unavailable", {{"error", store.status().message()}});
    if (SleepUnlessShutdown(backoff)) return store;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

// Partitions start where the store says this group stopped; those it has no offset for keep
// RD_KAFKA_OFFSET_INVALID (the committed offset, else the earliest).
void SeekToStoredOffsets(Store* store, const std::string& group, rd_kafka_topic_partition_list_t* parts) {
  Result<std::vector<PartitionOffset>> stored = Status::Unavailable("not read");
  for (int attempt = 0; attempt < 5 && !stored.ok(); ++attempt) {
    stored = store->LoadOffsets(group);
    if (!stored.ok()) SleepUnlessShutdown(std::chrono::milliseconds(100 << attempt));
  }
  if (!stored.ok()) {
    // Kafka's committed offsets trail the store's by at most a batch; the upserts absorb it.
    Log(LogLevel::kError, "load_offsets_failed", {{"error", stored.status().message()}});
    return;
  }
  std::map<std::pair<std::string, int32_t>, int64_t> next;
  for (const PartitionOffset& o : *stored) next[{o.topic, o.partition}] = o.offset;
  for (int i = 0; i < parts->cnt; ++i) {
    auto it = next.find({parts->elems[i].topic, parts->elems[i].partition});
    if (it != next.end()) parts->elems[i].offset = it->second;
  }
}

}  // namespace

DecodedBatch DecodeBatch(const std::vector<InputMessage>& messages) {
  DecodedBatch out;
  NextOffsets next;
  for (size_t i = 0; i < messages.size(); ++i) {
    const InputMessage& m = messages[i];
    next.Saw(m.topic, m.partition, m.offset);
    v1::ExtractOutput record;
    if (!record.ParseFromArray(m.payload.data(), static_cast<int>(m.payload.size())) ||
        record.record_case() == v1::ExtractOutput::RECORD_NOT_SET) {
      out.rejected.push_back({i, "bad_protobuf", "not a newsflow.v1.ExtractOutput"});
      continue;
    }
    if (Status s = ValidateRecord(record); !s.ok()) {
      out.rejected.push_back({i, "store_rejected", s.message()});
      continue;
    }
    (record.has_article() ? out.articles : out.events)++;
    out.records.push_back(std::move(record));
  }
  out.offsets = next.Get();
  return out;
}

Status RunService(const ServiceOptions& options) {
  auto store = OpenWithPatience(options.store_uri);
  if (!store.ok()) return store.status();
  auto producer = Producer::Create(options.kafka);
  if (!producer.ok()) return producer.status();
  DeadLetterWriter dead_letters(producer->get(), options.dead_letter_topic, "sink");
  Metrics metrics("newsflow_sink");
  BatchWriter writer(options, store->get(), producer->get(), &dead_letters, &metrics);
  std::unique_ptr<MetricsServer> metrics_server;
  if (options.metrics_port >= 0) {
    auto server = MetricsServer::Start(options.metrics_port, &metrics, [&writer] { return writer.healthy(); });
    if (!server.ok()) return server.status();
    metrics_server = std::move(*server);
    Log(LogLevel::kInfo, "metrics_listening", {{"port", std::to_string(metrics_server->port())}});
  }

  Consumer* consumer_ptr = nullptr;  // set before the first Poll, which is where batches run
  BatchLoop loop(options.batch, [&](std::vector<KafkaMessage>& batch) { return writer.Process(batch, *consumer_ptr); });
  RebalanceHooks hooks;
  hooks.on_assign = [&](rd_kafka_topic_partition_list_t* parts) {
    SeekToStoredOffsets(store->get(), options.group, parts);
  };
  auto consumer = Consumer::Create(options.kafka, options.group, {options.topic}, loop.Hooks(hooks));
  if (!consumer.ok()) return consumer.status();
  consumer_ptr = consumer->get();
  Log(LogLevel::kInfo, "sink_started",
      {{"topic", options.topic}, {"group", options.group}, {"store", options.store_uri}});

  Status run = loop.Run(**consumer);
  Status closed = (*consumer)->Close();
  Status flushed = (*producer)->Flush(kFlushTimeout);
  auto counts = (*store)->CountRows();
  Log(LogLevel::kInfo, "sink_stopped",
      {{"batches", std::to_string(loop.batches())},
       {"messages", std::to_string(loop.messages())},
       {"dead_letters", std::to_string(dead_letters.count())},
       {"records", counts.ok() ? std::to_string(counts->events) : "?"}});
  if (!run.ok()) return run;
  if (!flushed.ok()) return flushed;
  return closed;
}

}  // namespace newsflow::sink
