#include "broker.h"

#include <charconv>
#include <cstdio>
#include <optional>

#include "address_file.h"
#include "control.h"
#include "forwarder.h"
#include "mock_cluster.h"
#include "newsflow/common/log.h"
#include "newsflow/common/shutdown.h"
#include "newsflow/common/topics.h"

namespace newsflow::broker {

Result<TopicSpec> ParseTopicSpec(std::string_view spec, int default_partitions) {
  TopicSpec t;
  auto colon = spec.rfind(':');
  t.name = std::string(spec.substr(0, colon));
  t.partitions = default_partitions;
  if (colon != std::string_view::npos) {
    std::string_view n = spec.substr(colon + 1);
    auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), t.partitions);
    if (ec != std::errc() || p != n.data() + n.size() || t.partitions < 1)
      return Status::InvalidArgument("--topic expects NAME:PARTITIONS, got '" + std::string(spec) + "'");
  }
  if (t.name.empty()) return Status::InvalidArgument("--topic expects NAME:PARTITIONS, got '" + std::string(spec) + "'");
  return t;
}

namespace {
std::optional<uint16_t> PortOrNone(int port) {
  if (port < 0) return std::nullopt;
  return static_cast<uint16_t>(port);
}
}  // namespace

Status RunBroker(const BrokerOptions& o) {
  if (o.port > 65535 || o.control_port > 65535) return Status::InvalidArgument("ports must be in 0..65535");
  auto cluster = MockCluster::Create(o.brokers_count);
  if (!cluster.ok()) return cluster.status();
  std::vector<TopicSpec> topics = o.topics;
  if (topics.empty())
    for (const char* name : {topics::kArticles, topics::kEvents, topics::kDeadLetter})
      topics.push_back({name, o.default_partitions});
  for (const auto& t : topics)
    if (Status s = (*cluster)->CreateTopic(t.name, t.partitions); !s.ok()) return s;

  std::string bootstrap = (*cluster)->Bootstraps();
  std::unique_ptr<BootstrapForwarder> forwarder;
  if (auto port = PortOrNone(o.port)) {
    auto f = BootstrapForwarder::Start(*port, bootstrap.substr(0, bootstrap.find(',')));
    if (!f.ok()) return f.status();
    forwarder = std::move(*f);
    // The relay goes first: clients that try it first get the stable address.
    bootstrap = "127.0.0.1:" + std::to_string(forwarder->port()) + "," + bootstrap;
  }
  std::unique_ptr<ControlServer> control;
  std::optional<ScopedFile> control_file;
  if (auto port = PortOrNone(o.control_port)) {
    auto c = ControlServer::Start(*port, cluster->get());
    if (!c.ok()) return c.status();
    control = std::move(*c);
    std::string path = o.control_address_file.empty() ? o.address_file + ".control" : o.control_address_file;
    if (Status s = WriteFileAtomically(path, "127.0.0.1:" + std::to_string(control->port()) + "\n"); !s.ok()) return s;
    control_file.emplace(path);
  }
  // The address file goes last: once it exists, everything it promises is being served.
  if (Status s = WriteFileAtomically(o.address_file, bootstrap + "\n"); !s.ok()) return s;
  ScopedFile address_file(o.address_file);

  std::printf("%s\n", bootstrap.c_str());
  std::fflush(stdout);
  Log(LogLevel::kInfo, "broker_started",
      {{"note", "in-memory development broker (librdkafka mock cluster); production uses --brokers of a real Kafka"},
       {"bootstrap", bootstrap}, {"brokers", std::to_string(o.brokers_count)},
       {"topics", std::to_string(topics.size())}, {"address_file", o.address_file},
       {"control_port", control ? std::to_string(control->port()) : "none"}});

  while (!SleepUnlessShutdown(std::chrono::milliseconds(200))) {
  }
  Log(LogLevel::kInfo, "broker_stopping", {});
  return Status::Ok();
}

}  // namespace newsflow::broker
