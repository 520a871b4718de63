// The pure parts both stores share (sink/src/store_rows.h) and the PostgreSQL error classes
// (sink/src/pg_db.h): batch rows, reports read back, the listing order, retryable SQLSTATEs.
#include "store_rows.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pg_db.h"
#include "test_events.h"

namespace newsflow::sink {
namespace {

using testing::Report;
using testing::Wrap;

v1::ExtractOutput ArticleWith(const std::string& title, std::vector<v1::Entity> entities) {
  v1::ExtractOutput out;
  out.mutable_article()->mutable_article()->set_id("art-1");
  out.mutable_article()->mutable_article()->set_title(title);
  for (auto& e : entities) *out.mutable_article()->add_entities() = std::move(e);
  return out;
}

const std::string& Text(const Params& row, size_t i) { return std::get<std::string>(row.at(i)); }

TEST(StoreRowsTest, TheLastCopyOfAnArticleOrReportInABatchWins) {
  v1::Event first = Report({"m1", "2025-12-16"}, "fk-a"), second = Report({"m1", "2025-12-16"}, "fk-b");
  second.mutable_mention()->set_sentence("Thủ tướng Kenya đã rời Addis Ababa.");
  auto rows = RowsOfBatch({ArticleWith("Bản tin sáng", {}), Wrap(first), ArticleWith("Bản tin chiều", {}),
                           Wrap(second)});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->articles.size(), 1u);
  EXPECT_EQ(Text(rows->articles.at("art-1"), 3), "Bản tin chiều");
  ASSERT_EQ(rows->mentions.size(), 1u);
  EXPECT_EQ(Text(rows->mentions.at("m1"), 1), "fk-b");
  EXPECT_EQ(Text(rows->mentions.at("m1"), 6), "Thủ tướng Kenya đã rời Addis Ababa.");
  // Both groups the report named are the batch's; the store adds the one it left.
  EXPECT_EQ(rows->fusion_keys, (std::set<std::string>{"fk-a", "fk-b"}));
}

TEST(StoreRowsTest, TheGreatestCopyOfAnEntityWinsInEitherOrder) {
  const v1::Entity poor = testing::Entity("egypt", "Egypt", v1::ENTITY_TYPE_GPE);
  const v1::Entity rich = testing::Entity("egypt", "Egypt", v1::ENTITY_TYPE_GPE, {"arab-league"});
  v1::Entity provisional = rich;
  provisional.set_from_kb(false);
  provisional.add_affiliations("african-union");
  for (const auto& order : std::vector<std::vector<v1::Entity>>{{poor, rich, provisional}, {provisional, rich, poor}}) {
    auto rows = RowsOfBatch({ArticleWith("مصر", order)});
    ASSERT_TRUE(rows.ok());
    // Knowledge base first, then more affiliations.
    EXPECT_EQ(Text(rows->entities.at("kb:egypt"), 4), "[\"arab-league\"]");
    EXPECT_EQ(rows->article_entities.at("art-1"), (std::set<std::string>{"kb:egypt"}));
  }
}

TEST(StoreRowsTest, AnInvalidRecordRejectsTheBatch) {
  v1::Event no_code = Report({"m1", "2025-12-16"});
  no_code.set_cameo_code("0");
  EXPECT_EQ(RowsOfBatch({Wrap(Report({"m0", ""})), Wrap(no_code)}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(RowsOfBatch({v1::ExtractOutput()}).status().code(), ErrorCode::kInvalidArgument);
}

TEST(StoreRowsTest, AReportsFusionInputReadsBackExactly) {
  // Our own reports in three languages, with the separators of the encoding inside the text.
  v1::Event ar = Report({"m7", "2025-12", v1::DATE_PRECISION_MONTH, v1::DATE_RESOLUTION_PARTIAL_PUBLICATION, "art-3",
                         "ar", "043", 0.7313f, "وصل الوزير إلى الدوحة."});
  ar.mutable_actors(0)->mutable_entity()->set_canonical_name("قطر: 12:وزارة");
  v1::Event vi = Report({"m8", "", v1::DATE_PRECISION_DAY, v1::DATE_RESOLUTION_UNSPECIFIED, "art-4", "vi", "042",
                         0.1f, "Bộ trưởng đã đến Hà Nội."});
  vi.clear_location();
  vi.mutable_actors(1)->mutable_entity()->clear_id();
  v1::Event en = Report({"m9", "2025-12-16", v1::DATE_PRECISION_DAY, v1::DATE_RESOLUTION_RELATIVE_CLOCK, "art-5", "",
                         "190", 1.0f / 3.0f, "3:abc"});
  en.clear_actors();
  en.mutable_location()->set_canonical_name("");
  for (const v1::Event& e : {ar, vi, en}) {
    const FusionReport digest = DigestReport(e);
    FusionReport back;
    ASSERT_TRUE(DecodeFusionInput(e.id(), EncodeFusionInput(digest), &back)) << e.id();
    EXPECT_EQ(back, digest) << e.id();
  }
  EXPECT_EQ(DigestReport(ar).actors[0].canonical_name, "قطر: 12:وزارة");
  EXPECT_FALSE(DigestReport(vi).location_id.size());
  EXPECT_EQ(DigestReport(en).confidence, 1.0f / 3.0f);
}

TEST(StoreRowsTest, AMalformedFusionInputGivesAnEmptyReport) {
  const std::string good = EncodeFusionInput(DigestReport(Report({"m1", "2025-12-16"})));
  for (const std::string& text : {std::string(""), good.substr(0, good.size() - 1), good + "1:x",
                                  std::string("99999999999999999999:x"), std::string("abc")}) {
    FusionReport back;
    EXPECT_FALSE(DecodeFusionInput("m1", text, &back)) << text;
    EXPECT_EQ(back.id, "m1");
    EXPECT_TRUE(back.actors.empty());
    EXPECT_TRUE(back.cameo_code.empty());
  }
}

// The JSON columns as nlohmann wrote them before the fast path: keys in byte order, no spaces,
// invalid UTF-8 replaced.
std::string NlohmannEntity(const v1::Entity& e, const char* role) {
  nlohmann::json j = {{"id", e.id()},
                      {"name", e.canonical_name()},
                      {"type", role == nullptr ? "gpe" : "org"},
                      {"affiliations", std::vector<std::string>(e.affiliations().begin(), e.affiliations().end())},
                      {"from_kb", e.from_kb()}};
  if (role != nullptr) j["role"] = role;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(StoreRowsTest, ActorAndLocationColumnsAreTheJsonNlohmannWrites) {
  const std::vector<std::string> names = {
      "Bộ Ngoại giao Việt Nam", "وزارة الخارجية القطرية", "The \"Elders\" of C:\\Zion", "tab\there\nnewline\x01\x7f",
      std::string("bad \xC3\x28 utf-8"), std::string("overlong \xC0\xAF"), std::string("surrogate \xED\xA0\x80"),
      std::string("cut \xE2\x82"), "emoji 🕊️ peace", "",
  };
  for (const std::string& name : names) {
    v1::Event e = Report({"m1", "2025-12-16"});
    v1::Entity* actor = e.mutable_actors(0)->mutable_entity();
    actor->set_canonical_name(name);
    actor->set_type(v1::ENTITY_TYPE_ORG);
    actor->add_affiliations(name);
    actor->set_from_kb(false);
    e.mutable_location()->set_id("prov:" + name);
    e.mutable_actors(1)->mutable_entity()->set_type(v1::ENTITY_TYPE_ORG);  // NlohmannEntity types actors "org"
    auto rows = RowsOfBatch({Wrap(e)});
    ASSERT_TRUE(rows.ok());
    const Params& row = rows->mentions.at("m1");
    EXPECT_EQ(Text(row, 18), "[" + NlohmannEntity(e.actors(0).entity(), "source") + "," +
                                 NlohmannEntity(e.actors(1).entity(), "target") + "]")
        << name;
    EXPECT_EQ(Text(row, 19), NlohmannEntity(e.location(), nullptr)) << name;
  }
}

TEST(StoreRowsTest, TheListingPutsUndatedLastAndSourcesFirst) {
  const std::vector<Row> events = {
      {"e-undated", "010", "01", std::nullopt, std::nullopt, "none", std::nullopt, std::nullopt, "1", "1", "en", "s"},
      {"e-late", "042", "04", "2025-12-20", "day", "anchored", std::nullopt, std::nullopt, "2", "2", "ar,vi", "s"},
      {"e-early", "042", "04", "2025-12", "month", "anchored", "kb:hanoi", "Hà Nội", "1", "1", "vi", "s"},
  };
  const std::vector<Row> actors = {{"e-late", "kb:b", "Bravo", "target"},
                                   {"e-late", "kb:z", "Zulu", "participant"},
                                   {"e-late", "kb:a", "Alpha", "source"},
                                   {"e-gone", "kb:a", "Alpha", "source"}};
  const std::vector<Row> mentions = {{"e-late", "m9"}, {"e-late", "m2"}, {"e-early", "m5"}};
  const auto views = AssembleEvents(events, actors, mentions);
  ASSERT_EQ(views.size(), 3u);
  EXPECT_EQ(views[0].id, "e-early");
  EXPECT_EQ(views[1].id, "e-late");
  EXPECT_EQ(views[2].id, "e-undated");
  EXPECT_EQ(views[0].location_name, "Hà Nội");
  ASSERT_EQ(views[1].actors.size(), 3u);
  EXPECT_EQ(views[1].actors[0].role, "source");
  EXPECT_EQ(views[1].actors[1].role, "target");
  EXPECT_EQ(views[1].actors[2].role, "participant");
  EXPECT_EQ(views[1].mention_ids, (std::vector<std::string>{"m2", "m9"}));
  EXPECT_EQ(views[1].mention_count, 2);
}

TEST(StoreRowsTest, AListParameterIsAJsonArrayOnlyOfPlainText) {
  std::string out;
  ASSERT_TRUE(JsonTextArray({"a", "q\"b\\", "ồ"}, &out));
  EXPECT_EQ(out, "[\"a\",\"q\\\"b\\\\\",\"ồ\"]");
  ASSERT_TRUE(JsonTextArray({}, &out));
  EXPECT_EQ(out, "[]");
  EXPECT_FALSE(JsonTextArray({"ok", "tab\there"}, &out));
  EXPECT_FALSE(JsonTextArray({std::string("bad\xff")}, &out));
}

TEST(StoreRowsTest, ListParameterRowsAreJsonArraysOnlyOfPlainText) {
  std::string out;
  ASSERT_TRUE(JsonTextRows({{"r1", "m\"1"}, {"r2", "ồ"}}, &out));
  EXPECT_EQ(out, "[[\"r1\",\"m\\\"1\"],[\"r2\",\"ồ\"]]");
  ASSERT_TRUE(JsonTextRows({}, &out));
  EXPECT_EQ(out, "[]");
  EXPECT_FALSE(JsonTextRows({{"r1", "m\n"}}, &out));
  EXPECT_FALSE(JsonTextRows({{"r1", int64_t{1}}}, &out));
}

TEST(PgErrorTest, RetryableSqlStatesAreTheTransientOnes) {
  struct Case {
    const char* sqlstate;
    bool transient;
  };
  for (const Case& c : std::vector<Case>{
           {"08006", true},   // connection failure
           {"08001", true},   // cannot connect
           {"40001", true},   // serialization failure
           {"40P01", true},   // deadlock
           {"57P01", true},   // admin shutdown
           {"57P03", true},   // cannot connect now (starting up)
           {"53300", true},   // too many connections
           {"55P03", true},   // lock timeout
           {"25006", true},   // read-only transaction (a standby)
           {"", true},        // no answer at all
           {"23505", false},  // unique violation: a bug, retrying changes nothing
           {"42P01", false},  // undefined table
           {"22021", false},  // invalid byte sequence
           {"P0001", false},  // raised by a trigger
       })
    EXPECT_EQ(IsTransientSqlState(c.sqlstate), c.transient) << c.sqlstate;
}

}  // namespace
}  // namespace newsflow::sink
