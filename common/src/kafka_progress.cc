#include <librdkafka/rdkafka.h>

#include "newsflow/common/kafka.h"

namespace newsflow {
namespace {

struct TopicHandleDeleter { void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); } };
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, TopicHandleDeleter>;
struct MetadataDeleter { void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); } };
using Metadata = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

Result<KafkaHandle> Connect(const KafkaOptions& opts, const std::string& group) {
  std::vector<std::pair<std::string, std::string>> defaults = {{"enable.auto.commit", "false"}};
  if (!group.empty()) defaults.emplace_back("group.id", group);
  auto conf = MakeKafkaConf(opts, defaults);
  if (!conf.ok()) return conf.status();
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), err, sizeof err);
  if (rk == nullptr) return Status::InvalidArgument(std::string("kafka client: ") + err);
  (void)conf->release();
  return KafkaHandle(rk);
}

Result<std::vector<int32_t>> Partitions(rd_kafka_t* rk, const std::string& topic, std::chrono::milliseconds timeout) {
  TopicHandle t(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, t.get(), &raw, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Unavailable("metadata for " + topic + ": " + rd_kafka_err2str(err));
  Metadata md(raw);
  if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return Status::NotFound("topic " + topic + " not found");
  std::vector<int32_t> out;
  for (int i = 0; i < md->topics[0].partition_cnt; ++i) out.push_back(md->topics[0].partitions[i].id);
  return out;
}

}  // namespace

Result<std::vector<PartitionOffset>> QueryHighWatermarks(const KafkaOptions& opts, const std::string& topic,
                                                         std::chrono::milliseconds timeout) {
  auto rk = Connect(opts, "");
  if (!rk.ok()) return rk.status();
  auto parts = Partitions(rk->get(), topic, timeout);
  if (!parts.ok()) return parts.status();
  std::vector<PartitionOffset> out;
  for (int32_t p : *parts) {
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk->get(), topic.c_str(), p, &lo, &hi, static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return Status::Unavailable("watermarks of " + topic + "[" + std::to_string(p) + "]: " + rd_kafka_err2str(err));
    out.push_back({topic, p, hi});
  }
  return out;
}

Result<std::vector<PartitionOffset>> QueryCommitted(const KafkaOptions& opts, const std::string& group,
                                                    const std::string& topic, std::chrono::milliseconds timeout) {
  auto rk = Connect(opts, group);
  if (!rk.ok()) return rk.status();
  auto parts = Partitions(rk->get(), topic, timeout);
  if (!parts.ok()) return parts.status();
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(parts->size())));
  for (int32_t p : *parts) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  rd_kafka_resp_err_t err = rd_kafka_committed(rk->get(), list.get(), static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Unavailable(std::string("committed offsets: ") + rd_kafka_err2str(err));
  std::vector<PartitionOffset> out;
  for (int i = 0; i < list->cnt; ++i) out.push_back({topic, list->elems[i].partition, list->elems[i].offset});
  return out;
}

}  // namespace newsflow
