// The store conformance tests: the same assertions on every backend (SQLite files and a
// PostgreSQL server): round trip, idempotency, order independence, offsets in the same
// transaction, verbatim text. Then what only SQLite has: busy and read-only files, WAL, URIs.
#include "newsflow/sink/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <set>

#include "newsflow/common/ids.h"
#include "store_backends.h"
#include "test_events.h"

namespace newsflow::sink {
namespace {

using testing::Report;
using testing::Wrap;
using testing::ReportSpec;

v1::ExtractOutput Article(const std::string& id, const std::string& language, const std::string& title,
                          const std::string& body, std::vector<std::string> event_ids, int64_t ingested_s) {
  v1::ExtractOutput out;
  v1::ArticleExtraction* x = out.mutable_article();
  v1::Article* a = x->mutable_article();
  a->set_id(id);
  a->set_url("file:///corpus/" + id + ".txt");
  a->set_outlet("Outlet " + id);
  a->set_title(title);
  a->set_body(body);
  a->set_language(language);
  a->mutable_ingested_at()->set_seconds(ingested_s);
  a->set_origin(v1::ORIGIN_REPLAY);
  for (auto& e : event_ids) x->add_event_ids(std::move(e));
  *x->add_entities() = testing::Entity("kenya", "Kenya", v1::ENTITY_TYPE_GPE);
  *x->add_entities() = testing::Entity("ethiopia", "Ethiopia", v1::ENTITY_TYPE_GPE);
  x->set_extractor_version("test-1");
  return out;
}

// Three articles in three languages reporting the same visit, and one report of another visit.
std::vector<v1::ExtractOutput> Corpus() {
  return {
      Article("art-en", "en", "Kenyan president in Addis Ababa", "The Kenyan president visited Addis Ababa on Tuesday.",
              {"m-en", "m-later"}, 1766000000),
      Wrap(Report({"m-en", "2025-12-16", v1::DATE_PRECISION_DAY, v1::DATE_RESOLUTION_RELATIVE_PUBLICATION, "art-en",
                   "en", "042", 0.8f, "The Kenyan president visited Addis Ababa on Tuesday."})),
      Article("art-vi", "vi", "Tổng thống Kenya thăm Ethiopia", "Tổng thống Kenya đã đến thăm Addis Ababa ngày 16/12.",
              {"m-vi"}, 1766100000),
      Wrap(Report({"m-vi", "2025-12-16", v1::DATE_PRECISION_DAY, v1::DATE_RESOLUTION_PARTIAL_PUBLICATION, "art-vi",
                   "vi", "042", 0.7f, "Tổng thống Kenya đã đến thăm Addis Ababa ngày 16/12."})),
      Article("art-ar", "ar", "الرئيس الكيني في أديس أبابا", "وصل الرئيس الكيني إلى أديس أبابا يوم الثلاثاء.", {"m-ar"},
              1765900000),
      Wrap(Report({"m-ar", "2025-12-17", v1::DATE_PRECISION_DAY, v1::DATE_RESOLUTION_RELATIVE_PUBLICATION, "art-ar",
                   "ar", "043", 0.9f, "وصل الرئيس الكيني إلى أديس أبابا يوم الثلاثاء."})),
      Wrap(Report({"m-later", "2026-02-10", v1::DATE_PRECISION_DAY, v1::DATE_RESOLUTION_EXPLICIT, "art-en", "en",
                   "042", 0.6f, "He returned on 10 February 2026."})),
  };
}

// Runs on the backend named by the test parameter ("sqlite" or "postgresql").
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = testing::MakeBackend(GetParam());
    if (!backend_->SetUp()) {
      if (!backend_->skip_reason.empty()) GTEST_SKIP() << backend_->skip_reason;
      FAIL() << GetParam() << " backend unavailable";
    }
  }
  std::string Uri(const std::string& name = "store") { return backend_->Uri(name); }
  std::unique_ptr<Store> Open(const std::string& name = "store") {
    auto s = OpenStore(Uri(name));
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::string Dump(const std::string& table, const std::string& name = "store") { return backend_->Dump(name, table); }
  std::string DumpAll(const std::string& name = "store", bool with_offsets = true) {
    return backend_->DumpAll(name, with_offsets);
  }

  std::unique_ptr<testing::StoreBackend> backend_;
};

const std::vector<PartitionOffset> kOffsets = {{"newsflow.events", 0, 7}, {"newsflow.events", 1, 3}};

TEST_P(StoreTest, RoundTripThroughTheStoreAndAReopen) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Apply(Corpus(), kOffsets, "g").ok());
  }
  auto store = Open();
  ASSERT_TRUE(store);
  auto counts = store->CountRows();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->articles, 3);
  EXPECT_EQ(counts->entities, 3);  // Kenya, Ethiopia, Addis Ababa
  EXPECT_EQ(counts->mentions, 4);
  EXPECT_EQ(counts->events, 2);  // the December visit in three languages, the February return

  auto en = store->RecordOfMention("m-en"), vi = store->RecordOfMention("m-vi"), ar = store->RecordOfMention("m-ar");
  ASSERT_TRUE(en.ok() && vi.ok() && ar.ok());
  EXPECT_EQ(*en, *vi);
  EXPECT_EQ(*en, *ar);
  EXPECT_EQ(*en, HexId(StableHash64({"fk-visit", "2025-12-16"})));
  EXPECT_NE(*store->RecordOfMention("m-later"), *en);
  EXPECT_EQ(store->RecordOfMention("nope").status().code(), ErrorCode::kNotFound);

  auto offsets = store->LoadOffsets("g");
  ASSERT_TRUE(offsets.ok());
  ASSERT_EQ(offsets->size(), 2u);
  EXPECT_EQ((*offsets)[0].offset, 7);
  EXPECT_EQ((*offsets)[1].partition, 1);
  EXPECT_TRUE(store->LoadOffsets("other-group")->empty());

  auto events = store->ListEvents();
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  const Store::EventView& v = (*events)[0];  // ordered by date
  EXPECT_EQ(v.id, *en);
  EXPECT_EQ(v.cameo_code, "042");
  EXPECT_EQ(v.date_iso, "2025-12-16");
  EXPECT_EQ(v.date_precision, "day");
  EXPECT_EQ(v.date_basis, "anchored");
  EXPECT_EQ(v.location_name, "Addis Ababa");
  EXPECT_EQ(v.mention_count, 3);
  EXPECT_EQ(v.article_count, 3);
  EXPECT_EQ(v.languages, "ar,en,vi");
  EXPECT_EQ(v.evidence_sentence, "وصل الرئيس الكيني إلى أديس أبابا يوم الثلاثاء.");
  ASSERT_EQ(v.actors.size(), 2u);
  EXPECT_EQ(v.actors[0].canonical_name, "Kenya");
  EXPECT_EQ(v.actors[0].role, "source");
  EXPECT_EQ(v.actors[1].role, "target");
  EXPECT_EQ(v.mention_ids, (std::vector<std::string>{"m-ar", "m-en", "m-vi"}));

  // The earliest ingest among the reporting articles (the Arabic one), from the articles table.
  EXPECT_NE(Dump("events").find("2025-12-16T15:46:40Z"), std::string::npos) << Dump("events");
  EXPECT_EQ(*store->CountMissingMentions(), 0);
}

TEST_P(StoreTest, ApplyingTheSameBatchTwiceChangesNothing) {
  auto store = Open();
  ASSERT_TRUE(store->Apply(Corpus(), kOffsets, "g").ok());
  const std::string once = DumpAll();
  ASSERT_NE(once.find("m-vi"), std::string::npos);
  ASSERT_TRUE(store->Apply(Corpus(), kOffsets, "g").ok());
  EXPECT_EQ(DumpAll(), once);
}

TEST_P(StoreTest, FinalStoreDoesNotDependOnArrivalOrderOrBatching) {
  std::vector<v1::ExtractOutput> records = Corpus();
  auto a = Open("a");
  ASSERT_TRUE(a->Apply(records, kOffsets, "g").ok());

  // Reverse order, one record per batch: events before their articles, groups growing one by one.
  auto b = Open("b");
  for (auto it = records.rbegin(); it != records.rend(); ++it) ASSERT_TRUE(b->Apply({*it}, {}, "g").ok());
  // Interleaved, with one record delivered twice.
  auto c = Open("c");
  ASSERT_TRUE(c->Apply({records[5], records[1], records[6]}, {}, "g").ok());
  ASSERT_TRUE(c->Apply({records[0], records[3], records[2], records[5], records[4]}, {}, "g").ok());

  const std::string expected = DumpAll("a", false);
  EXPECT_EQ(DumpAll("b", false), expected);
  EXPECT_EQ(DumpAll("c", false), expected);
}

TEST_P(StoreTest, DifferingCopiesOfAnEntityKeepTheRichestWhateverTheOrder) {
  v1::ExtractOutput article = Article("art-1", "en", "t", "b", {}, 1766000000);
  *article.mutable_article()->mutable_entities(0) =
      testing::Entity("kenya", "Kenya", v1::ENTITY_TYPE_GPE, {"african-union", "east-african-community"});
  v1::ExtractOutput report = Wrap(Report({"m1", "2025-12-16"}));  // its Kenya has no affiliations
  report.mutable_event()->mutable_actors(0)->mutable_entity()->set_from_kb(false);
  auto a = Open("a");
  ASSERT_TRUE(a->Apply({article}, {}, "g").ok());
  ASSERT_TRUE(a->Apply({report}, {}, "g").ok());
  auto b = Open("b");
  ASSERT_TRUE(b->Apply({report}, {}, "g").ok());
  ASSERT_TRUE(b->Apply({article}, {}, "g").ok());
  // Both copies in one batch, either order.
  auto c = Open("c");
  ASSERT_TRUE(c->Apply({report, article}, {}, "g").ok());
  const std::string kenya = "SELECT * FROM entities WHERE id = 'kb:kenya'";
  const std::string expected = backend_->DumpQuery("a", kenya);
  EXPECT_EQ(backend_->DumpQuery("b", kenya), expected);
  EXPECT_EQ(backend_->DumpQuery("c", kenya), expected);
  EXPECT_NE(expected.find("east-african-community"), std::string::npos);
}

TEST_P(StoreTest, OffsetsOnlyMoveForward) {
  auto store = Open();
  ASSERT_TRUE(store->Apply({}, {{"t", 0, 10}}, "g").ok());
  ASSERT_TRUE(store->Apply({}, {{"t", 0, 4}, {"t", 1, 2}}, "g").ok());  // a replayed older batch
  auto offsets = store->LoadOffsets("g");
  ASSERT_TRUE(offsets.ok());
  ASSERT_EQ(offsets->size(), 2u);
  EXPECT_EQ((*offsets)[0].offset, 10);
  EXPECT_EQ((*offsets)[1].offset, 2);
}

TEST_P(StoreTest, AFailedApplySavesNeitherRowsNorOffsets) {
  auto store = Open();
  ASSERT_TRUE(store);
  // Make the very last step of the transaction fail: saving the offsets.
  ASSERT_EQ(backend_->Exec("store", backend_->RefuseOffsetsSql()), "");
  Status s = store->Apply(Corpus(), kOffsets, "g");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("offsets refused"), std::string::npos) << s.message();
  auto counts = store->CountRows();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->articles + counts->entities + counts->events + counts->mentions, 0);
  EXPECT_TRUE(store->LoadOffsets("g")->empty());

  ASSERT_EQ(backend_->Exec("store", backend_->AllowOffsetsSql()), "");
  EXPECT_TRUE(store->Apply(Corpus(), kOffsets, "g").ok());
  EXPECT_EQ(store->CountRows()->mentions, 4);
}

TEST_P(StoreTest, AnInvalidRecordRejectsTheWholeBatch) {
  auto store = Open();
  std::vector<v1::ExtractOutput> records = Corpus();
  v1::Event no_key = Report({"m-bad", "2025-12-16"});
  no_key.clear_fusion_key();
  records.push_back(Wrap(no_key));
  Status s = store->Apply(records, kOffsets, "g");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->CountRows()->articles, 0);
  EXPECT_TRUE(store->LoadOffsets("g")->empty());
}

TEST_P(StoreTest, SqlMetacharactersAndQuotesAreStoredVerbatim) {
  const std::vector<std::string> names = {
      "Robert'); DROP TABLE events; --",
      "O'Brien \"the Elder\"",
      "back\\slash % _ ?1 $1 :name @x $y",
      "حركة \"المقاومة\" الإسلامية",
      "Nguyễn Văn 'Tèo'",
  };
  auto store = Open();
  std::vector<v1::ExtractOutput> records;
  for (size_t i = 0; i < names.size(); ++i) {
    v1::Event e = Report({"m" + std::to_string(i), "2025-12-16"}, "fk-" + names[i]);
    e.mutable_actors(0)->mutable_entity()->set_id("prov:" + names[i]);
    e.mutable_actors(0)->mutable_entity()->set_canonical_name(names[i]);
    e.mutable_mention()->set_sentence("He said: '" + names[i] + "'");
    records.push_back(Wrap(e));
  }
  ASSERT_TRUE(store->Apply(records, {}, "g'; --").ok());
  auto events = store->ListEvents();
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), names.size());
  std::set<std::string> actor_names, sentences;
  for (const auto& v : *events) {
    for (const auto& a : v.actors) actor_names.insert(a.canonical_name);
    sentences.insert(v.evidence_sentence);
  }
  for (const auto& n : names) {
    EXPECT_TRUE(actor_names.count(n)) << n;
    EXPECT_TRUE(sentences.count("He said: '" + n + "'")) << n;
  }
  EXPECT_EQ(store->CountRows()->entities, 2 + static_cast<int64_t>(names.size()));
  EXPECT_EQ(store->LoadOffsets("g'; --")->size(), 0u);
}

TEST_P(StoreTest, AnArticleArrivingAfterItsEventsFillsTheRecordTimes) {
  auto store = Open();
  std::vector<v1::ExtractOutput> records = Corpus();
  ASSERT_TRUE(store->Apply({records[1]}, {}, "g").ok());
  EXPECT_NE(Dump("events").find("NULL\x1f\n"), std::string::npos);  // no ingest time yet
  EXPECT_EQ(*store->CountMissingMentions(), 0);
  ASSERT_TRUE(store->Apply({records[0]}, {}, "g").ok());
  EXPECT_EQ(Dump("events").find("NULL\x1f\n"), std::string::npos) << Dump("events");
  EXPECT_EQ(*store->CountMissingMentions(), 1);  // the article announced m-later, not stored yet
}

TEST_P(StoreTest, AReportThatChangesGroupLeavesItsOldRecord) {
  auto store = Open();
  ASSERT_TRUE(store->Apply({Wrap(Report({"m1", "2025-12-16"}, "fk-old"))}, {}, "g").ok());
  ASSERT_EQ(store->CountRows()->events, 1);
  ASSERT_TRUE(store->Apply({Wrap(Report({"m1", "2025-12-16"}, "fk-new"))}, {}, "g").ok());
  EXPECT_EQ(store->CountRows()->events, 1);
  EXPECT_EQ(*store->RecordOfMention("m1"), HexId(StableHash64({"fk-new", "2025-12-16"})));
}

// Ids and keys go to some statements as one JSON list parameter (SQLite): escaped quotes and
// backslashes must match the stored text, and text JSON cannot carry as is (control characters)
// must take the other path, with the same result.
TEST_P(StoreTest, ReportsWithQuotedOrControlCharacterIdsMoveGroupsLikeAnyOther) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"m\"1\\", "fk-\"q\\"},
      {"m\x01" "ctl", "fk-\x02" "ctl"},
      {"m-تركيا-ồ", "fk-ẩ-\\u0041"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& [id, key] = cases[i];
    auto store = Open("case" + std::to_string(i));
    ASSERT_TRUE(store->Apply({Wrap(Report({id, "2025-12-16"}, key + "-old"))}, {}, "g").ok()) << id;
    ASSERT_TRUE(store->Apply({Wrap(Report({id, "2025-12-16"}, key + "-new"))}, {}, "g").ok()) << id;
    EXPECT_EQ(store->CountRows()->events, 1) << id;
    EXPECT_EQ(*store->RecordOfMention(id), HexId(StableHash64({key + "-new", "2025-12-16"}))) << id;
  }
}

TEST_P(StoreTest, LargeBatchesSpanSeveralStatements) {
  // More rows than one multi-row statement takes, in one group and one article.
  std::vector<v1::ExtractOutput> records;
  std::vector<std::string> ids;
  for (int i = 0; i < 1500; ++i) {
    const std::string id = "m" + std::to_string(i);
    ids.push_back(id);
    records.push_back(Wrap(Report({id, "2025-12-" + std::to_string(10 + i % 3 * 10), v1::DATE_PRECISION_DAY,
                                   v1::DATE_RESOLUTION_EXPLICIT, "art-big"})));
  }
  records.push_back(Article("art-big", "vi", "Nhiều tin", "Nội dung dài.", ids, 1766000000));
  auto store = Open();
  ASSERT_TRUE(store->Apply(records, kOffsets, "g").ok());
  auto counts = store->CountRows();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->mentions, 1500);
  EXPECT_EQ(counts->events, 3);  // the 10th, the 20th and the 30th of December
  EXPECT_EQ(*store->CountMissingMentions(), 0);
  auto events = store->ListEvents();
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].mention_count, 500);
  EXPECT_EQ((*events)[0].mention_ids.size(), 500u);
}

TEST_P(StoreTest, ReadOnlyStoreReadsButRefusesToWrite) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Apply(Corpus(), kOffsets, "g").ok());
  }
  auto reader = OpenStoreReadOnly(Uri());
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_EQ((*reader)->Apply({}, {{"t", 0, 1}}, "g").code(), ErrorCode::kUnavailable);
  EXPECT_EQ((*reader)->CountRows()->mentions, 4);
  EXPECT_EQ((*reader)->ListEvents()->size(), 2u);
  EXPECT_EQ((*reader)->LoadOffsets("g")->size(), 2u);
  // Reading never creates: an empty store is an error (Unavailable for a SQLite file that may
  // appear later), not a new schema.
  auto empty = OpenStoreReadOnly(Uri("empty"));
  EXPECT_FALSE(empty.ok());
  EXPECT_NE(backend_->DumpQuery("empty", "SELECT count(*) FROM articles").find("failed"), std::string::npos);
}

TEST_P(StoreTest, AnotherSchemaVersionIsRefused) {
  ASSERT_TRUE(Open());
  ASSERT_EQ(backend_->Exec("store", "UPDATE schema_version SET version = 99"), "");
  auto newer = OpenStore(Uri());
  EXPECT_EQ(newer.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(newer.status().message().find("99"), std::string::npos);
}

TEST_P(StoreTest, AStoreOfAnOlderSchemaIsRefusedWithWhatToDo) {
  ASSERT_TRUE(Open());
  // What a store of schema 1 (before fusion_input and fusion_groups) says about itself.
  ASSERT_EQ(backend_->Exec("store", "UPDATE schema_version SET version = 1"), "");
  auto older = OpenStore(Uri());
  ASSERT_EQ(older.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(older.status().message().find("store schema version 1 is older than this sink's 2"), std::string::npos)
      << older.status().message();
  EXPECT_NE(older.status().message().find("new file or database"), std::string::npos) << older.status().message();
}

TEST_P(StoreTest, OpeningTwiceKeepsOneSchemaVersionRow) {
  ASSERT_TRUE(Open());
  ASSERT_TRUE(Open());
  EXPECT_EQ(backend_->DumpQuery("store", "SELECT version FROM schema_version"), "2\x1f\n");
}

// A random but reproducible stream of batches over a few groups, reports and articles: reports
// sent again with other dates, groups and publication times, reports moving between groups,
// articles arriving before and after their reports and again with another ingest time.
std::vector<std::vector<v1::ExtractOutput>> RandomBatches(unsigned seed, int batches) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  static const char* kDays[] = {"2025-12-10", "2025-12-11", "2025-12-12", "2025-12-20", "2025-12", ""};
  static const v1::DateResolution kResolutions[] = {v1::DATE_RESOLUTION_EXPLICIT, v1::DATE_RESOLUTION_RELATIVE_CLOCK,
                                                    v1::DATE_RESOLUTION_PUBLICATION};
  static const char* kLanguages[] = {"vi", "ar", "en"};
  static const char* kSentences[] = {"Thủ tướng Kenya gặp người đồng cấp tại Addis Ababa.",
                                     "التقى رئيس وزراء كينيا نظيره في أديس أبابا.",
                                     "Kenya's prime minister met his counterpart in Addis Ababa."};
  std::vector<std::vector<v1::ExtractOutput>> out;
  for (int b = 0; b < batches; ++b) {
    std::vector<v1::ExtractOutput>& batch = out.emplace_back();
    for (int n = 1 + pick(6); n > 0; --n) {
      if (pick(5) == 0) {
        const std::string id = "art-" + std::to_string(pick(6));
        batch.push_back(Article(id, kLanguages[pick(3)], "Tin " + id, "Nội dung " + id, {"r" + std::to_string(pick(30))},
                                1766000000 + 3600 * pick(4)));
        continue;
      }
      const int day = pick(6), lang = pick(3);
      v1::Event e = Report({"r" + std::to_string(pick(30)), kDays[day],
                            day == 4 ? v1::DATE_PRECISION_MONTH : v1::DATE_PRECISION_DAY, kResolutions[pick(3)],
                            "art-" + std::to_string(pick(6)), kLanguages[lang], pick(4) == 0 ? "043" : "042",
                            0.25f * static_cast<float>(1 + pick(3)), kSentences[lang]},
                           "fk-" + std::to_string(pick(3)));
      if (pick(3) == 0) e.mutable_actors(1)->mutable_entity()->set_id("kb:somalia");
      if (pick(4) == 0) e.mutable_mention()->mutable_published_at()->set_seconds(1765900000 + 86400 * pick(3));
      batch.push_back(Wrap(std::move(e)));
    }
  }
  return out;
}

// The store keeps fusion groups in memory between batches; a store opened afresh for every batch
// (nothing in memory: every group read back) must end exactly equal, and so must one whose
// batches sometimes fail and are retried, and two stores (two sinks) taking turns on one database.
TEST_P(StoreTest, HeldGroupsGiveTheSameStoreAsReadingEveryGroupBack) {
  for (unsigned seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::string sfx = std::to_string(seed);
    const auto batches = RandomBatches(seed, 60);
    auto held = Open("held" + sfx), flaky = Open("flaky" + sfx), a = Open("shared" + sfx), b = Open("shared" + sfx);
    ASSERT_TRUE(held && flaky && a && b);
    for (size_t i = 0; i < batches.size(); ++i) {
      const std::vector<PartitionOffset> offsets = {{"newsflow.events", 0, static_cast<int64_t>(i + 1)}};
      ASSERT_TRUE(held->Apply(batches[i], offsets, "g").ok()) << i;
      auto fresh = Open("fresh" + sfx);
      ASSERT_TRUE(fresh->Apply(batches[i], offsets, "g").ok()) << i;
      // Every third batch fails at its last step (the offsets) first, then is retried.
      if (i % 3 == 1) {
        ASSERT_EQ(backend_->Exec("flaky" + sfx, backend_->RefuseOffsetsSql()), "");
        ASSERT_FALSE(flaky->Apply(batches[i], offsets, "g").ok()) << i;
        ASSERT_EQ(backend_->Exec("flaky" + sfx, backend_->AllowOffsetsSql()), "");
      }
      ASSERT_TRUE(flaky->Apply(batches[i], offsets, "g").ok()) << i;
      // Two sinks in turns, runs of one to three batches each.
      ASSERT_TRUE(((i / 2 + i % 3) % 2 == 0 ? a : b)->Apply(batches[i], offsets, "g").ok()) << i;
      // After every batch, not only at the end: a later full recompute could hide a wrong step.
      const std::string expected = DumpAll("fresh" + sfx);
      ASSERT_EQ(DumpAll("held" + sfx), expected) << "after batch " << i;
      ASSERT_EQ(DumpAll("flaky" + sfx), expected) << "after batch " << i;
      ASSERT_EQ(DumpAll("shared" + sfx), expected) << "after batch " << i;
    }
    EXPECT_NE(DumpAll("fresh" + sfx).find("r1"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// What only SQLite has: a file, its write lock, its read-only modes, its journal.
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(files_.SetUp()); }
  std::string Path(const std::string& name = "store") const { return files_.Path(name); }
  std::unique_ptr<Store> Open(const std::string& uri) {
    auto s = OpenStore(uri);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  }
  int Exec(sqlite3* db, const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }

  testing::SqliteBackend files_;
};

TEST_F(SqliteStoreTest, BusyStoreIsUnavailableThenRecovers) {
  auto store = Open(Path());
  testing::SqliteConnection other = files_.Connect("store");
  ASSERT_EQ(Exec(other.get(), "BEGIN IMMEDIATE"), SQLITE_OK);  // holds the write lock
  const auto start = std::chrono::steady_clock::now();
  Status s = store->Apply(Corpus(), kOffsets, "g");
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable) << s.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));  // no hang
  ASSERT_EQ(Exec(other.get(), "COMMIT"), SQLITE_OK);
  EXPECT_TRUE(store->Apply(Corpus(), kOffsets, "g").ok());
  EXPECT_EQ(store->CountRows()->mentions, 4);
  EXPECT_EQ(store->LoadOffsets("g")->size(), 2u);
}

TEST_F(SqliteStoreTest, ReadOnlyModeIsUnavailable) {
  ASSERT_TRUE(Open(Path()));  // creates the schema
  auto store = Open("sqlite:" + Path() + "?mode=ro");
  ASSERT_TRUE(store);
  Status s = store->Apply(Corpus(), kOffsets, "g");
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable) << s.message();
  EXPECT_TRUE(store->CountRows().ok());  // reading still works
  EXPECT_EQ(store->CountRows()->articles, 0);
}

TEST_F(SqliteStoreTest, ReadOnlyFileIsUnavailable) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes read-only files; covered by mode=ro above";
  ASSERT_TRUE(Open(Path()));
  ASSERT_EQ(::chmod(Path().c_str(), 0444), 0);
  auto store = OpenStore(Path());
  if (store.ok()) {
    EXPECT_EQ((*store)->Apply(Corpus(), kOffsets, "g").code(), ErrorCode::kUnavailable);
  } else {
    EXPECT_EQ(store.status().code(), ErrorCode::kUnavailable) << store.status().message();
  }
}

TEST_F(SqliteStoreTest, UriSchemes) {
  EXPECT_EQ(OpenStore("sqlite:").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(OpenStore("sqlite:" + Path() + "?cache=huge").status().code(), ErrorCode::kInvalidArgument);
  // Reading never creates: a mistyped path is an error, not a new empty store.
  EXPECT_FALSE(OpenStoreReadOnly(Path("typo")).ok());
  EXPECT_FALSE(std::filesystem::exists(Path("typo")));
  ASSERT_TRUE(Open(Path()));  // a plain path
  ASSERT_TRUE(Open("sqlite:" + Path()));
  // A PostgreSQL URI goes to PostgreSQL: with no server on the port, the store is unavailable.
  for (const char* uri : {"postgresql://postgres@127.0.0.1:1/newsflow", "postgres://127.0.0.1:1/newsflow"}) {
    auto pg = OpenStore(uri);
    EXPECT_EQ(pg.status().code(), ErrorCode::kUnavailable) << uri << ": " << pg.status().message();
  }
}

TEST_F(SqliteStoreTest, StoreIsInWalMode) {
  ASSERT_TRUE(Open(Path()));
  EXPECT_EQ(files_.DumpQuery("store", "PRAGMA journal_mode"), "wal\x1f\n");
}

}  // namespace
}  // namespace newsflow::sink
