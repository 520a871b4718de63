// The real newsflow-broker and newsflow-ingest binaries as processes: a message through the dev
// broker, clean SIGTERM, fault injection over the control port, the bootstrap relay, and
// `newsflow-ingest replay` into the articles topic.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "newsflow/common/kafka.h"
#include "newsflow/common/topics.h"
#include "newsflow/v1/article.pb.h"
#include "newsflow/v1/dead_letter.pb.h"
#include "newsflow/ingest/feed.h"
#include "process.h"
#include "src/socket.h"
#include "test_http_server.h"

namespace newsflow {
namespace {

using namespace std::chrono_literals;
using testing::Process;
using testing::ReadFile;
using testing::TempDir;
using testing::WaitUntil;

struct Record {
  std::string key, value;
};

// Every message on `topic` from the beginning, by a fresh consumer group, until `expected` arrived.
std::vector<Record> ReadTopic(const KafkaOptions& kafka, const std::string& topic, size_t expected) {
  static int group = 0;
  std::vector<Record> out;
  auto c = Consumer::Create(kafka, "broker-test-" + std::to_string(::getpid()) + "-" + std::to_string(group++), {topic});
  if (!c.ok()) return out;
  WaitUntil(
      [&] {
        for (KafkaMessage m = (*c)->Poll(100ms); m; m = (*c)->Poll(0ms))
          if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
            out.push_back({std::string(static_cast<const char*>(m->key), m->key_len),
                           std::string(static_cast<const char*>(m->payload), m->len)});
        return out.size() >= expected;
      },
      30s);
  return out;
}

// The dead letters on the dead-letter topic (parsed), once `expected` arrived.
std::vector<v1::DeadLetter> ReadDeadLetters(const KafkaOptions& kafka, size_t expected) {
  std::vector<v1::DeadLetter> out;
  for (const auto& r : ReadTopic(kafka, topics::kDeadLetter, expected))
    if (!out.emplace_back().ParseFromString(r.value)) out.pop_back();
  return out;
}

// A running newsflow-broker in a temp dir, stopped by the test (or killed by Process's destructor).
class BrokerProcess {
 public:
  explicit BrokerProcess(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {NEWSFLOW_BROKER_BIN, "--address-file", addr_path(), "--partitions", "2"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<Process>("broker", argv, dir_.path());
    up_ = WaitUntil([&] { return ReadFile(addr_path()).ends_with("\n"); }, 20s);
    if (up_) kafka_.brokers = ReadFile(addr_path()).substr(0, ReadFile(addr_path()).find('\n'));
  }
  bool up() const { return up_; }
  std::string addr_path() const { return dir_.path() + "/broker.addr"; }
  const KafkaOptions& kafka() const { return kafka_; }
  Process& process() { return *process_; }
  const std::string& dir() const { return dir_.path(); }

  // Sends one control command; returns the reply line.
  std::string Control(const std::string& line) {
    std::string addr = ReadFile(addr_path() + ".control");
    auto fd = broker::ConnectTcp(addr.substr(0, addr.find('\n')));
    if (!fd.ok()) return "connect failed: " + fd.status().message();
    if (!broker::WriteAll(fd->get(), line + "\n")) return "write failed";
    std::string reply;
    char c = 0;
    while (broker::WaitReadable(fd->get(), 5000) && ::read(fd->get(), &c, 1) == 1 && c != '\n') reply += c;
    return reply;
  }

 private:
  TempDir dir_;
  std::unique_ptr<Process> process_;
  KafkaOptions kafka_;
  bool up_ = false;
};

TEST(BrokerProcessTest, ServesProduceAndConsumeAndExitsZeroOnSigterm) {
  BrokerProcess b;
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  EXPECT_EQ(b.process().Stdout(), b.kafka().brokers + "\n") << "stdout carries exactly the bootstrap line";
  EXPECT_NE(b.process().Stderr().find("in-memory development broker"), std::string::npos);

  auto producer = Producer::Create(b.kafka());
  ASSERT_TRUE(producer.ok()) << producer.status().message();
  ASSERT_TRUE((*producer)->Produce(topics::kArticles, "k1", "first message").ok());
  ASSERT_TRUE((*producer)->Flush(20s).ok());
  EXPECT_EQ((*producer)->delivered(), 1u);

  auto got = ReadTopic(b.kafka(), topics::kArticles, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].key, "k1");
  EXPECT_EQ(got[0].value, "first message");

  producer->reset();
  b.process().Signal(SIGTERM);
  EXPECT_EQ(b.process().Wait(20s), 0);
  EXPECT_FALSE(std::filesystem::exists(b.addr_path())) << "the address must not outlive the broker";
}

TEST(BrokerProcessTest, ProduceDuringBrokerDownIsDeliveredAfterBrokerUp) {
  BrokerProcess b({"--control-port", "0"});
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  EXPECT_EQ(b.Control("ping"), "ok");
  auto producer = Producer::Create(b.kafka(), {{"message.timeout.ms", "60000"}, {"reconnect.backoff.max.ms", "200"}});
  ASSERT_TRUE(producer.ok());
  ASSERT_TRUE((*producer)->Produce(topics::kEvents, "a", "before").ok());
  ASSERT_TRUE((*producer)->Flush(20s).ok());

  ASSERT_EQ(b.Control("broker-down 1"), "ok");
  ASSERT_TRUE((*producer)->Produce(topics::kEvents, "b", "during").ok());
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < until) (*producer)->Poll(100ms);
  EXPECT_EQ((*producer)->delivered(), 1u) << "nothing is acknowledged while the broker is down";

  ASSERT_EQ(b.Control("broker-up 1"), "ok");
  ASSERT_TRUE((*producer)->Flush(30s).ok());
  EXPECT_EQ((*producer)->delivered(), 2u);
  EXPECT_EQ((*producer)->failed(), 0u);
  EXPECT_EQ(ReadTopic(b.kafka(), topics::kEvents, 2).size(), 2u);
}

// Number of memory mappings of a process (/proc/PID/maps lines).
size_t MappingCount(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

TEST(BrokerProcessTest, ManyControlConnectionsDoNotAccumulateThreadStacks) {
  BrokerProcess b({"--control-port", "0"});
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  ASSERT_EQ(b.Control("ping"), "ok");
  const size_t before = MappingCount(b.process().pid());
  for (int i = 0; i < 80; ++i) ASSERT_EQ(b.Control("ping"), "ok") << i;
  // A connection's thread is joined once it ends, and its stack reused. Unjoined, each would keep
  // its stack and guard page mapped: 160 more mappings for 80 connections.
  const size_t after = MappingCount(b.process().pid());
  EXPECT_LT(after, before + 40) << before << " mappings before, " << after << " after";
}

TEST(BrokerProcessTest, PushedProduceErrorsAreRetriedByTheIdempotentProducer) {
  BrokerProcess b({"--control-port", "0"});
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  // Produce (API 0) fails twice with NOT_LEADER_FOR_PARTITION (6), a retriable error.
  ASSERT_EQ(b.Control("push-errors 0 6 2"), "ok");
  auto producer = Producer::Create(b.kafka());
  ASSERT_TRUE(producer.ok());
  ASSERT_TRUE((*producer)->Produce(topics::kEvents, "k", "retried").ok());
  EXPECT_TRUE((*producer)->Flush(30s).ok());
  EXPECT_EQ((*producer)->delivered(), 1u);
  EXPECT_EQ(b.Control("push-errors 0 6"), "error usage: push-errors APIKEY ERRCODE COUNT");
}

TEST(BrokerProcessTest, BootstrapPortRelaysToTheMockCluster) {
  uint16_t port = 0;
  {
    auto probe = broker::ListenLoopback(0);  // a free port, released just before the broker takes it
    ASSERT_TRUE(probe.ok());
    port = *broker::LocalPort(probe->get());
  }
  BrokerProcess b({"--port", std::to_string(port), "--topic", "custom:3"});
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  EXPECT_TRUE(b.kafka().brokers.starts_with("127.0.0.1:" + std::to_string(port) + ","));
  KafkaOptions only_relay{.brokers = "127.0.0.1:" + std::to_string(port), .properties = {}};
  auto producer = Producer::Create(only_relay);
  ASSERT_TRUE(producer.ok());
  ASSERT_TRUE((*producer)->Produce("custom", "k", "via relay").ok());
  EXPECT_TRUE((*producer)->Flush(20s).ok());
  auto ends = QueryHighWatermarks(only_relay, "custom", 10s);
  ASSERT_TRUE(ends.ok()) << ends.status().message();
  EXPECT_EQ(ends->size(), 3u) << "--topic custom:3 has three partitions";
}

TEST(BrokerProcessTest, BadFlagsExitTwo) {
  TempDir dir;
  Process p("broker-bad", {NEWSFLOW_BROKER_BIN, "--partitions", "many"}, dir.path());
  EXPECT_EQ(p.Wait(10s), 2);
  Process q("broker-help", {NEWSFLOW_BROKER_BIN, "--help"}, dir.path());
  EXPECT_EQ(q.Wait(10s), 0);
  EXPECT_NE(q.Stdout().find("IN-MEMORY DEVELOPMENT BROKER"), std::string::npos);
}

TEST(IngestProcessTest, ReplayProducesOneArticlePerFileAndDeadLettersTheRest) {
  BrokerProcess b;
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  const std::string corpus = b.dir() + "/corpus";
  std::filesystem::create_directories(corpus + "/more");
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(corpus + "/" + name) << text; };
  write("01.txt", "Cầu mới thông xe ở Cần Thơ\n\nCây cầu dài hai cây số được thông xe sáng nay.\n\nNguồn: Báo Cần Thơ");
  write("02.txt", "افتتاح مستشفى جديد في المدينة\n\nافتتح وزير الصحة اليوم مستشفى جديدا يضم مئتي سرير.");
  write("03.txt", "City opens a new library\n\nThe library has forty thousand books.\n\nSource: Example News");
  write("more/04.txt", "Giá lúa tăng nhẹ\n\nGiá lúa tại đồng bằng tăng nhẹ trong tuần này.");
  write("more/05.txt", "A second English story\n\nIt is different from the first one.");
  write("06.txt", "broken \xff bytes");

  TempDir logs;
  Process ingest("ingest", {NEWSFLOW_INGEST_BIN, "replay", corpus, "--brokers", b.kafka().brokers, "--kb",
                            NEWSFLOW_KB_DIR, "--clock", "2026-11-21T00:00:00Z"},
                 logs.path());
  ASSERT_EQ(ingest.Wait(60s), 0) << ingest.Stderr();
  EXPECT_NE(ingest.Stderr().find("read 6, produced 5, dead-lettered 1"), std::string::npos) << ingest.Stderr();

  auto articles = ReadTopic(b.kafka(), topics::kArticles, 5);
  ASSERT_EQ(articles.size(), 5u);
  std::set<std::string> keys, languages;
  for (const auto& r : articles) {
    v1::Article a;
    ASSERT_TRUE(a.ParseFromString(r.value));
    EXPECT_EQ(a.id(), r.key);
    EXPECT_EQ(a.ingested_at().seconds(), 1795219200);
    EXPECT_EQ(a.origin(), v1::ORIGIN_REPLAY);
    keys.insert(r.key);
    languages.insert(a.language());
  }
  EXPECT_EQ(keys.size(), 5u) << "distinct articles get distinct keys";
  EXPECT_EQ(languages, (std::set<std::string>{"ar", "en", "vi"}));

  auto dead = ReadDeadLetters(b.kafka(), 1);
  ASSERT_EQ(dead.size(), 1u);
  const v1::DeadLetter& dl = dead[0];
  EXPECT_EQ(dl.stage(), "ingest");
  EXPECT_EQ(dl.reason(), "invalid_utf8");
  EXPECT_EQ(dl.original(), "broken \xff bytes");
  EXPECT_EQ(dl.source_topic(), corpus + "/06.txt");
}

TEST(IngestProcessTest, JsonlMalformedLinesAreDeadLetteredWithTheirLineNumbers) {
  BrokerProcess b;
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  const std::string file = b.dir() + "/in.jsonl";
  std::ofstream(file) << "{\"text\":\"Tàu cá cập cảng an toàn\\n\\nTất cả ngư dân đều bình an.\"}\n"
                      << "{\"title\":\"Rates held\",\"body\":\"The bank kept rates unchanged.\",\"language\":\"en\"}\n"
                      << "{\"text\": unquoted}\n"
                      << "{\"text\":\"\"}\n";
  TempDir logs;
  Process ingest("ingest", {NEWSFLOW_INGEST_BIN, "jsonl", file, "--brokers", b.kafka().brokers, "--kb", NEWSFLOW_KB_DIR},
                 logs.path());
  ASSERT_EQ(ingest.Wait(60s), 0) << ingest.Stderr();
  EXPECT_NE(ingest.Stderr().find("read 4, produced 2, dead-lettered 2"), std::string::npos) << ingest.Stderr();
  EXPECT_EQ(ReadTopic(b.kafka(), topics::kArticles, 2).size(), 2u);
  std::set<std::string> reasons;
  for (const auto& dl : ReadDeadLetters(b.kafka(), 2)) {
    reasons.insert(dl.reason() + "@" + dl.source_topic());
  }
  EXPECT_EQ(reasons, (std::set<std::string>{"bad_json@jsonl:" + file + ":3", "empty_body@jsonl:" + file + ":4"}));
}

TEST(IngestProcessTest, LoopedReplayStopsAtTheLimitAtTheGivenRate) {
  BrokerProcess b;
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  const std::string corpus = b.dir() + "/corpus";
  std::filesystem::create_directories(corpus);
  std::ofstream(corpus + "/a.txt") << "Short note\n\nA body line.";
  TempDir logs;
  const auto start = std::chrono::steady_clock::now();
  Process ingest("ingest", {NEWSFLOW_INGEST_BIN, "replay", corpus, "--loop", "--limit", "6", "--rate", "10",
                            "--brokers", b.kafka().brokers, "--kb", NEWSFLOW_KB_DIR},
                 logs.path());
  ASSERT_EQ(ingest.Wait(60s), 0) << ingest.Stderr();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 500ms) << "6 articles at 10/s take at least 0.5 s";
  EXPECT_NE(ingest.Stderr().find("read 6, produced 6, dead-lettered 0, acknowledged 6"), std::string::npos)
      << ingest.Stderr();
}

TEST(IngestProcessTest, SigtermStopsAnEndlessReplayAndExitsZeroAfterFlushing) {
  BrokerProcess b;
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  const std::string corpus = b.dir() + "/corpus";
  std::filesystem::create_directories(corpus);
  std::ofstream(corpus + "/a.txt") << "Short note\n\nA body line.";
  TempDir logs;
  Process ingest("ingest", {NEWSFLOW_INGEST_BIN, "replay", corpus, "--loop", "--rate", "50", "--progress-every", "5",
                            "--brokers", b.kafka().brokers, "--kb", NEWSFLOW_KB_DIR},
                 logs.path());
  ASSERT_TRUE(WaitUntil([&] { return ingest.Stderr().find("progress") != std::string::npos; }, 20s)) << ingest.Stderr();
  ingest.Signal(SIGTERM);
  ASSERT_EQ(ingest.Wait(30s), 0) << ingest.Stderr();
  const std::string err = ingest.Stderr();
  EXPECT_NE(err.find("newsflow-ingest: read "), std::string::npos) << err;
  EXPECT_EQ(err.find("(", err.find("newsflow-ingest: read ")), std::string::npos) << "every message acknowledged";
}

TEST(IngestProcessTest, WatchIngestsEachFileOnceAcrossARestartAndServesMetrics) {
  BrokerProcess b;
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  const std::string in = b.dir() + "/inbox";
  std::filesystem::create_directories(in);
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(in + "/" + name) << text; };
  write("01.txt", "Thành phố mở thêm tuyến xe buýt điện\n\nTuyến mới nối sân bay với trung tâm.");
  write("02.txt", "بدء موسم قطف الزيتون في القرى\n\nيتوقع المزارعون محصولا أكبر من العام الماضي.");
  auto start = [&](const std::string& name) {
    return std::make_unique<Process>(
        name, std::vector<std::string>{NEWSFLOW_INGEST_BIN, "watch", in, "--brokers", b.kafka().brokers, "--kb",
                                       NEWSFLOW_KB_DIR, "--metrics-port", "0", "--log-format", "json"},
        b.dir());
  };
  auto first = start("watch-1");
  ASSERT_TRUE(WaitUntil([&] { return first->Stderr().find("\"watching\"") != std::string::npos; }, 30s))
      << first->Stderr();
  write("03.txt", "Harbour bridge closes for repairs\n\nTraffic will use the ring road for two weeks.");
  ASSERT_EQ(ReadTopic(b.kafka(), topics::kArticles, 3).size(), 3u);

  // /metrics counts what was produced and acknowledged.
  const std::string err = first->Stderr();
  const size_t at = err.find("\"port\":\"");
  ASSERT_NE(at, std::string::npos) << err;
  const std::string port = err.substr(at + 8, err.find('"', at + 8) - at - 8);
  std::string metrics;
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto r = ingest::HttpGet("http://127.0.0.1:" + port + "/metrics", "", "", {});
        metrics = r.ok() ? r->body : r.status().message();
        return metrics.find("newsflow_ingest_acknowledged 3") != std::string::npos;
      },
      20s))
      << metrics;
  EXPECT_NE(metrics.find("newsflow_ingest_articles_produced_total 3"), std::string::npos) << metrics;

  first->Signal(SIGTERM);
  ASSERT_EQ(first->Wait(30s), 0) << first->Stderr();
  std::istringstream lines(first->Stderr());
  for (std::string l; std::getline(lines, l);) EXPECT_TRUE(l.starts_with("{") && l.ends_with("}")) << "--log-format json: " << l;
  EXPECT_NE(first->Stderr().find("\"read\":\"3\",\"produced\":\"3\""), std::string::npos) << first->Stderr();

  write("04.txt", "Giải chạy đêm thu hút nghìn người\n\nCác vận động viên chạy qua cầu lúc nửa đêm.");
  auto second = start("watch-2");
  ASSERT_TRUE(WaitUntil([&] { return second->Stderr().find("\"watching\"") != std::string::npos; }, 30s))
      << second->Stderr();
  second->Signal(SIGTERM);
  ASSERT_EQ(second->Wait(30s), 0) << second->Stderr();
  EXPECT_NE(second->Stderr().find("\"read\":\"1\",\"produced\":\"1\""), std::string::npos)
      << "only the file that landed while it was down: " << second->Stderr();
  EXPECT_EQ(ReadTopic(b.kafka(), topics::kArticles, 4).size(), 4u);
}

TEST(IngestProcessTest, FeedOnceProducesItemsOnceAndDeadLettersAMalformedFeed) {
  BrokerProcess b;
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  testing::TestHttpServer http;
  ASSERT_TRUE(http.ok());
  http.Serve("/vi.xml", {.bodies = {testing::ReadFeedFixture("rss_vi.xml")}});
  http.Serve("/broken.xml", {.bodies = {testing::ReadFeedFixture("malformed.xml")}});
  auto run = [&](const std::string& name) {
    auto p = std::make_unique<Process>(
        name, std::vector<std::string>{NEWSFLOW_INGEST_BIN, "feed", http.Url("/broken.xml"), http.Url("/vi.xml"),
                                       "--once", "--state", b.dir() + "/feeds.state", "--brokers", b.kafka().brokers,
                                       "--kb", NEWSFLOW_KB_DIR},
        b.dir());
    EXPECT_EQ(p->Wait(60s), 0) << p->Stderr();
    return p->Stderr();
  };
  const std::string first = run("feed-1");
  EXPECT_NE(first.find("read 4, produced 3, dead-lettered 1, acknowledged 4"), std::string::npos) << first;
  EXPECT_NE(first.find("bad_feed"), std::string::npos) << "one log line names the bad feed: " << first;
  const std::string second = run("feed-2");
  EXPECT_NE(second.find("read 0, produced 0, dead-lettered 0"), std::string::npos) << second;
  EXPECT_EQ(http.counts("/vi.xml").not_modified, 1);

  auto articles = ReadTopic(b.kafka(), topics::kArticles, 3);
  ASSERT_EQ(articles.size(), 3u);
  for (const auto& r : articles) {
    v1::Article a;
    ASSERT_TRUE(a.ParseFromString(r.value));
    EXPECT_EQ(a.origin(), v1::ORIGIN_FEED);
    EXPECT_EQ(a.language(), "vi");
    EXPECT_TRUE(a.url().starts_with("https://tin.example.vn/bai/")) << a.url();
    EXPECT_FALSE(a.title().empty());
    EXPECT_TRUE(a.has_published_at());
  }
  auto dead = ReadDeadLetters(b.kafka(), 1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].stage(), "ingest");
  EXPECT_EQ(dead[0].reason(), "bad_feed");
  EXPECT_EQ(dead[0].original(), testing::ReadFeedFixture("malformed.xml"));
}

TEST(IngestProcessTest, FeedPollsEveryIntervalProducesRepeatedItemsOnceAndStopsOnSigterm) {
  BrokerProcess b;
  ASSERT_TRUE(b.up()) << b.process().Stderr();
  testing::TestHttpServer http;
  ASSERT_TRUE(http.ok());
  http.Serve("/courier.xml",
             {.bodies = {testing::ReadFeedFixture("repeat_1.xml"), testing::ReadFeedFixture("repeat_2.xml")}});
  Process feed("feed", {NEWSFLOW_INGEST_BIN, "feed", http.Url("/courier.xml"), "--interval", "0.2", "--state",
                        b.dir() + "/feeds.state", "--brokers", b.kafka().brokers, "--kb", NEWSFLOW_KB_DIR},
               b.dir());
  ASSERT_TRUE(WaitUntil([&] { return http.counts("/courier.xml").not_modified >= 2; }, 30s)) << feed.Stderr();
  feed.Signal(SIGTERM);
  ASSERT_EQ(feed.Wait(30s), 0) << feed.Stderr();
  EXPECT_NE(feed.Stderr().find("read 3, produced 3, dead-lettered 0, acknowledged 3"), std::string::npos)
      << "courier-101 is in both documents and produced once: " << feed.Stderr();
  EXPECT_NE(ReadFile(b.dir() + "/feeds.state").find("courier-102"), std::string::npos);
}

TEST(IngestProcessTest, UnknownSubcommandAndBadFlagsExitTwoWithOneLine) {
  TempDir dir;
  Process a("ingest-a", {NEWSFLOW_INGEST_BIN, "tail", "x"}, dir.path());
  EXPECT_EQ(a.Wait(10s), 2);
  const std::string err = a.Stderr();
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  Process c("ingest-c", {NEWSFLOW_INGEST_BIN, "replay", "/tmp", "--rate", "fast"}, dir.path());
  EXPECT_EQ(c.Wait(10s), 2);
  Process d("ingest-d", {NEWSFLOW_INGEST_BIN, "replay", "/tmp", "--clock", "yesterday", "--brokers", "x:1"}, dir.path());
  EXPECT_EQ(d.Wait(10s), 2);
}

}  // namespace
}  // namespace newsflow
