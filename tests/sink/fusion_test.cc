// The fusion rule, clause by clause (sink/include/newsflow/sink/fusion.h, sink/README.md).
#include "newsflow/sink/fusion.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "newsflow/common/ids.h"
#include "test_events.h"

namespace newsflow::sink {
namespace {

using testing::Report;
using testing::ReportSpec;
constexpr auto kDay = v1::DATE_PRECISION_DAY;
constexpr auto kMonth = v1::DATE_PRECISION_MONTH;
constexpr auto kYear = v1::DATE_PRECISION_YEAR;
constexpr auto kExplicit = v1::DATE_RESOLUTION_EXPLICIT;
constexpr auto kPublication = v1::DATE_RESOLUTION_PUBLICATION;
constexpr auto kRelativeClock = v1::DATE_RESOLUTION_RELATIVE_CLOCK;

int64_t Day(const char* iso) { return *ParseIsoStart(iso); }

// Clusters as sets of report ids, sorted, for comparisons that ignore record ids.
std::set<std::set<std::string>> Partition(const std::vector<EventRecord>& records) {
  std::set<std::set<std::string>> out;
  for (const auto& r : records) out.insert(std::set<std::string>(r.mention_ids.begin(), r.mention_ids.end()));
  return out;
}

std::vector<v1::Event> Reports(const std::vector<ReportSpec>& specs) {
  std::vector<v1::Event> out;
  for (const auto& s : specs) out.push_back(Report(s));
  return out;
}

TEST(FusionTest, AnchoredResolutionsAreTheOnesThatFixTheDateFromTheText) {
  const std::vector<std::pair<v1::DateResolution, bool>> cases = {
      {v1::DATE_RESOLUTION_EXPLICIT, true},
      {v1::DATE_RESOLUTION_PARTIAL_PUBLICATION, true},
      {v1::DATE_RESOLUTION_PARTIAL_CLOCK, true},
      {v1::DATE_RESOLUTION_RELATIVE_PUBLICATION, true},
      {v1::DATE_RESOLUTION_INHERITED, true},
      {v1::DATE_RESOLUTION_PUBLICATION, true},
      {v1::DATE_RESOLUTION_RELATIVE_CLOCK, false},
      {v1::DATE_RESOLUTION_UNSPECIFIED, false},
  };
  for (const auto& [resolution, anchored] : cases)
    EXPECT_EQ(IsAnchored(resolution), anchored) << v1::DateResolution_Name(resolution);
}

TEST(FusionTest, AnchoredIntervalCoversTheNamedDayMonthOrYear) {
  struct Case {
    const char* iso;
    v1::DatePrecision precision;
    v1::DateResolution resolution;
    std::optional<std::pair<const char*, const char*>> interval;
  };
  const std::vector<Case> cases = {
      {"2025-12-20", kDay, kExplicit, {{"2025-12-20", "2025-12-20"}}},
      {"2025-12", kMonth, kExplicit, {{"2025-12-01", "2025-12-31"}}},
      {"2024-02", kMonth, v1::DATE_RESOLUTION_PARTIAL_PUBLICATION, {{"2024-02-01", "2024-02-29"}}},  // leap year
      {"2026", kYear, v1::DATE_RESOLUTION_INHERITED, {{"2026-01-01", "2026-12-31"}}},
      // Publication date standing in: the event happened up to a week before the report.
      {"2026-01-03", kDay, kPublication, {{"2025-12-27", "2026-01-03"}}},
      {"2025-11-02", kDay, kRelativeClock, std::nullopt},  // weak: no interval
      {"2025-13", kMonth, kExplicit, std::nullopt},        // malformed: treated as no date
      {"2025-02-30", kDay, kExplicit, std::nullopt},
      {"", kDay, kExplicit, std::nullopt},
  };
  for (const Case& c : cases) {
    v1::EventDate d;
    d.set_iso(c.iso);
    d.set_precision(c.precision);
    d.set_resolution(c.resolution);
    std::optional<DayInterval> got = AnchoredInterval(d);
    ASSERT_EQ(got.has_value(), c.interval.has_value()) << c.iso;
    if (got) {
      EXPECT_EQ(got->first, Day(c.interval->first)) << c.iso;
      EXPECT_EQ(got->last, Day(c.interval->second)) << c.iso;
    }
  }
}

TEST(FusionTest, FormatDayWritesThePrecisionAsked) {
  const int64_t d = Day("2025-03-07");
  EXPECT_EQ(FormatDay(d, kDay), "2025-03-07");
  EXPECT_EQ(FormatDay(d, kMonth), "2025-03");
  EXPECT_EQ(FormatDay(d, kYear), "2025");
}

struct ClusterCase {
  const char* name;
  std::vector<ReportSpec> reports;
  std::set<std::set<std::string>> clusters;
};

TEST(FusionTest, ClustersReportsByDateWithOneDayTolerance) {
  const std::vector<ClusterCase> cases = {
      {"same day fuses", {{"a", "2025-12-20"}, {"b", "2025-12-20"}}, {{"a", "b"}}},
      {"one day apart fuses", {{"a", "2025-12-20"}, {"b", "2025-12-21"}}, {{"a", "b"}}},
      {"two days apart stay apart", {{"a", "2025-12-20"}, {"b", "2025-12-22"}}, {{"a"}, {"b"}}},
      {"forty days apart stay apart", {{"a", "2025-11-10"}, {"b", "2025-12-20"}}, {{"a"}, {"b"}}},
      {"a day inside a month fuses with it", {{"m", "2025-12", kMonth}, {"d", "2025-12-20"}}, {{"m", "d"}}},
      {"a day in another month stays apart", {{"m", "2025-10", kMonth}, {"d", "2025-12-20"}}, {{"m"}, {"d"}}},
      // The month report narrows the core to the first day; the later day no longer meets it.
      {"a month joins the earliest of its days",
       {{"m", "2025-12", kMonth}, {"d1", "2025-12-05"}, {"d2", "2025-12-20"}},
       {{"m", "d1"}, {"d2"}}},
      {"a year covers its days", {{"y", "2025", kYear}, {"d", "2025-06-15"}}, {{"y", "d"}}},
      // Publication date Dec 23 stands for [Dec 16, Dec 23]: it meets an event of Dec 20...
      {"a publication-dated report joins an event of the week before",
       {{"p", "2025-12-23", kDay, kPublication}, {"d", "2025-12-20"}},
       {{"p", "d"}}},
      // ...but not one of Dec 27, which it cannot report on Dec 23.
      {"a publication-dated report does not join a later event",
       {{"p", "2025-12-23", kDay, kPublication}, {"d", "2025-12-27"}},
       {{"p"}, {"d"}}},
      // The core narrows to the first day; a chain of consecutive days does not drift.
      {"a chain of days does not drift",
       {{"a", "2025-12-20"}, {"b", "2025-12-21"}, {"c", "2025-12-22"}},
       {{"a", "b"}, {"c"}}},
  };
  for (const ClusterCase& c : cases) EXPECT_EQ(Partition(Fuse("fk", Reports(c.reports))), c.clusters) << c.name;
}

TEST(FusionTest, WeakReportsJoinTheNearestClusterThatStartedByTheirDate) {
  const std::vector<ReportSpec> anchored = {{"nov", "2025-11-01"}, {"dec", "2025-12-20"}};
  struct Case {
    const char* name;
    ReportSpec weak;
    std::set<std::set<std::string>> clusters;
  };
  const std::vector<Case> cases = {
      {"the nearer earlier cluster", {"w", "2025-12-22", kDay, kRelativeClock}, {{"nov"}, {"dec", "w"}}},
      {"the nearer of two, before the later one", {"w", "2025-11-10", kDay, kRelativeClock}, {{"nov", "w"}, {"dec"}}},
      {"a cluster starting within the tolerance", {"w", "2025-12-19", kDay, kRelativeClock}, {{"nov"}, {"dec", "w"}}},
      {"no cluster started yet: undated", {"w", "2025-10-01", kDay, kRelativeClock}, {{"nov"}, {"dec"}, {"w"}}},
      {"no date: the latest cluster", {"w", "", kDay, v1::DATE_RESOLUTION_UNSPECIFIED}, {{"nov"}, {"dec", "w"}}},
  };
  for (const Case& c : cases) {
    std::vector<ReportSpec> specs = anchored;
    specs.push_back(c.weak);
    EXPECT_EQ(Partition(Fuse("fk", Reports(specs))), c.clusters) << c.name;
  }
}

TEST(FusionTest, OnlyWeakReportsFormOneUndatedRecord) {
  auto records = Fuse("fk", Reports({{"w1", "2025-12-01", kDay, kRelativeClock},
                                     {"w2", "2025-12-09", kDay, kRelativeClock},
                                     {"w3", "", kDay, v1::DATE_RESOLUTION_UNSPECIFIED}}));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].anchor, "undated");
  EXPECT_EQ(records[0].id, HexId(StableHash64({"fk", "undated"})));
  EXPECT_EQ(records[0].date_basis, DateBasis::kWeak);
  EXPECT_EQ(records[0].date_iso, "2025-12-01");  // the earliest weak date, flagged weak
  EXPECT_EQ(records[0].mention_count(), 3);

  auto none = Fuse("fk", Reports({{"x", "", kDay, v1::DATE_RESOLUTION_UNSPECIFIED}}));
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].date_basis, DateBasis::kNone);
  EXPECT_EQ(none[0].date_iso, "");
}

TEST(FusionTest, RecordIdHashesFusionKeyAndCoreStart) {
  auto records = Fuse("fk-meet", Reports({{"a", "2025-12", kMonth}, {"b", "2025-12-20"}}));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].anchor, "2025-12-20");
  EXPECT_EQ(records[0].id, HexId(StableHash64({"fk-meet", "2025-12-20"})));
  // Another group with the same dates gets another id.
  EXPECT_NE(Fuse("fk-other", Reports({{"a", "2025-12", kMonth}, {"b", "2025-12-20"}}))[0].id, records[0].id);
}

TEST(FusionTest, RecordDateIsTheCoreStartAtThePrecisionTheCoreDetermines) {
  struct Case {
    const char* name;
    std::vector<ReportSpec> reports;
    std::string date;
    v1::DatePrecision precision;
  };
  const std::vector<Case> cases = {
      {"days", {{"a", "2025-12-20"}, {"b", "2025-12-21"}}, "2025-12-20", kDay},
      {"months only", {{"a", "2025-12", kMonth}, {"b", "2025-12", kMonth}}, "2025-12", kMonth},
      {"a day narrows a month", {{"a", "2025-12", kMonth}, {"b", "2025-12-20"}}, "2025-12-20", kDay},
      {"a month narrows a year", {{"a", "2025", kYear}, {"b", "2025-04", kMonth}}, "2025-04", kMonth},
      {"a publication week inside one month", {{"p", "2025-12-23", kDay, kPublication}}, "2025-12", kMonth},
      {"a publication week across months", {{"p", "2026-01-03", kDay, kPublication}}, "2025", kYear},
  };
  for (const Case& c : cases) {
    auto records = Fuse("fk", Reports(c.reports));
    ASSERT_EQ(records.size(), 1u) << c.name;
    EXPECT_EQ(records[0].date_iso, c.date) << c.name;
    EXPECT_EQ(records[0].date_precision, c.precision) << c.name;
    EXPECT_EQ(records[0].date_basis, DateBasis::kAnchored) << c.name;
  }
}

TEST(FusionTest, RepresentativeFieldsSummarizeTheReports) {
  std::vector<v1::Event> reports = Reports({
      {"r1", "2025-12-20", kDay, kExplicit, "art-vi", "vi", "042", 0.6f, "Tổng thống Kenya thăm Addis Ababa."},
      {"r2", "2025-12-20", kDay, kExplicit, "art-ar", "ar", "043", 0.9f, "زار الرئيس الكيني أديس أبابا."},
      {"r3", "2025-12-20", kDay, kExplicit, "art-ar", "ar", "043", 0.9f, "وصل الرئيس الكيني إلى أديس أبابا."},
      {"r4", "2025-12-21", kDay, kExplicit, "art-en", "en", "042", 0.2f, "Kenya's president flew to Addis Ababa."},
  });
  // One report sees Ethiopia as a participant; the majority says target.
  reports[3].mutable_actors(1)->set_role(v1::ACTOR_ROLE_PARTICIPANT);
  // One report names an extra actor: the record takes the union.
  v1::Actor* extra = reports[0].add_actors();
  *extra->mutable_entity() = testing::Entity("african-union", "African Union", v1::ENTITY_TYPE_ORG);
  extra->set_role(v1::ACTOR_ROLE_PARTICIPANT);

  auto records = Fuse("fk", reports);
  ASSERT_EQ(records.size(), 1u);
  const EventRecord& r = records[0];
  EXPECT_EQ(r.cameo_code, "042");  // 042 and 043 tie at two each: the smallest wins
  EXPECT_EQ(r.root_code, "04");
  EXPECT_EQ(r.location_id, "kb:addis-ababa");
  EXPECT_EQ(r.location_name, "Addis Ababa");
  EXPECT_EQ(r.mention_count(), 4);
  EXPECT_EQ(r.article_count, 3);
  EXPECT_EQ(r.languages, (std::vector<std::string>{"ar", "en", "vi"}));
  EXPECT_EQ(r.evidence_mention_id, "r2");  // highest confidence, ties: smallest id
  const std::vector<RecordActor> actors = {
      {"kb:kenya", "Kenya", v1::ACTOR_ROLE_SOURCE},
      {"kb:ethiopia", "Ethiopia", v1::ACTOR_ROLE_TARGET},
      {"kb:african-union", "African Union", v1::ACTOR_ROLE_PARTICIPANT},
  };
  EXPECT_EQ(r.actors, actors);
}

TEST(FusionTest, MostFrequentCodeWins) {
  auto records = Fuse("fk", Reports({{"a", "2025-12-20", kDay, kExplicit, "x", "en", "046"},
                                     {"b", "2025-12-20", kDay, kExplicit, "y", "en", "042"},
                                     {"c", "2025-12-20", kDay, kExplicit, "z", "en", "046"}}));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cameo_code, "046");
}

TEST(FusionTest, RepeatedReportsCountOnce) {
  auto records = Fuse("fk", Reports({{"a", "2025-12-20"}, {"a", "2025-12-20"}, {"b", "2025-12-20", kDay, kExplicit, "art-2"}}));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].mention_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(records[0].article_count, 2);
}

std::string Summary(const std::vector<EventRecord>& records) {
  std::string s;
  for (const auto& r : records) {
    s += r.id + "|" + r.anchor + "|" + r.date_iso + "|" + r.cameo_code + "|" + r.evidence_mention_id + "|";
    for (const auto& m : r.mention_ids) s += m + ",";
    for (const auto& a : r.actors) s += a.entity_id + ":" + std::to_string(a.role) + ",";
    s += "\n";
  }
  return s;
}

TEST(FusionTest, OutputDoesNotDependOnInputOrder) {
  std::vector<v1::Event> reports = Reports({
      {"a", "2025-12", kMonth},
      {"b", "2025-12-05"},
      {"c", "2025-12-20", kDay, kExplicit, "art-2", "vi", "043", 0.9f},
      {"d", "2025-12-21", kDay, kExplicit, "art-3", "ar", "043", 0.9f},
      {"e", "2025-12-22", kDay, kPublication},
      {"f", "2025-12-23", kDay, kRelativeClock},
      {"g", "", kDay, v1::DATE_RESOLUTION_UNSPECIFIED},
      {"h", "2025", kYear},
      {"i", "2025-11-02"},
      {"j", "2025-11-02", kDay, kRelativeClock},
  });
  const std::string expected = Summary(Fuse("fk", reports));
  ASSERT_GE(std::count(expected.begin(), expected.end(), '\n'), 3) << expected;
  std::mt19937 rng(20251220);
  for (int round = 0; round < 50; ++round) {
    std::shuffle(reports.begin(), reports.end(), rng);
    ASSERT_EQ(Summary(Fuse("fk", reports)), expected) << "round " << round;
  }
}

TEST(FusionTest, RecordsAreSortedByIdAndIdsAreDistinct) {
  auto records = Fuse("fk", Reports({{"a", "2025-01-05"}, {"b", "2025-03-05"}, {"c", "2025-05-05"},
                                     {"w", "2024-01-01", kDay, kRelativeClock}}));
  ASSERT_EQ(records.size(), 4u);
  std::set<std::string> ids;
  for (size_t i = 0; i < records.size(); ++i) {
    ids.insert(records[i].id);
    if (i > 0) {
      EXPECT_LT(records[i - 1].id, records[i].id);
    }
  }
  EXPECT_EQ(ids.size(), 4u);
}

}  // namespace
}  // namespace newsflow::sink
