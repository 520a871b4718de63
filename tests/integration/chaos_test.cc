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

TEST(ChaosTest, KillsAndBrokerFaultsLoseNothingAndDuplicateNothing) {
  const int64_t articles = EnvInt("NEWSFLOW_CHAOS_ARTICLES", 2000);
  const int64_t min_kills = EnvInt("NEWSFLOW_CHAOS_KILLS", 10);
  TempDir corpus;
  ASSERT_TRUE(tools::GenerateCorpus({NEWSFLOW_SOURCE_DIR "/seeds", corpus.path(), articles, 42}).ok());
  const std::vector<std::string> faster_failover = {"session.timeout.ms=6000", "heartbeat.interval.ms=500"};

  // The clean run.
  std::map<std::string, int64_t> clean;
  std::set<std::string> clean_mentions;
  {
    PipelineOptions clean_options;
    Pipeline p(clean_options);
    ASSERT_TRUE(p.StartBroker());
    p.StartSink();
    p.StartExtractor();
    ASSERT_EQ(p.Ingest({"replay", corpus.path(), "--clock", kClock}, 300s), 0);
    ASSERT_TRUE(p.WaitDrained(300s));
    clean = Records(p.store_path());
    clean_mentions = MentionIds(p.store_path());
    ASSERT_TRUE(p.StopAll());
  }
  ASSERT_FALSE(clean.empty());

  // The same corpus under faults.
  PipelineOptions chaos_options;
  chaos_options.brokers = 3;
  chaos_options.control = true;
  chaos_options.extra_kafka = faster_failover;
  Pipeline p(chaos_options);
  ASSERT_TRUE(p.StartBroker());
  p.StartSink();
  p.StartExtractor();
  p.StartExtractor();
  auto ingest = p.StartIngest({"replay", corpus.path(), "--clock", kClock, "--rate", "150"});

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
  const auto chaos = Records(p.store_path());
  const auto chaos_mentions = MentionIds(p.store_path());
  int64_t reports_lost = 0, reports_unexpected = 0;
  for (const auto& id : clean_mentions) reports_lost += chaos_mentions.count(id) ? 0 : 1;
  for (const auto& id : chaos_mentions) reports_unexpected += clean_mentions.count(id) ? 0 : 1;

  int64_t lost = 0, duplicated = 0, extra = 0;
  for (const auto& [id, n] : clean) {
    auto it = chaos.find(id);
    if (it == chaos.end()) lost += n;
    else if (it->second < n) lost += n - it->second;
    else duplicated += it->second - n;
  }
  for (const auto& [id, n] : chaos) extra += clean.count(id) ? 0 : n;
  std::printf("chaos: %lld articles, %d kills, %d broker faults; reports clean=%zu chaos=%zu lost=%lld "
              "unexpected=%lld; records clean=%zu chaos=%zu; record mentions lost=%lld duplicated=%lld "
              "unexpected=%lld\n",
              static_cast<long long>(articles), kills, faults, clean_mentions.size(), chaos_mentions.size(),
              static_cast<long long>(reports_lost), static_cast<long long>(reports_unexpected), clean.size(),
              chaos.size(), static_cast<long long>(lost), static_cast<long long>(duplicated),
              static_cast<long long>(extra));
  EXPECT_EQ(reports_lost, 0);
  EXPECT_EQ(reports_unexpected, 0);
  EXPECT_GE(kills, min_kills);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(extra, 0);
  EXPECT_EQ(chaos, clean);
  EXPECT_TRUE(p.StopAll());
}

}  // namespace
}  // namespace newsflow::testing
