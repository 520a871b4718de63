// Delivery guarantees under faults: a synthetic corpus replayed while extract and sink are
// SIGKILLed and restarted at random moments and the broker fails requests and goes down; the
// final store must equal a clean run's — same event record ids, same mention counts.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "corpus.h"
#include "newsflow/common/topics.h"
#include "pipeline.h"

namespace newsflow::testing {
namespace {

using namespace std::chrono_literals;
const std::string kClock = "2026-11-21T00:00:00Z";

std::set<std::string> MentionIds(const std::string& db) {
  std::set<std::string> out;
  for (const auto& r : QuerySqlite(db, "SELECT id FROM mentions")) out.insert(r[0]);
  return out;
}

std::map<std::string, int64_t> Records(const std::string& db) {
  std::map<std::string, int64_t> out;
  for (const auto& r : QuerySqlite(db, "SELECT id, mention_count FROM events")) out[r[0]] = std::stoll(r[1]);
  return out;
}

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoll(v) : fallback;
}

// Faster failover of killed group members, and one in-flight produce request per connection.
// The latter works around the dev broker, not newsflow: librdkafka's mock cluster does not enforce
// idempotent-producer sequence order across pipelined requests, so when an injected error fails
// request k while request k+1 succeeds, the retry of k is answered as a duplicate and its messages
// are acknowledged without being stored (reproduced here with ingest alone: 1999 of 2000 kept,
// every one acknowledged). A real broker rejects k+1 as out of order, and nothing is lost.
const std::vector<std::string> kFasterFailover = {"session.timeout.ms=6000", "heartbeat.interval.ms=500",
                                                  "max.in.flight.requests.per.connection=1"};

// What a store holds, compared between a clean run and a run under faults.
struct StoreContents {
  std::map<std::string, int64_t> records;  // record id -> mention count
  std::set<std::string> mentions;          // report ids
  int64_t articles = 0;
};

StoreContents ReadStore(const std::string& db) {
  return {Records(db), MentionIds(db), QueryInt(db, "SELECT count(*) FROM articles")};
}

// Messages on a topic (the sum of its partitions' high watermarks).
int64_t TopicSize(const KafkaOptions& kafka, const std::string& topic) {
  auto hw = QueryHighWatermarks(kafka, topic, std::chrono::seconds(5));
  int64_t n = 0;
  if (hw.ok())
    for (const auto& p : *hw) n += p.offset;
  return n;
}

// Messages on the dead-letter topic, for the diagnosis of a difference.
int64_t DeadLetters(const KafkaOptions& kafka) { return TopicSize(kafka, topics::kDeadLetter); }

// Lost / duplicated / unexpected mentions of `got` against `want`, printed and asserted zero.
void ExpectSameStore(const char* label, const StoreContents& want, const StoreContents& got) {
  int64_t reports_lost = 0, reports_unexpected = 0, lost = 0, duplicated = 0, extra = 0;
  for (const auto& id : want.mentions) reports_lost += got.mentions.count(id) ? 0 : 1;
  for (const auto& id : got.mentions) reports_unexpected += want.mentions.count(id) ? 0 : 1;
  for (const auto& [id, n] : want.records) {
    auto it = got.records.find(id);
    if (it == got.records.end()) lost += n;
    else if (it->second < n) lost += n - it->second;
    else duplicated += it->second - n;
  }
  for (const auto& [id, n] : got.records) extra += want.records.count(id) ? 0 : n;
  std::printf("%s: articles clean=%lld run=%lld\n", label, static_cast<long long>(want.articles),
              static_cast<long long>(got.articles));
  EXPECT_EQ(got.articles, want.articles);
  std::printf("%s: reports clean=%zu run=%zu lost=%lld unexpected=%lld; records clean=%zu run=%zu; "
              "record mentions lost=%lld duplicated=%lld unexpected=%lld\n",
              label, want.mentions.size(), got.mentions.size(), static_cast<long long>(reports_lost),
              static_cast<long long>(reports_unexpected), want.records.size(), got.records.size(),
              static_cast<long long>(lost), static_cast<long long>(duplicated), static_cast<long long>(extra));
  EXPECT_EQ(reports_lost, 0);
  EXPECT_EQ(reports_unexpected, 0);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(extra, 0);
  EXPECT_EQ(got.records, want.records);
}

// One synthetic corpus and its clean run, shared by the fault tests.
class FaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    articles_ = EnvInt("NEWSFLOW_CHAOS_ARTICLES", 2000);
    corpus_ = new TempDir();
    ASSERT_TRUE(tools::GenerateCorpus({NEWSFLOW_SOURCE_DIR "/seeds", corpus_->path(), articles_, 42}).ok());
    PipelineOptions options;
    Pipeline p(options);
    ASSERT_TRUE(p.StartBroker());
    p.StartSink();
    p.StartExtractor();
    ASSERT_EQ(p.Ingest({"replay", corpus_->path(), "--clock", kClock}, 300s), 0);
    ASSERT_TRUE(p.WaitDrained(300s));
    clean_ = new StoreContents(ReadStore(p.store_path()));
    ASSERT_TRUE(p.StopAll());
    ASSERT_FALSE(clean_->records.empty());
  }
  static void TearDownTestSuite() {
    delete clean_;
    delete corpus_;
  }
  static inline int64_t articles_ = 0;
  static inline TempDir* corpus_ = nullptr;
  static inline StoreContents* clean_ = nullptr;
};

TEST_F(FaultTest, KillsAndBrokerFaultsLoseNothingAndDuplicateNothing) {
  ASSERT_NE(clean_, nullptr);
  const int64_t min_kills = EnvInt("NEWSFLOW_CHAOS_KILLS", 10);
  const std::string corpus = corpus_->path();

  // The same corpus under faults.
  PipelineOptions chaos_options;
  chaos_options.brokers = 3;
  chaos_options.control = true;
  chaos_options.extra_kafka = kFasterFailover;
  Pipeline p(chaos_options);
  ASSERT_TRUE(p.StartBroker());
  p.StartSink();
  p.StartExtractor();
  p.StartExtractor();
  auto ingest = p.StartIngest({"replay", corpus, "--clock", kClock, "--rate", "150"});

  std::mt19937 rng(7);  // deterministic schedule of faults
  int kills = 0, faults = 0;
  const auto deadline = std::chrono::steady_clock::now() + 240s;
  while ((ingest->Running() || kills < min_kills) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + rng() % 1200));
    switch (rng() % 5) {
      case 0:
      case 1: {  // SIGKILL an extractor, restart it
        const size_t i = rng() % p.extractors().size();
        p.extractors()[i]->Signal(SIGKILL);
        p.extractors()[i]->Wait(5s);
        p.StartExtractor(i);
        ++kills;
        break;
      }
      case 2: {  // SIGKILL the sink, restart it
        p.sink()->Signal(SIGKILL);
        p.sink()->Wait(5s);
        p.StartSink();
        ++kills;
        break;
      }
      case 3:  // request errors: produce and offset-commit fail transiently
        EXPECT_EQ(p.Control("push-errors 0 7 3"), "ok");
        EXPECT_EQ(p.Control("push-errors 8 7 2"), "ok");
        ++faults;
        break;
      case 4: {  // a broker down, then up
        const int id = 1 + static_cast<int>(rng() % 3);
        EXPECT_EQ(p.Control("broker-down " + std::to_string(id)), "ok");
        std::this_thread::sleep_for(800ms);
        EXPECT_EQ(p.Control("broker-up " + std::to_string(id)), "ok");
        ++faults;
        break;
      }
    }
  }
  ASSERT_EQ(ingest->Wait(120s), std::optional<int>(0)) << ingest->Stderr();
  ASSERT_TRUE(p.WaitDrained(300s)) << "sink:\n" << p.sink()->Stderr();
  std::printf("chaos: %lld articles, %d kills, %d broker faults; the articles topic holds %lld messages\n",
              static_cast<long long>(articles_), kills, faults, static_cast<long long>(TopicSize(p.kafka(), topics::kArticles)));
  EXPECT_GE(kills, min_kills);
  ExpectSameStore("chaos", *clean_, ReadStore(p.store_path()));
  EXPECT_EQ(DeadLetters(p.kafka()), 0) << "dead letters in a run of valid articles";
  EXPECT_EQ(TopicSize(p.kafka(), topics::kArticles), articles_) << "the broker lost acknowledged articles";
  EXPECT_TRUE(p.StopAll());
}

// Scale-out: extractors join and leave the group mid-stream (SIGTERM and SIGKILL), up to three
// at once; the partitions move between them and the store ends equal to the clean run's.
TEST_F(FaultTest, ExtractorsJoiningAndLeavingMidStreamLoseNothing) {
  ASSERT_NE(clean_, nullptr);
  PipelineOptions options;
  options.partitions = 6;
  options.extra_kafka = kFasterFailover;
  Pipeline p(options);
  ASSERT_TRUE(p.StartBroker());
  p.StartSink();
  p.StartExtractor();
  auto ingest = p.StartIngest({"replay", corpus_->path(), "--clock", kClock, "--rate", "200"});
  auto pause = [] { std::this_thread::sleep_for(1500ms); };
  pause();
  p.StartExtractor();  // 2 members
  pause();
  p.StartExtractor();  // 3 members
  pause();
  p.extractors()[1]->Signal(SIGTERM);  // leaves cleanly: finishes its batch, commits, leaves
  EXPECT_EQ(p.extractors()[1]->Wait(30s), std::optional<int>(0));
  pause();
  p.extractors()[0]->Signal(SIGKILL);  // dies: its partitions move after the session timeout
  p.extractors()[0]->Wait(5s);
  pause();
  p.StartExtractor(1);  // back to 2 members
  ASSERT_EQ(ingest->Wait(120s), std::optional<int>(0)) << ingest->Stderr();
  ASSERT_TRUE(p.WaitDrained(300s));
  std::string assignments;
  for (auto& e : p.extractors())
    if (e) assignments += e->Stderr();
  EXPECT_NE(assignments.find("partitions_assigned"), std::string::npos);
  ExpectSameStore("scale-out", *clean_, ReadStore(p.store_path()));
  EXPECT_EQ(DeadLetters(p.kafka()), 0) << "dead letters in a run of valid articles";
  EXPECT_TRUE(p.StopAll());
}

}  // namespace
}  // namespace newsflow::testing
