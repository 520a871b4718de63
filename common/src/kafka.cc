#include "newsflow/common/kafka.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "newsflow/common/log.h"

namespace newsflow {

Result<std::string> ResolveBrokers(const KafkaOptions& opts) {
  if (!opts.brokers.empty()) return opts.brokers;
  for (const auto& [k, v] : opts.properties)
    if (k == "bootstrap.servers" || k == "metadata.broker.list") return v;
  if (const char* env = std::getenv("NEWSFLOW_BROKERS"); env && *env) return std::string(env);
  std::string file = ".newsflow/broker.addr";
  if (const char* env = std::getenv("NEWSFLOW_BROKER_FILE"); env && *env) file = env;
  std::ifstream in(file);
  std::string addr;
  if (in && std::getline(in, addr) && !addr.empty()) return addr;
  return Status::InvalidArgument(
      "no Kafka brokers given: pass --brokers HOST:PORT, set NEWSFLOW_BROKERS, or start newsflow-broker");
}

Result<KafkaConf> MakeKafkaConf(const KafkaOptions& opts,
                                const std::vector<std::pair<std::string, std::string>>& defaults) {
  KafkaConf conf(rd_kafka_conf_new());
  char err[512];
  auto set = [&](const std::string& k, const std::string& v) -> Status {
    if (rd_kafka_conf_set(conf.get(), k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
      return Status::InvalidArgument("librdkafka property " + k + "=" + v + ": " + err);
    return Status::Ok();
  };
  for (const auto& [k, v] : defaults)
    if (Status s = set(k, v); !s.ok()) return s;
  auto brokers = ResolveBrokers(opts);
  if (!brokers.ok()) return brokers.status();
  if (Status s = set("bootstrap.servers", *brokers); !s.ok()) return s;
  for (const auto& [k, v] : opts.properties)
    if (Status s = set(k, v); !s.ok()) return s;
  return conf;
}

namespace {
// librdkafka logs through this so that its lines follow our log format.
void OnKafkaLog(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  LogLevel l = level <= 3 ? LogLevel::kError : level <= 4 ? LogLevel::kWarn : LogLevel::kInfo;
  Log(l, "kafka", {{"client", rd_kafka_name(rk)}, {"facility", fac}, {"message", buf}});
}
void OnKafkaError(rd_kafka_t* rk, int err, const char* reason, void*) {
  Log(LogLevel::kWarn, "kafka_error",
      {{"client", rd_kafka_name(rk)}, {"error", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))},
       {"reason", reason}});
}
}  // namespace

// ---------------------------------------------------------------- Producer

Result<std::unique_ptr<Producer>> Producer::Create(
    const KafkaOptions& opts, const std::vector<std::pair<std::string, std::string>>& defaults) {
  std::vector<std::pair<std::string, std::string>> all = {
      {"enable.idempotence", "true"}, {"acks", "all"}, {"linger.ms", "5"},
      {"compression.codec", "none"}, {"message.max.bytes", "16000000"}};
  all.insert(all.end(), defaults.begin(), defaults.end());
  auto conf = MakeKafkaConf(opts, all);
  if (!conf.ok()) return conf.status();
  std::unique_ptr<Producer> p(new Producer());
  rd_kafka_conf_set_opaque(conf->get(), p.get());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &Producer::OnDelivery);
  rd_kafka_conf_set_log_cb(conf->get(), &OnKafkaLog);
  rd_kafka_conf_set_error_cb(conf->get(), &OnKafkaError);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), err, sizeof err);
  if (rk == nullptr) return Status::InvalidArgument(std::string("kafka producer: ") + err);
  (void)conf->release();  // owned by rk now
  p->rk_.reset(rk);
  return p;
}

Producer::~Producer() {
  if (rk_) rd_kafka_flush(rk_.get(), 10000);
}

void Producer::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->delivered_++;
    return;
  }
  self->failed_++;
  std::lock_guard lock(self->mu_);
  if (self->first_error_.ok())
    self->first_error_ = Status::Unavailable(std::string("delivery to ") + rd_kafka_topic_name(msg->rkt) +
                                             " failed: " + rd_kafka_err2str(msg->err));
}

Status Producer::Produce(std::string_view topic, std::string_view key, std::string_view value, int32_t partition) {
  std::string t(topic);
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(t.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk_.get(), 50);  // let deliveries drain, then retry
      continue;
    }
    return Status::Unavailable("produce to " + t + ": " + rd_kafka_err2str(err));
  }
}

void Producer::Poll(std::chrono::milliseconds timeout) { rd_kafka_poll(rk_.get(), static_cast<int>(timeout.count())); }

Status Producer::Flush(std::chrono::milliseconds timeout) {
  rd_kafka_resp_err_t err = rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count()));
  std::lock_guard lock(mu_);
  Status out = first_error_;
  first_error_ = Status::Ok();
  if (!out.ok()) return out;
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT)
    return Status::Unavailable("flush timed out with " + std::to_string(rd_kafka_outq_len(rk_.get())) +
                               " messages unacknowledged");
  // A fatal idempotence error makes every later produce fail: surface it.
  char buf[256];
  if (rd_kafka_fatal_error(rk_.get(), buf, sizeof buf) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return Status::Internal(std::string("fatal producer error: ") + buf);
  return Status::Ok();
}

// ---------------------------------------------------------------- Consumer

Result<std::unique_ptr<Consumer>> Consumer::Create(const KafkaOptions& opts, const std::string& group_id,
                                                   const std::vector<std::string>& topics, RebalanceHooks hooks,
                                                   const std::vector<std::pair<std::string, std::string>>& defaults) {
  std::vector<std::pair<std::string, std::string>> all = {
      {"group.id", group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      // Eager rebalancing: against the dev broker, cooperative-sticky with manual commits left
      // partitions assigned but unconsumed after repeated SIGKILLs (see the closing note of the
      // delivery-guarantees issue); -X partition.assignment.strategy=cooperative-sticky opts in.
      {"partition.assignment.strategy", "roundrobin"},
      {"session.timeout.ms", "10000"},
      {"heartbeat.interval.ms", "1000"},
      {"fetch.message.max.bytes", "16000000"},
  };
  all.insert(all.end(), defaults.begin(), defaults.end());
  auto conf = MakeKafkaConf(opts, all);
  if (!conf.ok()) return conf.status();
  std::unique_ptr<Consumer> c(new Consumer());
  c->hooks_ = std::move(hooks);
  rd_kafka_conf_set_opaque(conf->get(), c.get());
  rd_kafka_conf_set_rebalance_cb(conf->get(), &Consumer::OnRebalance);
  rd_kafka_conf_set_log_cb(conf->get(), &OnKafkaLog);
  rd_kafka_conf_set_error_cb(conf->get(), &OnKafkaError);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), err, sizeof err);
  if (rk == nullptr) return Status::InvalidArgument(std::string("kafka consumer: ") + err);
  (void)conf->release();
  c->rk_.reset(rk);
  rd_kafka_poll_set_consumer(rk);
  PartitionList subs(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(subs.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  if (rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, subs.get()); e != RD_KAFKA_RESP_ERR_NO_ERROR)
    return Status::InvalidArgument(std::string("subscribe: ") + rd_kafka_err2str(e));
  return c;
}

Consumer::~Consumer() { (void)Close(); }

void Consumer::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                           void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  std::string names;
  for (int i = 0; i < parts->cnt; ++i) {
    if (i > 0) names += ',';
    names.append(parts->elems[i].topic).append("[").append(std::to_string(parts->elems[i].partition)).append("]");
  }
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (self->hooks_.on_assign) self->hooks_.on_assign(parts);
    Log(LogLevel::kInfo, "partitions_assigned", {{"partitions", names}});
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts)) {
        Log(LogLevel::kError, "assign_failed", {{"error", rd_kafka_error_string(e)}});
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk, parts);
    }
  } else {
    if (self->hooks_.on_revoke) self->hooks_.on_revoke(parts);
    Log(LogLevel::kInfo, "partitions_revoked",
        {{"partitions", names}, {"lost", rd_kafka_assignment_lost(rk) ? "true" : "false"}});
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts)) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }
}

KafkaMessage Consumer::Poll(std::chrono::milliseconds timeout) {
  return KafkaMessage(rd_kafka_consumer_poll(rk_.get(), static_cast<int>(timeout.count())));
}

Status Consumer::Commit(const std::vector<PartitionOffset>& offsets) {
  if (offsets.empty()) return Status::Ok();
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& o : offsets)
    rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition)->offset = o.offset;
  rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Unavailable(std::string("commit: ") + rd_kafka_err2str(err));
  for (int i = 0; i < list->cnt; ++i)
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return Status::Unavailable(std::string("commit ") + list->elems[i].topic + ": " +
                                 rd_kafka_err2str(list->elems[i].err));
  return Status::Ok();
}

Status Consumer::Close() {
  if (closed_ || !rk_) return Status::Ok();
  closed_ = true;
  rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk_.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Unavailable(std::string("close: ") + rd_kafka_err2str(err));
  return Status::Ok();
}

std::vector<PartitionOffset> Consumer::Assignment() const {
  std::vector<PartitionOffset> out;
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(rk_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR || raw == nullptr) return out;
  PartitionList list(raw);
  rd_kafka_position(rk_.get(), list.get());
  for (int i = 0; i < list->cnt; ++i)
    out.push_back({list->elems[i].topic, list->elems[i].partition, list->elems[i].offset});
  return out;
}

int64_t Consumer::Lag() const {
  int64_t lag = 0;
  for (const auto& p : Assignment()) {
    int64_t lo = 0, hi = 0;
    if (rd_kafka_get_watermark_offsets(rk_.get(), p.topic.c_str(), p.partition, &lo, &hi) != RD_KAFKA_RESP_ERR_NO_ERROR)
      continue;
    int64_t pos = p.offset >= 0 ? p.offset : lo;
    if (hi > pos) lag += hi - pos;
  }
  return lag;
}

std::string DescribeMessage(const rd_kafka_message_t* m) {
  std::string t = m->rkt ? rd_kafka_topic_name(m->rkt) : "?";
  return t + " [" + std::to_string(m->partition) + "] @ " + std::to_string(m->offset);
}

}  // namespace newsflow
