// End to end: the real broker, ingest, extract and sink binaries as separate processes, the seed
// corpus replayed through Kafka, the result checked in the SQLite file.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "newsflow/common/kafka.h"
#include "newsflow/common/topics.h"
#include "newsflow/v1/dead_letter.pb.h"
#include "pipeline.h"

namespace newsflow::testing {
namespace {

using namespace std::chrono_literals;
const std::string kSeeds = NEWSFLOW_SOURCE_DIR "/seeds";
const std::string kClock = "2026-11-21T00:00:00Z";

size_t CountFiles(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

std::string Dump(const std::string& db, const std::string& sql) {
  std::string out;
  for (const auto& row : QuerySqlite(db, sql)) {
    for (const auto& c : row) out += c + "\t";
    out += "\n";
  }
  return out;
}

// Every message currently on `topic`, read from the beginning by a throwaway consumer group.
std::vector<std::string> ReadTopic(const KafkaOptions& kafka, const std::string& topic, size_t expected) {
  std::vector<std::string> out;
  auto c = Consumer::Create(kafka, "test-reader-" + std::to_string(::getpid()), {topic});
  if (!c.ok()) return out;
  WaitUntil(
      [&] {
        KafkaMessage m = (*c)->Poll(200ms);
        if (m && m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
          out.emplace_back(static_cast<const char*>(m->payload), m->len);
        return out.size() >= expected;
      },
      30s);
  return out;
}

class PipelineTest : public ::testing::Test {};

TEST_F(PipelineTest, SeedsBecomeEventRecordsInSqliteAndReplayIsIdempotent) {
  PipelineOptions options;
  options.metrics = true;
  Pipeline p(options);
  ASSERT_TRUE(p.StartBroker()) << p.broker()->Stderr();
  p.StartSink();
  p.StartExtractor();
  ASSERT_EQ(p.Ingest({"replay", kSeeds, "--clock", kClock}), 0);
  ASSERT_TRUE(p.WaitDrained(120s)) << "sink log:\n" << p.sink()->Stderr();

  const std::string db = p.store_path();
  const size_t seeds = CountFiles(kSeeds);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM articles"), static_cast<int64_t>(seeds));
  // Languages are detected, not given: the seeds are three Vietnamese and two Arabic articles.
  std::map<std::string, int64_t> langs;
  for (const auto& r : QuerySqlite(db, "SELECT language, count(*) FROM articles GROUP BY language"))
    langs[r[0]] = std::stoll(r[1]);
  EXPECT_EQ(langs["vi"], 3);
  EXPECT_EQ(langs["ar"], 2);
  // Every article reports at least one event; every mention belongs to a stored record.
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                         "(SELECT 1 FROM mentions m WHERE m.article_id = a.id)"),
            0);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM mentions m WHERE NOT EXISTS "
                         "(SELECT 1 FROM events e WHERE e.id = m.event_id)"),
            0);
  EXPECT_GT(QueryInt(db, "SELECT count(*) FROM entities"), 10);
  // Fusion across languages: some record is reported in Vietnamese and in Arabic.
  EXPECT_GE(QueryInt(db, "SELECT count(*) FROM (SELECT event_id FROM mentions GROUP BY event_id "
                         "HAVING count(DISTINCT language) > 1)"),
            1);

  // Observability: both consumers serve Prometheus metrics that count what they did, and /healthz.
  for (Process* proc : {p.sink(), p.extractors()[0].get()}) {
    const int port = MetricsPort(*proc);
    ASSERT_GT(port, 0) << proc->name() << " logged no metrics port";
    EXPECT_EQ(HttpGet(port, "/healthz"), "200 ok\n");
    const std::string metrics = HttpGet(port, "/metrics");
    EXPECT_EQ(metrics.substr(0, 3), "200");
    EXPECT_NE(metrics.find("consumer_lag"), std::string::npos);
    EXPECT_NE(metrics.find("batch_seconds_count"), std::string::npos);
  }
  EXPECT_NE(HttpGet(MetricsPort(*p.extractors()[0]), "/metrics").find("newsflow_extract_articles_in_total " +
                                                                     std::to_string(seeds)),
            std::string::npos);

  const std::string events_sql = "SELECT id, cameo_code, date_iso, mention_count FROM events ORDER BY id";
  const std::string mentions_sql = "SELECT id, event_id, article_id FROM mentions ORDER BY id";
  const std::string before_events = Dump(db, events_sql), before_mentions = Dump(db, mentions_sql);
  ASSERT_FALSE(before_events.empty());

  // The same corpus again (at-least-once duplicates, in effect): nothing changes in the store.
  ASSERT_EQ(p.Ingest({"replay", kSeeds, "--clock", kClock}), 0);
  ASSERT_TRUE(p.WaitDrained(120s));
  EXPECT_EQ(Dump(db, events_sql), before_events);
  EXPECT_EQ(Dump(db, mentions_sql), before_mentions);

  EXPECT_TRUE(p.StopAll()) << "a process did not exit 0 on SIGTERM";
}

TEST_F(PipelineTest, RecordIdsDoNotDependOnPartitionsOrExtractorCount) {
  auto run = [&](int partitions, int extractors) {
    PipelineOptions options;
    options.partitions = partitions;
    Pipeline p(options);
    if (!p.StartBroker()) return std::string("broker failed");
    p.StartSink();
    for (int i = 0; i < extractors; ++i) p.StartExtractor();
    if (p.Ingest({"replay", kSeeds, "--clock", kClock}) != 0) return std::string("ingest failed");
    if (!p.WaitDrained(120s)) return std::string("not drained");
    std::string ids = Dump(p.store_path(), "SELECT id, mention_count FROM events ORDER BY id");
    p.StopAll();
    return ids;
  };
  const std::string one = run(1, 1);
  const std::string many = run(6, 2);
  EXPECT_NE(one.find('\t'), std::string::npos) << one;
  EXPECT_EQ(one, many);
}

TEST_F(PipelineTest, ALockedStorePausesTheSinkWhichRecoversOnItsOwn) {
  Pipeline p;
  ASSERT_TRUE(p.StartBroker());
  p.StartSink();
  p.StartExtractor();
  ASSERT_TRUE(WaitUntil([&] { return std::filesystem::exists(p.store_path()); }, 30s));
  // Another writer holds the store's write lock while the seeds flow.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(p.store_path().c_str(), &raw), SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> locker(raw, &sqlite3_close);
  sqlite3_busy_timeout(locker.get(), 5000);
  ASSERT_EQ(sqlite3_exec(locker.get(), "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(p.Ingest({"replay", kSeeds, "--clock", kClock}), 0);
  ASSERT_TRUE(WaitUntil([&] { return p.sink()->Stderr().find("batch_retry") != std::string::npos; }, 60s))
      << p.sink()->Stderr();
  EXPECT_FALSE(p.Drained());
  EXPECT_EQ(QueryInt(p.store_path(), "SELECT count(*) FROM articles"), 0);
  ASSERT_EQ(sqlite3_exec(locker.get(), "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  // Released: the sink stores everything, with no help.
  ASSERT_TRUE(p.WaitDrained(120s));
  EXPECT_EQ(QueryInt(p.store_path(), "SELECT count(*) FROM articles"), static_cast<int64_t>(CountFiles(kSeeds)));
  EXPECT_EQ(QueryInt(p.store_path(), "SELECT count(*) FROM mentions m WHERE NOT EXISTS "
                                     "(SELECT 1 FROM events e WHERE e.id = m.event_id)"),
            0);
  EXPECT_TRUE(p.StopAll());
}

TEST_F(PipelineTest, BadInputGoesToTheDeadLetterTopicAndTheRestFlows) {
  Pipeline p;
  ASSERT_TRUE(p.StartBroker());
  p.StartSink();
  p.StartExtractor();
  TempDir corpus;
  {
    std::ofstream(corpus.path() + "/good.txt") << "Talks in Doha\n\nQatar's foreign minister met Egypt's foreign "
                                                   "minister in Doha on Monday to discuss the truce.\n";
    std::ofstream(corpus.path() + "/invalid_utf8.txt") << "Broken \xC3\x28 text \xFF\xFE here.\n";
    std::ofstream(corpus.path() + "/empty.txt") << "   \n\n";
  }
  ASSERT_EQ(p.Ingest({"replay", corpus.path(), "--clock", kClock}), 0);
  // Garbage straight onto the articles topic: extract must dead-letter it and keep going.
  {
    auto producer = Producer::Create(p.kafka());
    ASSERT_TRUE(producer.ok());
    ASSERT_TRUE((*producer)->Produce(topics::kArticles, "junk", std::string("\x08\xff\xff\xff garbage", 12)).ok());
    ASSERT_TRUE((*producer)->Flush(10s).ok());
  }
  ASSERT_TRUE(p.WaitDrained(120s));
  EXPECT_EQ(QueryInt(p.store_path(), "SELECT count(*) FROM articles"), 1);

  std::multiset<std::string> reasons;
  std::set<std::string> stages;
  for (const auto& bytes : ReadTopic(p.kafka(), topics::kDeadLetter, 3)) {
    v1::DeadLetter dl;
    ASSERT_TRUE(dl.ParseFromString(bytes));
    EXPECT_FALSE(dl.original().empty() && dl.reason() != "empty_body") << dl.reason();
    reasons.insert(dl.reason().substr(0, dl.reason().find(':')));
    stages.insert(dl.stage());
  }
  EXPECT_EQ(reasons.size(), 3u);
  EXPECT_EQ(reasons.count("invalid_utf8"), 1u);
  EXPECT_EQ(reasons.count("empty_body"), 1u);
  EXPECT_EQ(reasons.count("bad_protobuf"), 1u);
  EXPECT_EQ(stages, (std::set<std::string>{"ingest", "extract"}));
  EXPECT_TRUE(p.StopAll());
}

}  // namespace
}  // namespace newsflow::testing
