#include "newsflow/common/dead_letter.h"

#include <chrono>

#include "newsflow/common/log.h"
#include "newsflow/v1/dead_letter.pb.h"

namespace newsflow {

Status DeadLetterWriter::Send(std::string_view reason, std::string_view detail, const rd_kafka_message_t* m) {
  std::string_view payload(static_cast<const char*>(m->payload), m->payload ? m->len : 0);
  std::string_view key(static_cast<const char*>(m->key), m->key ? m->key_len : 0);
  return Produce(reason, detail, payload, m->rkt ? rd_kafka_topic_name(m->rkt) : "", m->partition, m->offset, key);
}

Status DeadLetterWriter::Send(std::string_view reason, std::string_view detail, std::string_view original,
                              std::string_view source) {
  return Produce(reason, detail, original, source, -1, -1, "");
}

Status DeadLetterWriter::Produce(std::string_view reason, std::string_view detail, std::string_view original,
                                 std::string_view source, int32_t partition, int64_t offset, std::string_view key) {
  v1::DeadLetter dl;
  dl.set_stage(stage_);
  dl.set_reason(std::string(reason));
  dl.set_detail(std::string(detail));
  dl.set_original(std::string(original));
  dl.set_source_topic(std::string(source));
  dl.set_source_partition(partition);
  dl.set_source_offset(offset);
  dl.set_source_key(std::string(key));
  auto now = std::chrono::system_clock::now().time_since_epoch();
  dl.mutable_failed_at()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(now).count());
  count_++;
  Log(LogLevel::kWarn, "dead_letter",
      {{"reason", std::string(reason)}, {"detail", std::string(detail.substr(0, 200))}, {"source", std::string(source)},
       {"partition", std::to_string(partition)}, {"offset", std::to_string(offset)}});
  std::string bytes;
  dl.SerializeToString(&bytes);
  return producer_->Produce(topic_, key.empty() ? source : key, bytes);
}

}  // namespace newsflow
