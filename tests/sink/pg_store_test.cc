// What only the PostgreSQL store has: a server that can go away (a killed backend, a connection
// lost inside a transaction, a stopped and restarted server) and several sinks writing into one
// database at once. The shared conformance tests are in store_test.cc.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "newsflow/common/ids.h"
#include "newsflow/sink/store.h"
#include "store_backends.h"
#include "test_events.h"

namespace newsflow::sink {
namespace {

using testing::Report;
using testing::Wrap;

// `n` reports of one group (one fusion key), dated over ten days of December in three languages.
// Each names its own source actor, so that two writers share no entity row: nothing but the group
// lock orders them.
std::vector<v1::ExtractOutput> Reports(int n, const std::string& prefix = "m") {
  static const char* kLanguages[] = {"vi", "ar", "en"};
  static const char* kSentences[] = {"Ngoại trưởng Kenya đến Addis Ababa.", "وصل وزير الخارجية الكيني إلى أديس أبابا.",
                                     "Kenya's foreign minister arrived in Addis Ababa."};
  std::vector<v1::ExtractOutput> out;
  for (int i = 0; i < n; ++i)
    out.push_back(Wrap(Report({prefix + std::to_string(i), "2025-12-" + std::to_string(10 + i % 10 * 2),
                               v1::DATE_PRECISION_DAY, v1::DATE_RESOLUTION_EXPLICIT, "art-" + std::to_string(i % 7),
                               kLanguages[i % 3], "042", 0.5f + 0.01f * static_cast<float>(i % 40),
                               kSentences[i % 3]})));
  for (int i = 0; i < n; ++i) {
    v1::Entity* source = out[static_cast<size_t>(i)].mutable_event()->mutable_actors(0)->mutable_entity();
    source->set_id("prov:speaker-" + std::to_string(i));
    source->set_canonical_name("Speaker " + std::to_string(i));
    out[static_cast<size_t>(i)].mutable_event()->mutable_actors()->DeleteSubrange(1, 1);
    out[static_cast<size_t>(i)].mutable_event()->clear_location();
  }
  return out;
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg_.SetUp()) {
      if (!pg_.skip_reason.empty()) GTEST_SKIP() << pg_.skip_reason;
      FAIL() << "postgresql backend unavailable";
    }
  }
  std::unique_ptr<Store> Open(const std::string& uri) {
    auto s = OpenStore(uri);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::string Count(const std::string& name, const std::string& table) {
    return pg_.DumpQuery(name, "SELECT count(*) FROM " + table);
  }

  testing::PostgresBackend pg_;
};

TEST_F(PgStoreTest, AKilledConnectionIsUnavailableOnceThenReconnects) {
  auto store = Open(pg_.UriWith("store", "application_name=nf_killed_" + pg_.Schema("store")));
  ASSERT_TRUE(store);
  const auto reports = Reports(6);
  ASSERT_TRUE(store->Apply({reports[0], reports[1]}, {{"t", 0, 2}}, "g").ok());
  // The server ends the store's session (as a restart or a network cut would).
  ASSERT_EQ(pg_.Run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'nf_killed_" +
                    pg_.Schema("store") + "'"),
            "");
  Status s = store->Apply({reports[2], reports[3]}, {{"t", 0, 4}}, "g");
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable) << s.message();
  // The batch loop retries the same batch: a new connection, the rows in, the offset moved.
  s = store->Apply({reports[2], reports[3]}, {{"t", 0, 4}}, "g");
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(store->CountRows()->mentions, 4);
  EXPECT_EQ((*store->LoadOffsets("g"))[0].offset, 4);
}

TEST_F(PgStoreTest, AConnectionLostInsideTheTransactionStoresNothing) {
  auto store = Open(pg_.Uri("store"));
  ASSERT_TRUE(store);
  // Saving the offsets (the transaction's last step) kills the session that does it.
  ASSERT_EQ(pg_.Exec("store",
                     "CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                     " PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); RETURN NEW; END $$;"
                     "CREATE TRIGGER die BEFORE INSERT ON consumer_offsets FOR EACH ROW EXECUTE FUNCTION die()"),
            "");
  const auto reports = Reports(5);
  Status s = store->Apply(reports, {{"t", 0, 5}}, "g");
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable) << s.message();
  for (const char* table : {"articles", "entities", "events", "event_actors", "mentions", "consumer_offsets"})
    EXPECT_EQ(Count("store", table), "0\x1f\n") << table;

  ASSERT_EQ(pg_.Exec("store", "DROP TRIGGER die ON consumer_offsets; DROP FUNCTION die()"), "");
  s = store->Apply(reports, {{"t", 0, 5}}, "g");
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Count("store", "mentions"), "5\x1f\n");
  EXPECT_EQ(Count("store", "consumer_offsets"), "1\x1f\n");
}

TEST_F(PgStoreTest, AStoppedServerIsUnavailableUntilItIsBack) {
  // A private server (scripts/pg.sh on its own directory and port), so stopping it disturbs no
  // other test.
  char tmpl[] = "/tmp/newsflow-pg-restart.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl, pg_sh = NEWSFLOW_PG_SH;
  struct Cleanup {
    std::string stop, dir;
    ~Cleanup() {
      (void)std::system(stop.c_str());
      std::filesystem::remove_all(dir);
    }
  } cleanup{pg_sh + " stop " + dir + " >/dev/null 2>&1", dir};
  const std::string start = pg_sh + " start " + dir + " > " + dir + "/uri.txt";
  ASSERT_EQ(std::system(start.c_str()), 0);
  std::string uri;
  {
    FILE* f = std::fopen((dir + "/uri.txt").c_str(), "r");
    ASSERT_NE(f, nullptr);
    char buf[256] = {};
    ASSERT_NE(std::fgets(buf, sizeof buf, f), nullptr);
    std::fclose(f);
    uri = buf;
    while (!uri.empty() && uri.back() == '\n') uri.pop_back();
  }
  auto store = Open(uri);
  ASSERT_TRUE(store);
  const auto reports = Reports(4);
  ASSERT_TRUE(store->Apply({reports[0], reports[1]}, {{"t", 0, 2}}, "g").ok());

  ASSERT_EQ(std::system((pg_sh + " stop " + dir).c_str()), 0);
  for (int i = 0; i < 2; ++i) {  // the lost connection, then the failed reconnect
    Status s = store->Apply({reports[2], reports[3]}, {{"t", 0, 4}}, "g");
    EXPECT_EQ(s.code(), ErrorCode::kUnavailable) << s.message();
  }
  EXPECT_EQ(store->CountRows().status().code(), ErrorCode::kUnavailable);
  ASSERT_EQ(std::system((start).c_str()), 0);
  Status s = store->Apply({reports[2], reports[3]}, {{"t", 0, 4}}, "g");
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(store->CountRows()->mentions, 4);
  EXPECT_EQ((*store->LoadOffsets("g"))[0].offset, 4);
}

TEST_F(PgStoreTest, TwoSinksFusingOneGroupAtOnceAgreeWithOneSinkAlone) {
  constexpr int kReports = 60, kBatch = 3;
  const auto reports = Reports(kReports);
  auto alone = Open(pg_.Uri("alone"));
  ASSERT_TRUE(alone);
  ASSERT_TRUE(alone->Apply(reports, {}, "g").ok());

  // Two sinks on two partitions, one connection each, every batch touching the same group.
  const std::string shared = pg_.Uri("shared");
  auto a = Open(shared), b = Open(shared);
  ASSERT_TRUE(a && b);
  auto run = [&](Store* store, int partition, int* retries, std::string* error) {
    for (int first = partition; first < kReports; first += 2 * kBatch) {
      std::vector<v1::ExtractOutput> batch;
      for (int i = first; i < std::min(kReports, first + 2 * kBatch); i += 2) batch.push_back(reports[i]);
      for (int attempt = 0;; ++attempt) {
        Status s = store->Apply(batch, {{"t", partition, first + 1}}, "g");
        if (s.ok()) break;
        if (s.code() != ErrorCode::kUnavailable || attempt == 20) {
          *error = s.message();
          return;
        }
        ++*retries;
      }
    }
  };
  int retries_a = 0, retries_b = 0;
  std::string error_a, error_b;
  std::thread ta(run, a.get(), 0, &retries_a, &error_a), tb(run, b.get(), 1, &retries_b, &error_b);
  ta.join();
  tb.join();
  EXPECT_EQ(error_a, "");
  EXPECT_EQ(error_b, "");
  EXPECT_EQ(pg_.DumpAll("shared", false), pg_.DumpAll("alone", false));
  EXPECT_EQ(a->CountRows()->mentions, kReports);
  EXPECT_EQ(a->CountRows()->events, 10);  // ten distinct days, two days apart
  EXPECT_EQ(a->LoadOffsets("g")->size(), 2u);
}

}  // namespace
}  // namespace newsflow::sink
