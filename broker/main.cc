// newsflow-broker: an in-memory Kafka for development and tests (librdkafka's mock cluster).
#include <cstdio>
#include <string>
#include <vector>

#include "newsflow/common/flags.h"
#include "newsflow/common/log.h"
#include "newsflow/common/shutdown.h"
#include "src/broker.h"

int main(int argc, char** argv) {
  using namespace newsflow;
  broker::BrokerOptions o;
  int64_t brokers_count = o.brokers_count, partitions = o.default_partitions, port = o.port,
          control_port = o.control_port;
  std::vector<std::string> topic_specs;
  LoggingFlags logging;
  ArgParser args(
      "newsflow-broker", "[options]",
      "An IN-MEMORY DEVELOPMENT BROKER (librdkafka's mock cluster): nothing is persisted, and it is\n"
      "not Kafka. Production runs every newsflow binary with --brokers of a real Kafka cluster.\n"
      "Prints the bootstrap servers as one line on stdout, writes them to --address-file (removed on\n"
      "exit), and serves until SIGTERM / SIGINT.\n\n"
      "--port P: the mock brokers listen on ephemeral ports (librdkafka 2.0.2 cannot fix them), so P\n"
      "is a TCP relay on 127.0.0.1:P to the first mock broker. Clients bootstrap there, then use the\n"
      "broker addresses that the metadata advertises.\n\n"
      "--control-port P: fault injection for tests, one command per line, reply 'ok' or 'error ...':\n"
      "  broker-down ID | broker-up ID | push-errors APIKEY ERRCODE COUNT | ping\n"
      "(ID -1 = all brokers). Its address goes to --control-address-file.");
  args.AddInt("brokers-count", &brokers_count, "number of mock brokers (ids 1..N)");
  args.AddInt("partitions", &partitions, "partitions of each default topic (default 4)");
  args.AddRepeated("topic", &topic_specs,
                   "create this topic instead of the defaults (newsflow.articles, newsflow.events, "
                   "newsflow.deadletter); repeatable",
                   "NAME[:PARTITIONS]");
  args.AddString("address-file", &o.address_file, "where to write the bootstrap line (default .newsflow/broker.addr)",
                 "PATH");
  args.AddInt("port", &port, "also accept bootstrap connections on 127.0.0.1:P (relay to broker 1)", "P");
  args.AddInt("control-port", &control_port, "serve the fault-injection line protocol on 127.0.0.1:P (0 = any)", "P");
  args.AddString("control-address-file", &o.control_address_file,
                 "where to write the control address (default: <address-file>.control)", "PATH");
  args.AddLogging(&logging);
  std::vector<std::string> positional;
  if (int rc = args.ParseOrExit(argc, argv, &positional); rc >= 0) return rc;
  if (!positional.empty()) {
    std::fprintf(stderr, "newsflow-broker: unexpected argument '%s' (try --help)\n", positional[0].c_str());
    return 2;
  }
  ApplyLogging("broker", logging);

  o.brokers_count = static_cast<int>(brokers_count);
  o.default_partitions = static_cast<int>(partitions);
  o.port = static_cast<int>(port);
  o.control_port = static_cast<int>(control_port);
  for (const auto& spec : topic_specs) {
    auto t = broker::ParseTopicSpec(spec, o.default_partitions);
    if (!t.ok()) {
      std::fprintf(stderr, "newsflow-broker: %s (try --help)\n", t.status().message().c_str());
      return 2;
    }
    o.topics.push_back(*t);
  }
  InstallShutdownHandlers();
  Status s = broker::RunBroker(o);
  if (!s.ok()) {
    Log(LogLevel::kError, "broker_failed", {{"error", s.message()}});
    return s.code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}
