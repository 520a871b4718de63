// The broker's fault-injection line protocol: parsing, and its effect on a live mock cluster.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "src/address_file.h"
#include "src/broker.h"
#include "src/control.h"
#include "src/mock_cluster.h"

namespace newsflow::broker {
namespace {

struct CommandCase {
  const char* line;
  const char* error;  // "" = parses
};

class ControlParseTest : public ::testing::TestWithParam<CommandCase> {};

TEST_P(ControlParseTest, ParsesOrNamesTheProblem) {
  auto c = ParseControlCommand(GetParam().line);
  if (*GetParam().error == '\0') {
    EXPECT_TRUE(c.ok()) << c.status().message();
  } else {
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().message(), GetParam().error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ControlParseTest,
    ::testing::Values(CommandCase{"ping", ""}, CommandCase{"broker-down 2", ""}, CommandCase{"  broker-up -1\r", ""},
                      CommandCase{"push-errors 0 6 3", ""}, CommandCase{"", "empty command"},
                      CommandCase{"broker-down", "usage: broker-down ID"},
                      CommandCase{"broker-down two", "ID must be an integer, got 'two'"},
                      CommandCase{"push-errors 0 6", "usage: push-errors APIKEY ERRCODE COUNT"},
                      CommandCase{"reboot", "unknown command 'reboot' (broker-down, broker-up, push-errors, ping)"}));

TEST(ControlParseTest, KeepsTheNumbers) {
  auto c = ParseControlCommand("push-errors 8 -195 12");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, ControlCommand::Kind::kPushErrors);
  EXPECT_EQ(c->api_key, 8);
  EXPECT_EQ(c->error_code, -195);
  EXPECT_EQ(c->count, 12);
}

TEST(ControlApplyTest, RepliesOkOrErrorAgainstALiveCluster) {
  auto cluster = MockCluster::Create(2);
  ASSERT_TRUE(cluster.ok()) << cluster.status().message();
  EXPECT_EQ(HandleControlLine("broker-down 2", **cluster), "ok");
  EXPECT_EQ(HandleControlLine("broker-up 2", **cluster), "ok");
  EXPECT_EQ(HandleControlLine("broker-down -1", **cluster), "ok");
  EXPECT_EQ(HandleControlLine("broker-up -1", **cluster), "ok");
  EXPECT_EQ(HandleControlLine("broker-down 3", **cluster), "error no broker 3 (ids are 1..2, or -1 for all)");
  EXPECT_EQ(HandleControlLine("push-errors 0 6 2", **cluster), "ok");
  EXPECT_EQ(HandleControlLine("push-errors 500 6 2", **cluster), "error unknown Kafka API key 500");
  EXPECT_EQ(HandleControlLine("push-errors 0 6 0", **cluster), "error error count must be in 1..100000");
}

// TCP_NODELAY of the socket `fd`.
bool NoDelay(int fd) {
  int v = 0;
  socklen_t len = sizeof v;
  return getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v != 0;
}

// The port of the first "host:port" of a bootstrap list.
int FirstPort(const std::string& bootstraps) {
  const std::string first = bootstraps.substr(0, bootstraps.find(','));
  return std::stoi(first.substr(first.rfind(':') + 1));
}

// The mock brokers' connections carry responses without waiting for the client's delayed ACK
// (Nagle off): checked on the connection the broker accepts from a client, here in-process.
TEST(MockClusterTest, AcceptedConnectionsHaveNagleOff) {
  auto cluster = MockCluster::Create(1);
  ASSERT_TRUE(cluster.ok()) << cluster.status().message();
  const int port = FirstPort((*cluster)->Bootstraps());
  const int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(client, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  sockaddr_in local{};
  socklen_t len = sizeof local;
  ASSERT_EQ(getsockname(client, reinterpret_cast<sockaddr*>(&local), &len), 0);
  // Find the broker's end: a socket of this process whose peer is our client's address.
  int accepted = -1;
  for (int attempt = 0; attempt < 100 && accepted < 0; ++attempt) {
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
      const int fd = std::stoi(e.path().filename().string());
      sockaddr_in peer{};
      socklen_t plen = sizeof peer;
      if (fd != client && getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) == 0 &&
          peer.sin_family == AF_INET && peer.sin_port == local.sin_port)
        accepted = fd;
    }
    if (accepted < 0) usleep(10000);  // the mock's thread accepts asynchronously
  }
  ASSERT_GE(accepted, 0) << "the mock broker did not accept the connection";
  EXPECT_TRUE(NoDelay(accepted));
  EXPECT_FALSE(NoDelay(client)) << "the check means something: a plain socket has Nagle on";
  close(client);
}

struct TopicCase {
  const char* spec;
  const char* name;
  int partitions;  // 0 = rejected
};

class TopicSpecTest : public ::testing::TestWithParam<TopicCase> {};

TEST_P(TopicSpecTest, ParsesNameAndPartitions) {
  auto t = ParseTopicSpec(GetParam().spec, 4);
  if (GetParam().partitions == 0) {
    EXPECT_FALSE(t.ok());
    return;
  }
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->name, GetParam().name);
  EXPECT_EQ(t->partitions, GetParam().partitions);
}

INSTANTIATE_TEST_SUITE_P(Cases, TopicSpecTest,
                         ::testing::Values(TopicCase{"news:8", "news", 8}, TopicCase{"news", "news", 4},
                                           TopicCase{"news:0", "", 0}, TopicCase{"news:x", "", 0},
                                           TopicCase{":3", "", 0}));

TEST(AddressFileTest, WritesAtomicallyAndScopedFileRemovesIt) {
  const auto dir = std::filesystem::temp_directory_path() / ("addr_test_" + std::to_string(::getpid()));
  const auto path = dir / "sub" / "broker.addr";
  {
    ASSERT_TRUE(WriteFileAtomically(path, "127.0.0.1:1234\n").ok());
    ScopedFile guard(path);
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "127.0.0.1:1234");
    ASSERT_TRUE(WriteFileAtomically(path, "127.0.0.1:5678\n").ok());
    std::ifstream again(path);
    std::getline(again, line);
    EXPECT_EQ(line, "127.0.0.1:5678");
    size_t leftovers = 0;
    for (const auto& e : std::filesystem::directory_iterator(path.parent_path())) leftovers += e.path() != path;
    EXPECT_EQ(leftovers, 0u) << "no temp file stays behind";
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace newsflow::broker
