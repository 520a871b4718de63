// Event recognition on hand-built sentences: the entity mentions and dates are given by the test
// (so these tests do not depend on the knowledge base), the triggers and cues come from kb/lang.
#include "newsflow/extract/events.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "newsflow/extract/dates.h"
#include "newsflow/extract/entities.h"
#include "newsflow/extract/kb.h"
#include "newsflow/extract/text.h"

namespace newsflow::extract {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

// A tiny world: ids -> facts.
const std::map<std::string, EntityFacts>& World() {
  static const std::map<std::string, EntityFacts> w{
      {"kb:turkey", {v1::ENTITY_TYPE_GPE, true, {}}},
      {"kb:united-states", {v1::ENTITY_TYPE_GPE, true, {}}},
      {"kb:qatar", {v1::ENTITY_TYPE_GPE, true, {}}},
      {"kb:egypt", {v1::ENTITY_TYPE_GPE, true, {}}},
      {"kb:israel", {v1::ENTITY_TYPE_GPE, true, {}}},
      {"kb:jordan", {v1::ENTITY_TYPE_GPE, true, {}}},
      {"kb:france", {v1::ENTITY_TYPE_GPE, true, {}}},
      {"kb:hamas", {v1::ENTITY_TYPE_ORG, false, {}}},
      {"kb:united-nations", {v1::ENTITY_TYPE_ORG, false, {}}},
      {"kb:reuters", {v1::ENTITY_TYPE_ORG, false, {}}},
      {"kb:paris", {v1::ENTITY_TYPE_GPE, false, {"kb:france"}}},
      {"kb:amman", {v1::ENTITY_TYPE_GPE, false, {"kb:jordan"}}},
      {"kb:doha", {v1::ENTITY_TYPE_GPE, false, {"kb:qatar"}}},
      {"kb:cairo", {v1::ENTITY_TYPE_GPE, false, {"kb:egypt"}}},
      {"kb:middle-east", {v1::ENTITY_TYPE_LOC, false, {}}},
      {"kb:ana-lima", {v1::ENTITY_TYPE_PER, false, {"kb:france"}}},
      {"kb:omar-said", {v1::ENTITY_TYPE_PER, false, {"kb:hamas"}}},
      {"kb:john-park", {v1::ENTITY_TYPE_PER, false, {"kb:united-states"}}},
  };
  return w;
}

std::optional<EntityFacts> Facts(std::string_view id) {
  auto it = World().find(std::string(id));
  if (it == World().end()) return std::nullopt;
  return it->second;
}

// Sides for coreference: persons stand for their first affiliation.
std::string Side(std::string_view id) {
  auto f = Facts(id);
  if (f && f->type == v1::ENTITY_TYPE_PER && !f->affiliations.empty()) return f->affiliations[0];
  return std::string(id);
}

struct Name {
  std::string surface, id;
  MentionKind kind = MentionKind::kName;
};
struct DateSpec {
  std::string surface;
  CivilDate date;
  v1::DateResolution resolution = v1::DATE_RESOLUTION_EXPLICIT;
};

class EventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = EventRecognizer::Load(NEWSFLOW_KB_DIR);
    ASSERT_TRUE(r.ok()) << r.status().message();
    recognizer_ = std::move(r).value().release();
    auto t = TextAnalyzer::Create();
    ASSERT_TRUE(t.ok()) << t.status().message();
    text_ = std::move(t).value().release();
  }
  static void TearDownTestSuite() {
    std::unique_ptr<EventRecognizer> r(recognizer_);
    std::unique_ptr<TextAnalyzer> t(text_);
    recognizer_ = nullptr;
    text_ = nullptr;
  }

  // Mentions for each name at every place it occurs (longest names first win).
  static std::vector<EntityMention> Mentions(std::string_view s, std::vector<Name> names) {
    std::sort(names.begin(), names.end(), [](const Name& a, const Name& b) { return a.surface.size() > b.surface.size(); });
    std::vector<EntityMention> out;
    for (const Name& n : names) {
      for (size_t pos = s.find(n.surface); pos != std::string_view::npos; pos = s.find(n.surface, pos + 1)) {
        Span sp{static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + n.surface.size())};
        if (std::any_of(out.begin(), out.end(), [&](const EntityMention& m) { return m.span.Overlaps(sp); })) continue;
        out.push_back({sp, n.id, n.kind, 1.0f});
      }
    }
    std::sort(out.begin(), out.end(), [](const EntityMention& a, const EntityMention& b) { return a.span.begin < b.span.begin; });
    return out;
  }
  static std::vector<DateMention> Dates(std::string_view s, const std::vector<DateSpec>& specs) {
    std::vector<DateMention> out;
    for (const DateSpec& d : specs) {
      const size_t pos = s.find(d.surface);
      EXPECT_NE(pos, std::string_view::npos) << d.surface;
      DateMention m;
      m.span = {static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + d.surface.size())};
      m.date = d.date;
      m.resolution = d.resolution;
      m.absolute = d.resolution == v1::DATE_RESOLUTION_EXPLICIT;
      out.push_back(m);
    }
    std::sort(out.begin(), out.end(), [](const DateMention& a, const DateMention& b) { return a.span.begin < b.span.begin; });
    return out;
  }

  // Events of one sentence (the whole string).
  static SentenceEvents Run(const std::string& lang, const std::string& s, const std::vector<Name>& names,
                            const std::vector<DateSpec>& dates = {}) {
    const Span whole{0, static_cast<uint32_t>(s.size())};
    const auto tokens = text_->Words(s, whole);
    const auto mentions = Mentions(s, names);
    const auto ds = Dates(s, dates);
    SentenceInput in{s, whole, &tokens, &mentions, &ds};
    return recognizer_->Find(in, lang, Facts);
  }

  // Events of an article: sentences split by the analyzer, names and dates looked up per sentence.
  static std::vector<ArticleEvent> RunArticle(const std::string& lang, const std::string& body,
                                              const std::vector<Name>& names, const std::vector<DateSpec>& dates,
                                              std::optional<v1::EventDate> publication = std::nullopt) {
    ArticleEventCollector c(body, publication, Side);
    const auto all_mentions = Mentions(body, names);
    std::vector<DateMention> all_dates;
    for (const DateSpec& d : dates) all_dates.push_back(Dates(body, {d})[0]);
    for (const Span& s : text_->Sentences(body)) {
      const auto tokens = text_->Words(body, s);
      std::vector<EntityMention> ms;
      for (const auto& m : all_mentions)
        if (s.Contains(m.span)) ms.push_back(m);
      std::vector<DateMention> ds;
      for (const auto& d : all_dates)
        if (s.Contains(d.span)) ds.push_back(d);
      SentenceInput in{body, s, &tokens, &ms, &ds};
      c.Add(s, recognizer_->Find(in, lang, Facts));
    }
    return c.Take();
  }

  static EventRecognizer* recognizer_;
  static TextAnalyzer* text_;
};
EventRecognizer* EventsTest::recognizer_ = nullptr;
TextAnalyzer* EventsTest::text_ = nullptr;

std::string Root(const RecognizedEvent& e) { return e.cameo_code.substr(0, 2); }

// The actor ids with a role, sorted.
std::vector<std::string> WithRole(const RecognizedEvent& e, v1::ActorRole role) {
  std::vector<std::string> out;
  for (const auto& a : e.actors)
    if (a.role == role) out.push_back(a.entity_id);
  std::sort(out.begin(), out.end());
  return out;
}
std::vector<std::string> Ids(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// ---------------------------------------------------------------------------------------------
// One CAMEO family per row, in each language, with the roles the construction gives.

struct FamilyCase {
  std::string name, lang, sentence;
  std::vector<Name> names;
  std::string root;
  std::vector<std::string> sources, targets, participants;
};

class EventFamilyTest : public EventsTest, public ::testing::WithParamInterface<FamilyCase> {};

TEST_P(EventFamilyTest, FindsTheEventWithItsRoles) {
  const FamilyCase& c = GetParam();
  const SentenceEvents got = Run(c.lang, c.sentence, c.names);
  auto it = std::find_if(got.events.begin(), got.events.end(), [&](const RecognizedEvent& e) { return Root(e) == c.root; });
  ASSERT_NE(it, got.events.end()) << "no " << c.root << " event in: " << c.sentence;
  EXPECT_EQ(WithRole(*it, v1::ACTOR_ROLE_SOURCE), Ids(c.sources));
  EXPECT_EQ(WithRole(*it, v1::ACTOR_ROLE_TARGET), Ids(c.targets));
  EXPECT_EQ(WithRole(*it, v1::ACTOR_ROLE_PARTICIPANT), Ids(c.participants));
}

const Name kFrance{"Pháp", "kb:france"}, kJordan{"Jordan", "kb:jordan"}, kQatarVi{"Qatar", "kb:qatar"},
    kHamas{"Hamas", "kb:hamas"}, kIsraelVi{"Israel", "kb:israel"}, kUsVi{"Mỹ", "kb:united-states"},
    kLimaVi{"Ana Lima", "kb:ana-lima"}, kUnVi{"Liên hợp quốc", "kb:united-nations"}, kEgyptVi{"Ai Cập", "kb:egypt"};
const Name kFranceAr{"فرنسا", "kb:france"}, kJordanAr{"الأردن", "kb:jordan"}, kQatarAr{"قطر", "kb:qatar"},
    kHamasAr{"حماس", "kb:hamas"}, kIsraelAr{"إسرائيل", "kb:israel"}, kLimaAr{"آنا ليما", "kb:ana-lima"},
    kUnAr{"الأمم المتحدة", "kb:united-nations"}, kEgyptAr{"مصر", "kb:egypt"}, kTurkeyAr{"تركيا", "kb:turkey"};
const Name kFranceEn{"France", "kb:france"}, kJordanEn{"Jordan", "kb:jordan"}, kQatarEn{"Qatar", "kb:qatar"},
    kHamasEn{"Hamas", "kb:hamas"}, kIsraelEn{"Israel", "kb:israel"}, kLimaEn{"Ana Lima", "kb:ana-lima"},
    kUnEn{"United Nations", "kb:united-nations"}, kEgyptEn{"Egypt", "kb:egypt"};

INSTANTIATE_TEST_SUITE_P(
    Families, EventFamilyTest,
    ::testing::Values(
        // 01 statements
        FamilyCase{"vi_statement", "vi", "Bộ trưởng Ana Lima cho biết các cuộc đàm phán sẽ kéo dài.", {kLimaVi}, "01", {"kb:ana-lima"}, {}, {}},
        FamilyCase{"ar_statement_vso", "ar", "قال وزير الخارجية آنا ليما إن المفاوضات ستستمر.", {kLimaAr}, "01", {"kb:ana-lima"}, {}, {}},
        FamilyCase{"en_statement", "en", "Ana Lima said the talks would continue next month.", {kLimaEn}, "01", {"kb:ana-lima"}, {}, {}},
        // 02 appeals: directed
        FamilyCase{"vi_appeal", "vi", "Pháp kêu gọi Liên hợp quốc tăng cường viện trợ cho người dân.", {kFrance, kUnVi}, "02", {"kb:france"}, {"kb:united-nations"}, {}},
        FamilyCase{"ar_appeal_vso", "ar", "دعت فرنسا الأمم المتحدة إلى زيادة الدعم.", {kFranceAr, kUnAr}, "02", {"kb:france"}, {"kb:united-nations"}, {}},
        FamilyCase{"en_appeal", "en", "France urged the United Nations to send more food.", {kFranceEn, kUnEn}, "02", {"kb:france"}, {"kb:united-nations"}, {}},
        FamilyCase{"en_called_on", "en", "Jordan called on Israel to open the roads.", {kJordanEn, kIsraelEn}, "02", {"kb:jordan"}, {"kb:israel"}, {}},
        // 03 intent
        FamilyCase{"vi_pledge", "vi", "Jordan cam kết sẽ hỗ trợ tái thiết khu vực.", {kJordan}, "03", {"kb:jordan"}, {}, {}},
        FamilyCase{"ar_pledge", "ar", "تعهدت فرنسا بتقديم الدعم للسكان.", {kFranceAr}, "03", {"kb:france"}, {}, {}},
        FamilyCase{"en_pledge", "en", "Qatar pledged to rebuild the schools.", {kQatarEn}, "03", {"kb:qatar"}, {}, {}},
        // 04 consult: symmetric, "with" / "مع" objects are participants
        FamilyCase{"vi_meet", "vi", "Ana Lima đã gặp đại diện Hamas tại Doha.", {kLimaVi, kHamas, {"Doha", "kb:doha"}}, "04", {}, {}, {"kb:ana-lima", "kb:hamas"}},
        FamilyCase{"vi_meeting_with", "vi", "Jordan và Pháp đã có cuộc hội đàm với Qatar.", {kJordan, kFrance, kQatarVi}, "04", {}, {}, {"kb:france", "kb:jordan", "kb:qatar"}},
        FamilyCase{"ar_meet_vso", "ar", "التقى آنا ليما وفدا من حماس في الدوحة.", {kLimaAr, kHamasAr, {"الدوحة", "kb:doha"}}, "04", {}, {}, {"kb:ana-lima", "kb:hamas"}},
        FamilyCase{"ar_discuss_with", "ar", "بحث الأردن مع فرنسا سبل التهدئة.", {kJordanAr, kFranceAr}, "04", {}, {}, {"kb:france", "kb:jordan"}},
        FamilyCase{"en_met_with", "en", "Ana Lima met with Hamas officials on Tuesday.", {kLimaEn, kHamasEn}, "04", {}, {}, {"kb:ana-lima", "kb:hamas"}},
        FamilyCase{"en_held_talks", "en", "Jordan held talks with Egypt about the border.", {kJordanEn, kEgyptEn}, "04", {}, {}, {"kb:egypt", "kb:jordan"}},
        // 05 agreements
        FamilyCase{"vi_agreement", "vi", "Jordan đã ký thỏa thuận với Ai Cập về nguồn nước.", {kJordan, kEgyptVi}, "05", {}, {}, {"kb:egypt", "kb:jordan"}},
        FamilyCase{"en_signed", "en", "France signed an agreement with Jordan on trade.", {kFranceEn, kJordanEn}, "05", {}, {}, {"kb:france", "kb:jordan"}},
        // 07 aid
        FamilyCase{"en_aid", "en", "Qatar provided aid to Egypt after the floods.", {kQatarEn, kEgyptEn}, "07", {"kb:qatar"}, {"kb:egypt"}, {}},
        // 08 ceasefire: only when it takes effect / is agreed
        FamilyCase{"en_truce_effect", "en", "A truce between Israel and Hamas took effect in the morning.", {kIsraelEn, kHamasEn}, "08", {}, {}, {"kb:hamas", "kb:israel"}},
        // 11 accuse
        FamilyCase{"vi_accuse", "vi", "Pháp cáo buộc Jordan che giấu thông tin.", {kFrance, kJordan}, "11", {"kb:france"}, {"kb:jordan"}, {}},
        FamilyCase{"ar_accuse_vso", "ar", "اتهمت فرنسا الأردن بإخفاء المعلومات.", {kFranceAr, kJordanAr}, "11", {"kb:france"}, {"kb:jordan"}, {}},
        FamilyCase{"en_accuse", "en", "Jordan accused Egypt of hiding the report.", {kJordanEn, kEgyptEn}, "11", {"kb:jordan"}, {"kb:egypt"}, {}},
        // 19 force
        FamilyCase{"vi_airstrike", "vi", "Israel không kích Hamas vào ban đêm.", {kIsraelVi, kHamas}, "19", {"kb:israel"}, {"kb:hamas"}, {}},
        FamilyCase{"ar_shelling", "ar", "قصفت إسرائيل مواقع حماس شمال القطاع.", {kIsraelAr, kHamasAr}, "19", {"kb:israel"}, {"kb:hamas"}, {}},
        FamilyCase{"en_blockade", "en", "Israel imposed a blockade on Hamas positions.", {kIsraelEn, kHamasEn}, "19", {"kb:israel"}, {"kb:hamas"}, {}}),
    [](const ::testing::TestParamInfo<FamilyCase>& i) { return i.param.name; });

// ---------------------------------------------------------------------------------------------
// Roles from structure.

TEST_F(EventsTest, CoordinationListBecomesSeveralParticipants) {
  const auto vi = Run("vi", "Đại diện của Pháp, Jordan, Qatar và Ai Cập đã nhóm họp tại Paris.",
                      {kFrance, kJordan, kQatarVi, kEgyptVi, {"Paris", "kb:paris"}});
  ASSERT_EQ(vi.events.size(), 1u);
  EXPECT_EQ(WithRole(vi.events[0], v1::ACTOR_ROLE_PARTICIPANT),
            Ids({"kb:france", "kb:jordan", "kb:qatar", "kb:egypt"}));
  const auto ar = Run("ar", "وتشارك في اجتماع الدول هي فرنسا والأردن وقطر ومصر.", {kFranceAr, kJordanAr, kQatarAr, kEgyptAr});
  ASSERT_EQ(ar.events.size(), 1u);
  EXPECT_EQ(WithRole(ar.events[0], v1::ACTOR_ROLE_PARTICIPANT),
            Ids({"kb:france", "kb:jordan", "kb:qatar", "kb:egypt"}));
}

TEST_F(EventsTest, VietnamesePassiveAgentIsTheSource) {
  const auto got = Run("vi", "Jordan bị Pháp cáo buộc vi phạm thỏa thuận thương mại.", {kJordan, kFrance});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_SOURCE), Ids({"kb:france"}));
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_TARGET), Ids({"kb:jordan"}));
}

TEST_F(EventsTest, EnglishPassiveByAgentIsTheSource) {
  const auto got = Run("en", "Jordan was accused by France of breaking the deal.", {kJordanEn, kFranceEn});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_SOURCE), Ids({"kb:france"}));
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_TARGET), Ids({"kb:jordan"}));
}

TEST_F(EventsTest, ReportedSpeechSourceIsNotAnActor) {
  const auto vi = Run("vi", "Theo Reuters, Jordan đã gặp Pháp tại Amman.", {{"Reuters", "kb:reuters"}, kJordan, kFrance, {"Amman", "kb:amman"}});
  ASSERT_EQ(vi.events.size(), 1u);
  EXPECT_EQ(WithRole(vi.events[0], v1::ACTOR_ROLE_PARTICIPANT), Ids({"kb:jordan", "kb:france"}));
  const auto ar = Run("ar", "التقى الأردن فرنسا في عمان، بحسب ما نقلته وكالة رويترز.",
                      {kJordanAr, kFranceAr, {"عمان", "kb:amman"}, {"رويترز", "kb:reuters"}});
  ASSERT_EQ(ar.events.size(), 1u);
  EXPECT_EQ(WithRole(ar.events[0], v1::ACTOR_ROLE_PARTICIPANT), Ids({"kb:jordan", "kb:france"}));
}

TEST_F(EventsTest, PersonAbsorbsTheCountryItStandsFor) {
  // "the French minister Ana Lima": France is Lima's affiliation, not a second actor.
  const auto got = Run("vi", "Ngoại trưởng Pháp Ana Lima kêu gọi Hamas thả con tin.", {kFrance, kLimaVi, kHamas});
  ASSERT_FALSE(got.events.empty());
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_SOURCE), Ids({"kb:ana-lima"}));
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_TARGET), Ids({"kb:hamas"}));
}

TEST_F(EventsTest, OneSentenceCanReportTwoEvents) {
  const auto got = Run("vi", "Israel cáo buộc Hamas tấn công binh sĩ tại biên giới.", {kIsraelVi, kHamas});
  std::vector<std::string> roots;
  for (const auto& e : got.events) roots.push_back(Root(e));
  std::sort(roots.begin(), roots.end());
  EXPECT_EQ(roots, (std::vector<std::string>{"11", "19"}));
  for (const auto& e : got.events) {
    if (Root(e) == "19") {
      EXPECT_EQ(WithRole(e, v1::ACTOR_ROLE_SOURCE), Ids({"kb:hamas"}));
    }
  }
}

TEST_F(EventsTest, MeetingToDiscussIsOneEvent) {
  const auto got = Run("vi", "Jordan đã gặp Pháp để thảo luận về an ninh khu vực.", {kJordan, kFrance});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(Root(got.events[0]), "04");
  const auto ar = Run("ar", "التقى الأردن فرنسا لبحث الأمن الإقليمي.", {kJordanAr, kFranceAr});
  ASSERT_EQ(ar.events.size(), 1u);
}

TEST_F(EventsTest, CeasefireMerelyNamedIsNoEvent) {
  EXPECT_TRUE(Run("en", "Israel and Hamas discussed the ceasefire plan for hours.", {kIsraelEn, kHamasEn})
                  .events.size() == 1u);  // the talks, not the truce
  const auto got = Run("vi", "Pháp lo ngại lệnh ngừng bắn sẽ sụp đổ.", {kFrance});
  EXPECT_TRUE(got.events.empty());
}

TEST_F(EventsTest, QuotedWordsReportNoEvent) {
  const auto got = Run("en", "Ana Lima said: \"We urged Jordan to act.\"", {kLimaEn, kJordanEn});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(Root(got.events[0]), "01");
}

// ---------------------------------------------------------------------------------------------
// Location.

TEST_F(EventsTest, LocationPrefersTheCityToTheCountryInParentheses) {
  const auto got = Run("vi", "Jordan và Qatar đã nhóm họp tại Paris (Pháp).", {kJordan, kQatarVi, {"Paris", "kb:paris"}, kFrance});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(got.events[0].location_id, "kb:paris");
  // The country in the location phrase is not an actor either.
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_PARTICIPANT), Ids({"kb:jordan", "kb:qatar"}));
}

TEST_F(EventsTest, ArabicLocationAfterFiMadina) {
  const auto got = Run("ar", "التقى الأردن قطر في مدينة الدوحة يوم الأحد.", {kJordanAr, kQatarAr, {"الدوحة", "kb:doha"}});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(got.events[0].location_id, "kb:doha");
}

TEST_F(EventsTest, EnglishLocationAfterIn) {
  const auto got = Run("en", "Jordan met Qatar in Cairo.", {kJordanEn, kQatarEn, {"Cairo", "kb:cairo"}});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(got.events[0].location_id, "kb:cairo");
}

TEST_F(EventsTest, NoLocationWhenTheSentenceGivesNone) {
  const auto got = Run("en", "Jordan met Qatar on Monday.", {kJordanEn, kQatarEn});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_TRUE(got.events[0].location_id.empty());
}

// ---------------------------------------------------------------------------------------------
// Dates and article-level assembly.

TEST_F(EventsTest, EventTakesTheDateOfItsOwnClause) {
  const CivilDate d1{year(2024), month(3), day(2)}, d2{year(2024), month(3), day(5)};
  const auto got = Run("en", "Before the meeting of 2 March 2024, France met Jordan on 5 March 2024.",
                       {kFranceEn, kJordanEn}, {{"2 March 2024", d1}, {"5 March 2024", d2}});
  ASSERT_EQ(got.events.size(), 1u);
  ASSERT_TRUE(got.events[0].date.has_value());
  EXPECT_EQ(got.events[0].date->date, d2);
}

TEST_F(EventsTest, LaterSentencesInheritTheNarrativeDate) {
  const std::string body =
      "Ngày 3/4/2024, Pháp và Jordan đã nhóm họp tại Paris.\n\n"
      "Ảnh minh họa.\n\n"
      "Cũng trong cuộc họp, Pháp cáo buộc Hamas vi phạm thỏa thuận.";
  const auto events = RunArticle("vi", body, {kFrance, kJordan, kHamas, {"Paris", "kb:paris"}},
                                 {{"3/4/2024", CivilDate{year(2024), month(4), day(3)}}});
  const auto accuse = std::find_if(events.begin(), events.end(), [](const ArticleEvent& e) { return Root(e.event) == "11"; });
  ASSERT_NE(accuse, events.end());
  ASSERT_TRUE(accuse->date.has_value());
  EXPECT_EQ(accuse->date->iso(), "2024-04-03");
  EXPECT_EQ(accuse->date->resolution(), v1::DATE_RESOLUTION_INHERITED);
}

TEST_F(EventsTest, AnEarlierEventDoesNotInheritTheNarrativeDate) {
  const std::string body = "On 3 April 2024 France met Jordan in Paris. Jordan had earlier accused Egypt of delays.";
  const auto events = RunArticle("en", body, {kFranceEn, kJordanEn, kEgyptEn, {"Paris", "kb:paris"}},
                                 {{"3 April 2024", CivilDate{year(2024), month(4), day(3)}}});
  const auto accuse = std::find_if(events.begin(), events.end(), [](const ArticleEvent& e) { return Root(e.event) == "11"; });
  ASSERT_NE(accuse, events.end());
  EXPECT_FALSE(accuse->date.has_value());
}

TEST_F(EventsTest, PublicationDateStandsInWhenTheTextGivesNone) {
  v1::EventDate pub;
  pub.set_iso("2024-05-06");
  pub.set_precision(v1::DATE_PRECISION_DAY);
  pub.set_resolution(v1::DATE_RESOLUTION_PUBLICATION);
  const auto events = RunArticle("en", "France accused Jordan of hiding the report.", {kFranceEn, kJordanEn}, {}, pub);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].date.has_value());
  EXPECT_EQ(events[0].date->resolution(), v1::DATE_RESOLUTION_PUBLICATION);
  EXPECT_EQ(events[0].date->iso(), "2024-05-06");
  EXPECT_FALSE(RunArticle("en", "France accused Jordan of hiding the report.", {kFranceEn, kJordanEn}, {})[0].date);
}

TEST_F(EventsTest, ClockRelativeNarrativeStaysWeakWhenInherited) {
  const std::string body = "Yesterday France met Jordan in Paris. France also accused Hamas of delays.";
  const auto events = RunArticle("en", body, {kFranceEn, kJordanEn, kHamasEn, {"Paris", "kb:paris"}},
                                 {{"Yesterday", CivilDate{year(2024), month(1), day(9)}, v1::DATE_RESOLUTION_RELATIVE_CLOCK}});
  const auto accuse = std::find_if(events.begin(), events.end(), [](const ArticleEvent& e) { return Root(e.event) == "11"; });
  ASSERT_NE(accuse, events.end());
  ASSERT_TRUE(accuse->date.has_value());
  EXPECT_EQ(accuse->date->resolution(), v1::DATE_RESOLUTION_RELATIVE_CLOCK);
}

TEST_F(EventsTest, TheMeetingInTheNextSentenceCompletesTheFirstReport) {
  const std::string body =
      "الاجتماع الذي عقد أمس في مدينة الدوحة ناقش الوضع. وأفاد آنا ليما بأن الاجتماع الذي شارك فيه ممثلون عن فرنسا والأردن كان مثمرا.";
  const auto events = RunArticle("ar", body, {kLimaAr, kFranceAr, kJordanAr, {"الدوحة", "kb:doha"}}, {});
  const auto meetings = std::count_if(events.begin(), events.end(), [](const ArticleEvent& e) { return Root(e.event) == "04"; });
  ASSERT_EQ(meetings, 1);
  const auto m = std::find_if(events.begin(), events.end(), [](const ArticleEvent& e) { return Root(e.event) == "04"; });
  EXPECT_EQ(m->event.location_id, "kb:doha");
  EXPECT_EQ(WithRole(m->event, v1::ACTOR_ROLE_PARTICIPANT), Ids({"kb:france", "kb:jordan"}));
}

TEST_F(EventsTest, DifferentPlacesStayDifferentEvents) {
  const std::string body = "Jordan met Qatar in Doha. Jordan met Qatar in Cairo.";
  const auto events = RunArticle("en", body, {kJordanEn, kQatarEn, {"Doha", "kb:doha"}, {"Cairo", "kb:cairo"}}, {});
  EXPECT_EQ(events.size(), 2u);
}

TEST_F(EventsTest, TriggerAndEvidenceOffsetsPointIntoTheBody) {
  const std::string body = "Intro line.\n\nJordan accused Egypt of delays.";
  const auto events = RunArticle("en", body, {kJordanEn, kEgyptEn}, {});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.trigger.In(body), "accused");
  EXPECT_EQ(events[0].sentence.In(body), "Jordan accused Egypt of delays.");
}

TEST_F(EventsTest, DiscussedTopicIsNoParty) {
  const auto got = Run("en", "Jordan discussed the Egypt plan with Qatar.", {kJordanEn, kEgyptEn, kQatarEn});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_PARTICIPANT), Ids({"kb:jordan", "kb:qatar"}));
}

TEST_F(EventsTest, DatelinePlaceIsNoActor) {
  const auto got = Run("ar", "الدوحة - يجتمع وزراء خارجية فرنسا والأردن في مدينة عمان.",
                       {{"الدوحة", "kb:doha"}, kFranceAr, kJordanAr, {"عمان", "kb:amman"}});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(got.events[0].location_id, "kb:amman");
  for (const auto& a : got.events[0].actors) EXPECT_NE(a.entity_id, "kb:doha");
}

TEST_F(EventsTest, CoordinatedVerbKeepsTheSentenceSubject) {
  const auto got = Run("vi", "Ông Ana Lima cảnh báo tình hình xấu đi, đồng thời kêu gọi Liên hợp quốc can thiệp.",
                       {kLimaVi, kUnVi});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_SOURCE), Ids({"kb:ana-lima"}));
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_TARGET), Ids({"kb:united-nations"}));
}

TEST_F(EventsTest, ArabicArticleIsNotAPurposeMarker) {
  // "الاجتماع" starts with the article ال, not with the purpose proclitic لـ: it is an event of
  // its own, not the goal of the statement before it.
  const auto got = Run("ar", "وأكدت فرنسا أن الاجتماع مع الأردن كان مثمرا.", {kFranceAr, kJordanAr});
  const bool meeting = std::any_of(got.events.begin(), got.events.end(), [](const RecognizedEvent& e) { return Root(e) == "04"; });
  EXPECT_TRUE(meeting);
}

TEST_F(EventsTest, TriggerWordsInsideTheObjectDoNotCutIt) {
  // "đàm phán" (negotiation) inside "head of the negotiating delegation" belongs to the meeting.
  const auto got = Run("vi", "Ana Lima đã gặp Trưởng đoàn đàm phán của Hamas Omar Said tại Doha.",
                       {kLimaVi, kHamas, {"Omar Said", "kb:omar-said"}, {"Doha", "kb:doha"}});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_PARTICIPANT), Ids({"kb:ana-lima", "kb:omar-said"}));
}

TEST_F(EventsTest, SpeakerAfterTheQuoteIsTheSource) {
  const auto got = Run("en", "\"Egypt must open the border now,\" said Ana Lima.", {kEgyptEn, kLimaEn});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_SOURCE), Ids({"kb:ana-lima"}));
}

TEST_F(EventsTest, QuotedNameIsStillAnActor) {
  const auto got = Run("ar", "وأشارت المصادر إلى أن \"آنا ليما\" قد التقى وفد حماس في الدوحة.",
                       {kLimaAr, kHamasAr, {"الدوحة", "kb:doha"}});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_PARTICIPANT), Ids({"kb:ana-lima", "kb:hamas"}));
}

TEST_F(EventsTest, PartiesThatAgreedToATruceAreItsParticipants) {
  const auto got = Run("en", "Israel and Hamas agreed to a ceasefire on Sunday.", {kIsraelEn, kHamasEn});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(Root(got.events[0]), "08");
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_PARTICIPANT), Ids({"kb:hamas", "kb:israel"}));
}

TEST_F(EventsTest, TrailingUnnamedAttributionIsNoStatementAndLeavesItsDate) {
  const CivilDate sunday{year(2024), month(6), day(2)};
  const auto got = Run("en", "Ana Lima met Hamas officials in Cairo on Sunday, officials said.",
                       {kLimaEn, kHamasEn, {"Cairo", "kb:cairo"}}, {{"Sunday", sunday, v1::DATE_RESOLUTION_RELATIVE_CLOCK}});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(Root(got.events[0]), "04");
  ASSERT_TRUE(got.events[0].date.has_value());
  EXPECT_EQ(got.events[0].date->date, sunday);
}

TEST_F(EventsTest, EnglishNounTakesItsPartyBeforeItNotTheNextObject) {
  const auto got = Run("en", "Israeli airstrikes hit Cairo suburbs.",
                       {{"Israeli", "kb:israel", MentionKind::kAdjective}, {"Cairo", "kb:cairo"}});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_SOURCE), Ids({"kb:israel"}));
}

TEST_F(EventsTest, PlaceBetweenVerbAndObjectDoesNotHideTheObject) {
  const auto got = Run("ar", "استقبلت فرنسا في باريس وفدا من حماس.", {kFranceAr, {"باريس", "kb:paris"}, kHamasAr});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_SOURCE), Ids({"kb:france"}));
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_TARGET), Ids({"kb:hamas"}));
  EXPECT_EQ(got.events[0].location_id, "kb:paris");
}

TEST_F(EventsTest, AidNamedInsideAnAccusationIsNoAidEvent) {
  const auto got = Run("ar", "اتهمت فرنسا الأردن بعرقلة دخول المساعدات.", {kFranceAr, kJordanAr});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(Root(got.events[0]), "11");
}

TEST_F(EventsTest, ArabicDefiniteMasdarIsANounNotAVerb) {
  // "condemned the Israeli shelling": Jordan condemns, Israel shells.
  const auto got = Run("ar", "وأدانت الأردن القصف الإسرائيلي أمس.",
                       {kJordanAr, {"الإسرائيلي", "kb:israel", MentionKind::kAdjective}});
  const auto shelling = std::find_if(got.events.begin(), got.events.end(), [](const RecognizedEvent& e) { return Root(e) == "19"; });
  ASSERT_NE(shelling, got.events.end());
  EXPECT_EQ(WithRole(*shelling, v1::ACTOR_ROLE_SOURCE), Ids({"kb:israel"}));
}

TEST_F(EventsTest, PurposeClauseTopicIsNoParty) {
  const auto got = Run("ar", "عقدت فرنسا والأردن اجتماعا في عمان لبحث تطورات مصر.",
                       {kFranceAr, kJordanAr, {"عمان", "kb:amman"}, kEgyptAr});
  ASSERT_EQ(got.events.size(), 1u);
  EXPECT_EQ(WithRole(got.events[0], v1::ACTOR_ROLE_PARTICIPANT), Ids({"kb:france", "kb:jordan"}));
  EXPECT_EQ(got.events[0].location_id, "kb:amman");
}

TEST_F(EventsTest, ComplementizerSeparatesTheSpeakerFromTheReportedSubject) {
  const auto got = Run("ar", "أعلنت فرنسا، الثلاثاء، أن آنا ليما التقى وفد حماس.", {kFranceAr, kLimaAr, kHamasAr});
  const auto meet = std::find_if(got.events.begin(), got.events.end(), [](const RecognizedEvent& e) { return Root(e) == "04"; });
  ASSERT_NE(meet, got.events.end());
  EXPECT_EQ(WithRole(*meet, v1::ACTOR_ROLE_PARTICIPANT), Ids({"kb:ana-lima", "kb:hamas"}));
}

TEST_F(EventsTest, ConfidenceGrowsWithEvidence) {
  const auto two_close = Run("en", "Jordan met Qatar in Cairo.", {kJordanEn, kQatarEn, {"Cairo", "kb:cairo"}});
  const auto one_far = Run("en", "Jordan in a long statement on its website yesterday said it would wait.", {kJordanEn});
  ASSERT_EQ(two_close.events.size(), 1u);
  ASSERT_EQ(one_far.events.size(), 1u);
  EXPECT_GT(two_close.events[0].confidence, one_far.events[0].confidence);
  EXPECT_LE(two_close.events[0].confidence, 1.0f);
  EXPECT_GT(one_far.events[0].confidence, 0.0f);
}

TEST_F(EventsTest, UnknownLanguageGivesNoEvents) {
  EXPECT_FALSE(recognizer_->Supports("xx"));
  EXPECT_TRUE(Run("xx", "Jordan met Qatar.", {kJordanEn, kQatarEn}).events.empty());
}

TEST(EventRecognizerLoad, MalformedTriggerFileIsInvalidArgument) {
  const auto dir = std::filesystem::temp_directory_path() / "newsflow-events-test-bad";
  std::filesystem::create_directories(dir / "lang" / "zz");
  std::ofstream(dir / "lang" / "zz" / "triggers.tsv") << "meet\t04\tsideways\t-\n";
  auto r = EventRecognizer::Load(dir);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("triggers.tsv:1"), std::string::npos) << r.status().message();
  std::filesystem::remove_all(dir);
}

// Debugging aid, not a test: NEWSFLOW_DUMP=<article file> NEWSFLOW_DUMP_LANG=ar prints what each
// sentence yields with the real knowledge base.
TEST(EventsDump, DISABLED_DumpArticle) {
  const char* file = std::getenv("NEWSFLOW_DUMP");
  const char* lang = std::getenv("NEWSFLOW_DUMP_LANG");
  if (!file || !lang) GTEST_SKIP();
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string body = ss.str();
  auto kb = KnowledgeBase::Load(NEWSFLOW_KB_DIR);
  ASSERT_TRUE(kb.ok()) << kb.status().message();
  auto ents = EntityRecognizer::Create(**kb, NEWSFLOW_KB_DIR);
  ASSERT_TRUE(ents.ok());
  auto dates = DateParser::Load(NEWSFLOW_KB_DIR);
  ASSERT_TRUE(dates.ok());
  auto rec = EventRecognizer::Load(NEWSFLOW_KB_DIR);
  auto text = TextAnalyzer::Create();
  DocumentEntities doc;
  DateContext ctx;
  ctx.clock = CivilDate{year(2026), month(11), day(21)};
  for (const Span& s : (*text)->Sentences(body)) {
    const auto tokens = (*text)->Words(body, s);
    const auto ds = (*dates)->Find(body, s, lang, ctx);
    const auto ms = (*ents)->Find(body, tokens, lang, std::nullopt, doc);
    SentenceInput in{body, s, &tokens, &ms, &ds};
    const auto got = (*rec)->Find(in, lang, [&](std::string_view id) -> std::optional<EntityFacts> {
      auto e = (*ents)->Describe(id, doc);
      if (!e) return std::nullopt;
      EntityFacts f;
      f.type = e->type();
      f.affiliations.assign(e->affiliations().begin(), e->affiliations().end());
      return f;
    });
    std::cout << "\n# " << s.In(body).substr(0, 160) << "\n";
    for (const auto& m : ms) std::cout << "   m " << m.span.In(body) << " -> " << m.entity_id << " kind=" << static_cast<int>(m.kind) << "\n";
    for (const auto& d : ds) std::cout << "   d " << d.span.In(body) << " -> " << FormatIsoDate(d.date, d.precision) << "\n";
    for (const auto& e : got.events) {
      std::cout << "   E " << e.cameo_code << " '" << e.trigger.In(body) << "' loc=" << e.location_id << " ana=" << e.anaphoric;
      for (const auto& a : e.actors) std::cout << " " << a.entity_id << "/" << a.role;
      std::cout << "\n";
    }
  }
}

}  // namespace
}  // namespace newsflow::extract
