#include "mock_cluster.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace newsflow::broker {

int NoDelayOnListeningSockets() {
  int set = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    int listening = 0, type = 0;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) continue;
    const int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0) ++set;
  }
  return set;
}

Result<std::unique_ptr<MockCluster>> MockCluster::Create(int brokers) {
  if (brokers < 1 || brokers > 64) return Status::InvalidArgument("--brokers-count must be in 1..64");
  KafkaConf conf(rd_kafka_conf_new());
  char err[512];
  // The handle only hosts the cluster; it never produces. Silence its own logging of the
  // (intentionally) unreachable default bootstrap list.
  if (rd_kafka_conf_set(conf.get(), "log_level", "3", err, sizeof err) != RD_KAFKA_CONF_OK)
    return Status::Internal(std::string("conf: ") + err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err);
  if (rk == nullptr) return Status::Internal(std::string("rd_kafka_new: ") + err);
  (void)conf.release();  // owned by rk now
  auto c = std::make_unique<MockCluster>(Token{});
  c->rk_.reset(rk);
  c->cluster_.reset(rd_kafka_mock_cluster_new(rk, brokers));
  if (!c->cluster_) return Status::Unavailable("could not start the mock cluster (no free loopback ports?)");
  c->brokers_ = brokers;
  // librdkafka 2.0.2's mock brokers leave Nagle's algorithm on: a response written in two pieces
  // waits for the client's delayed ACK, which made ~40 ms of every producer flush against the dev
  // broker. Accepted sockets inherit TCP_NODELAY from their listener on Linux.
  NoDelayOnListeningSockets();
  return c;
}

MockCluster::~MockCluster() { cluster_.reset(); }

Status MockCluster::CreateTopic(const std::string& name, int partitions) {
  if (name.empty()) return Status::InvalidArgument("empty topic name");
  if (partitions < 1 || partitions > 10000) return Status::InvalidArgument("partitions must be in 1..10000: " + name);
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_.get(), name.c_str(), partitions, std::min(3, brokers_));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return Status::Internal("create topic " + name + ": " + rd_kafka_err2str(err));
  return Status::Ok();
}

std::string MockCluster::Bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_.get()); }

namespace {
// Kafka API keys are small integers (Produce = 0 ... under 100 in every protocol version to date);
// librdkafka keeps its own count private.
constexpr int16_t kMaxApiKey = 99;

Status CheckBroker(int32_t id, int brokers) {
  if (id == -1 || (id >= 1 && id <= brokers)) return Status::Ok();
  return Status::InvalidArgument("no broker " + std::to_string(id) + " (ids are 1.." + std::to_string(brokers) +
                                 ", or -1 for all)");
}
Status FromErr(rd_kafka_resp_err_t err, const std::string& what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
  return Status::Internal(what + ": " + rd_kafka_err2str(err));
}
}  // namespace

Status MockCluster::SetBrokerDown(int32_t id) {
  if (Status s = CheckBroker(id, brokers_); !s.ok()) return s;
  return FromErr(rd_kafka_mock_broker_set_down(cluster_.get(), id), "broker-down");
}

Status MockCluster::SetBrokerUp(int32_t id) {
  if (Status s = CheckBroker(id, brokers_); !s.ok()) return s;
  Status s = FromErr(rd_kafka_mock_broker_set_up(cluster_.get(), id), "broker-up");
  NoDelayOnListeningSockets();  // in case the broker came back with a new listener
  return s;
}

Status MockCluster::PushRequestErrors(int16_t api_key, int32_t error, int count) {
  if (api_key < 0 || api_key > kMaxApiKey) return Status::InvalidArgument("unknown Kafka API key " + std::to_string(api_key));
  if (count < 1 || count > 100000) return Status::InvalidArgument("error count must be in 1..100000");
  std::vector<rd_kafka_resp_err_t> errors(static_cast<size_t>(count), static_cast<rd_kafka_resp_err_t>(error));
  rd_kafka_mock_push_request_errors_array(cluster_.get(), api_key, errors.size(), errors.data());
  return Status::Ok();
}

}  // namespace newsflow::broker
