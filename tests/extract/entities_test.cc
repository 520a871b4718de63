#include "newsflow/extract/entities.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "newsflow/extract/text.h"

namespace newsflow::extract {
namespace {

namespace fs = std::filesystem;
using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

const fs::path kFixture = fs::path(NEWSFLOW_SOURCE_DIR) / "tests/extract/data/kb";

CivilDate D(int y, unsigned m, unsigned d) { return CivilDate{year{y}, month{m}, day{d}}; }

struct Found {
  std::string surface;
  std::string id;
  MentionKind kind;
};

// Fixture knowledge base (tests/extract/data/kb) with the project's per-language name cues
// (kb/lang/*/names.json), so the cues that ship are the ones tested.
class EntitiesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto kb = KnowledgeBase::Load(kFixture);
    ASSERT_TRUE(kb.ok()) << kb.status().ToString();
    kb_ = std::move(kb).value().release();
    auto r = EntityRecognizer::Create(*kb_, NEWSFLOW_KB_DIR);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    recognizer_ = std::move(r).value().release();
    auto abbreviations = LoadAbbreviations(NEWSFLOW_KB_DIR);
    ASSERT_TRUE(abbreviations.ok()) << abbreviations.status().ToString();
    auto a = TextAnalyzer::Create(*abbreviations);
    ASSERT_TRUE(a.ok());
    analyzer_ = std::move(a).value().release();
  }
  static void TearDownTestSuite() {
    std::unique_ptr<EntityRecognizer>{recognizer_};
    std::unique_ptr<KnowledgeBase>{kb_};
    std::unique_ptr<TextAnalyzer>{analyzer_};
  }

  // Every mention of every sentence of `text`, in order, sharing `doc`.
  std::vector<Found> Run(const std::string& text, const std::string& lang,
                         std::optional<CivilDate> date = std::nullopt) {
    std::vector<Found> out;
    for (const Span& s : analyzer_->Sentences(text)) {
      const auto tokens = analyzer_->Words(text, s);
      for (const auto& m : recognizer_->Find(text, tokens, lang, date, doc_)) {
        out.push_back({std::string(m.span.In(text)), m.entity_id, m.kind});
      }
    }
    return out;
  }
  static std::vector<std::string> Ids(const std::vector<Found>& f) {
    std::vector<std::string> ids;
    for (const auto& x : f) ids.push_back(x.id);
    return ids;
  }
  static bool Has(const std::vector<Found>& f, const std::string& id) {
    for (const auto& x : f)
      if (x.id == id) return true;
    return false;
  }
  static const Found* ById(const std::vector<Found>& f, const std::string& id) {
    for (const auto& x : f)
      if (x.id == id) return &x;
    return nullptr;
  }

  DocumentEntities doc_;
  static KnowledgeBase* kb_;
  static EntityRecognizer* recognizer_;
  static TextAnalyzer* analyzer_;
};

KnowledgeBase* EntitiesTest::kb_ = nullptr;
EntityRecognizer* EntitiesTest::recognizer_ = nullptr;
TextAnalyzer* EntitiesTest::analyzer_ = nullptr;

TEST_F(EntitiesTest, FindsKnowledgeBaseNamesWithByteSpans) {
  const std::string text = "Phái đoàn Ai Cập đã tới Hà Nội vào sáng thứ Ba.";
  const auto f = Run(text, "vi");
  ASSERT_EQ(Ids(f), (std::vector<std::string>{"kb:egypt", "kb:ha-noi"}));
  EXPECT_EQ(f[0].surface, "Ai Cập");
  EXPECT_EQ(f[1].surface, "Hà Nội");
  EXPECT_EQ(f[0].kind, MentionKind::kName);
}

// One name-variant rule per row, each in a sentence written for the test.
TEST_F(EntitiesTest, MatchesNameVariants) {
  struct Case {
    const char* rule;
    const char* lang;
    std::string text;
    const char* id;
    const char* surface;
  };
  const Case cases[] = {
      {"clitic li", "ar", "قال مسؤول إن لحماس شروطا لم تتغير.", "kb:hamas", "لحماس"},
      {"clitic wa+al", "ar", "زار الوفد مصر والولايات المتحدة الشهر الماضي.", "kb:united-states", "والولايات المتحدة"},
      {"clitic bi+al", "ar", "اجتمع السفير بالولايات المتحدة مع رجال أعمال.", "kb:united-states", "بالولايات المتحدة"},
      {"clitic wa", "ar", "تحدث الوزير عن تركيا ومصر في كلمته.", "kb:egypt", "ومصر"},
      {"alef without hamza", "ar", "رفضت اسرائيل المقترح الجديد.", "kb:israel", "اسرائيل"},
      {"alef with hamza below", "ar", "سافر التاجر إلى إزمير بالقطار.", "kb:izmir", "إزمير"},
      {"bare alef for hamza", "ar", "سافر التاجر إلى ازمير بالقطار.", "kb:izmir", "ازمير"},
      {"ta marbuta as ha", "ar", "أصدرت الخارجيه التركيه بيانا مقتضبا.", "kb:turkey", "التركيه"},
      {"harakat", "ar", "أعلنت حَمَاس موقفها مساء الأحد.", "kb:hamas", "حَمَاس"},
      {"tatweel", "ar", "أعلنت حمـــاس موقفها مساء الأحد.", "kb:hamas", "حمـــاس"},
      {"Turkish dotless capital I", "en", "The ferry from Izmir was delayed by fog.", "kb:izmir", "Izmir"},
      {"all capitals", "en", "FERRIES FROM IZMIR CANCELLED", "kb:izmir", "IZMIR"},
      {"dotless i spelled plainly", "en", "A speech by Ibrahim Kalin drew attention.", "kb:ibrahim-kalin", "Ibrahim Kalin"},
      {"Vietnamese without diacritics", "vi", "Doan cong tac den Tho Nhi Ky hom qua.", "kb:turkey", "Tho Nhi Ky"},
      {"zero-width space inside a name", "en", "Talks with Ha\u200Bkan Fidan resumed.", "kb:hakan-fidan", "Ha\u200Bkan Fidan"},
      {"RTL override inside a name", "ar", "التقى هاكان في\u202Eدان نظيره.", "kb:hakan-fidan", "هاكان في\u202Eدان"},
      {"hyphen-less spelling", "en", "Envoys met Khalil al Hayya in Doha.", "kb:khalil-al-hayya", "Khalil al Hayya"},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    const auto f = Run(c.text, c.lang);
    const Found* m = ById(f, c.id);
    ASSERT_NE(m, nullptr) << c.rule;
    EXPECT_EQ(m->surface, c.surface) << c.rule;
  }
}

TEST_F(EntitiesTest, PossessiveEndingIsNotPartOfTheName) {
  const std::string text = "Israel's prime minister met Hamas’ mediators in Egypt.";
  const auto f = Run(text, "en", D(2025, 4, 4));
  ASSERT_EQ(Ids(f), (std::vector<std::string>{"kb:israel", "kb:benjamin-netanyahu", "kb:hamas", "kb:egypt"}));
  EXPECT_EQ(f[0].surface, "Israel");
  EXPECT_EQ(f[1].kind, MentionKind::kTitle);
  EXPECT_EQ(f[2].surface, "Hamas");
}

TEST_F(EntitiesTest, DiacriticLessNameIsRejectedWhenItCouldBeTwoEntities) {
  // "Hà Giang" and "Hạ Giang" both lose their tones to "Ha Giang".
  const auto f = Run("Xe khach di Ha Giang bi hoan.", "vi");
  EXPECT_TRUE(f.empty()) << f.size() << " " << (f.empty() ? "" : f[0].id);
  const auto g = Run("Xe khách đi Hà Giang bị hoãn.", "vi");
  EXPECT_EQ(Ids(g), std::vector<std::string>{"kb:ha-giang"});
}

TEST_F(EntitiesTest, PrefersTheLongerMatchAndNamesOverAdjectives) {
  // "جهاز الاستخبارات التركي" is the intelligence service, not the adjective "Turkish" after
  // some other word; the country it is named after is still mentioned.
  const auto f = Run("نفى جهاز الاستخبارات التركي التقارير.", "ar");
  ASSERT_EQ(Ids(f), (std::vector<std::string>{"kb:national-intelligence-organization", "kb:turkey"}));
  EXPECT_EQ(f[0].surface, "جهاز الاستخبارات");
  EXPECT_EQ(f[1].kind, MentionKind::kAdjective);
  const auto g = Run("The Turkish delegation left early.", "en");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].id, "kb:turkey");
  EXPECT_EQ(g[0].kind, MentionKind::kAdjective);
}

TEST_F(EntitiesTest, PlaceOrOrganizationNamedAfterAPlaceMentionsBoth) {
  struct Case {
    const char* lang;
    std::string text;
    std::vector<std::string> ids;
  };
  const Case cases[] = {
      {"ar", "أعيد فتح معبر رفح البري صباح اليوم.", {"kb:rafah-border-crossing", "kb:rafah"}},
      {"vi", "Xe tải chờ ở cửa khẩu Rafah suốt đêm.", {"kb:rafah-border-crossing", "kb:rafah"}},
      {"en", "Trucks queued at the Rafah crossing overnight.", {"kb:rafah", "kb:rafah-border-crossing"}},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    EXPECT_EQ(Ids(Run(c.text, c.lang)), c.ids) << c.text;
  }
  // A city inside a country's name is not split out: "Hà Nội" stays one place.
  doc_ = DocumentEntities{};
  EXPECT_EQ(Ids(Run("Tôi sống ở Hà Nội.", "vi")), std::vector<std::string>{"kb:ha-noi"});
}

TEST_F(EntitiesTest, RoleTitleResolvesToTheHolderOnTheSentenceDate) {
  struct Case {
    const char* lang;
    std::string text;
    CivilDate date;
    const char* holder;
    const char* title;
  };
  const Case cases[] = {
      {"vi", "Ngoại trưởng Thổ Nhĩ Kỳ phát biểu tại hội nghị khu vực.", D(2020, 2, 10), "kb:mevlut-cavusoglu", "Ngoại trưởng"},
      {"vi", "Ngoại trưởng Thổ Nhĩ Kỳ phát biểu tại hội nghị khu vực.", D(2024, 2, 10), "kb:hakan-fidan", "Ngoại trưởng"},
      {"en", "The Turkish foreign minister cancelled his trip.", D(2019, 5, 1), "kb:mevlut-cavusoglu", "foreign minister"},
      {"en", "The foreign minister of Turkey cancelled his trip.", D(2025, 5, 1), "kb:hakan-fidan", "foreign minister"},
      {"ar", "ألغى وزير الخارجية التركي زيارته المقررة.", D(2018, 7, 1), "kb:mevlut-cavusoglu", "وزير الخارجية"},
      {"ar", "ألغى وزير الخارجية التركي زيارته المقررة.", D(2025, 7, 1), "kb:hakan-fidan", "وزير الخارجية"},
      // The service's own name runs past the title: the title keeps "رئيس", the service and
      // its country are mentions of their own.
      {"ar", "استقبل رئيس جهاز الاستخبارات التركي وفدا أمنيا.", D(2016, 1, 1), "kb:hakan-fidan", "رئيس"},
      {"ar", "استقبل رئيس جهاز الاستخبارات التركي وفدا أمنيا.", D(2025, 1, 1), "kb:ibrahim-kalin", "رئيس"},
      {"ar", "استقبل رئيس المخابرات التركي وفدا أمنيا.", D(2025, 1, 1), "kb:ibrahim-kalin", "رئيس المخابرات"},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    const auto f = Run(c.text, c.lang, c.date);
    const Found* m = ById(f, c.holder);
    ASSERT_NE(m, nullptr) << c.text << " on " << static_cast<int>(c.date.year());
    EXPECT_EQ(m->kind, MentionKind::kTitle);
    EXPECT_EQ(m->surface, c.title);
    EXPECT_TRUE(Has(f, "kb:turkey")) << "the country is its own mention: " << c.text;
  }
}

TEST_F(EntitiesTest, TitleOfAnOrganizationResolvesThroughIt) {
  struct Case {
    const char* lang;
    std::string text;
  };
  const Case cases[] = {
      {"vi", "Trưởng đoàn đàm phán của phong trào Hamas đã rời khỏi khách sạn."},
      {"ar", "غادر رئيس فريق التفاوض في حماس الفندق مساء."},
      {"en", "The chief negotiator of Hamas left the hotel."},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    const auto f = Run(c.text, c.lang, D(2025, 1, 1));
    const Found* m = ById(f, "kb:khalil-al-hayya");
    ASSERT_NE(m, nullptr) << c.text;
    EXPECT_EQ(m->kind, MentionKind::kTitle);
    EXPECT_TRUE(Has(f, "kb:hamas"));
  }
}

TEST_F(EntitiesTest, ArabicConstructStateDropsTheArticle) {
  struct Case {
    std::string text;
    const char* id;
    MentionKind kind;
  };
  const Case cases[] = {
      {"ألغى وزير خارجية تركيا زيارته المقررة.", "kb:hakan-fidan", MentionKind::kTitle},
      {"انتقد رئيس وزراء إسرائيل القرار.", "kb:benjamin-netanyahu", MentionKind::kTitle},
      {"وصل وفد من ولايات متحدة كثيرة.", "kb:united-states", MentionKind::kName},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    const auto f = Run(c.text, "ar", D(2025, 2, 2));
    const Found* m = ById(f, c.id);
    ASSERT_NE(m, nullptr) << c.text;
    EXPECT_EQ(m->kind, c.kind) << c.text;
  }
  // A single word without its article is too often a common word: "مصري" is not a match for a
  // one-word alias "المصري" (an adjective) on its own.
  doc_ = DocumentEntities{};
  EXPECT_TRUE(Run("اشترى طبقا مصري الصنع.", "ar").empty());
}

TEST_F(EntitiesTest, TitleFollowedByTheNameEmitsTheNameNotADuplicate) {
  struct Case {
    const char* lang;
    std::string text;
  };
  const Case cases[] = {
      {"vi", "Ngoại trưởng Thổ Nhĩ Kỳ Hakan Fidan đã điện đàm với người đồng cấp."},
      {"en", "Turkish foreign minister Hakan Fidan arrived late."},
      {"ar", "وصل وزير الخارجية التركي هاكان فيدان إلى المطار."},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    const auto f = Run(c.text, c.lang, D(2025, 3, 3));
    int fidan = 0;
    for (const auto& m : f) {
      EXPECT_NE(m.kind, MentionKind::kTitle) << c.text;
      fidan += m.id == "kb:hakan-fidan";
    }
    EXPECT_EQ(fidan, 1) << c.text;
    EXPECT_TRUE(Has(f, "kb:turkey")) << c.text;
  }
}

TEST_F(EntitiesTest, TitleAfterAnOrganizationHeadNamesTheOfficeNotTheHolder) {
  struct Case {
    const char* lang;
    std::string text;
  };
  const Case cases[] = {
      {"vi", "Văn phòng Thủ tướng Israel ra thông cáo ngắn."},
      {"ar", "أصدر مكتب رئيس الوزراء الإسرائيلي بيانا قصيرا."},
      {"en", "The Office of the Prime Minister of Israel issued a short statement."},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    const auto f = Run(c.text, c.lang, D(2025, 1, 1));
    EXPECT_FALSE(Has(f, "kb:benjamin-netanyahu")) << c.text;
    EXPECT_TRUE(Has(f, "kb:israel")) << c.text;
  }
}

TEST_F(EntitiesTest, SecondTitleBeforeTheNameIsStillApposition) {
  const auto f = Run("Thủ tướng Israel, Đại tướng Benjamin Netanyahu, đã phát biểu.", "vi", D(2025, 1, 1));
  EXPECT_EQ(Ids(f), (std::vector<std::string>{"kb:israel", "kb:benjamin-netanyahu"}));
  for (const auto& m : f) EXPECT_NE(m.kind, MentionKind::kTitle);
}

TEST_F(EntitiesTest, ShortFormResolvesAfterTheFullName) {
  const auto f = Run("Benjamin Netanyahu đã tới Ai Cập. Sau đó Netanyahu trở về.", "vi");
  ASSERT_EQ(Ids(f), (std::vector<std::string>{"kb:benjamin-netanyahu", "kb:egypt", "kb:benjamin-netanyahu"}));
  EXPECT_EQ(f[2].surface, "Netanyahu");
}

TEST_F(EntitiesTest, ShortFormAloneNeedsAPersonContext) {
  EXPECT_TRUE(Run("Sau đó Netanyahu trở về.", "vi").empty()) << "no full name, no title";
  doc_ = DocumentEntities{};
  const auto titled = Run("Hôm qua Thủ tướng Netanyahu trở về.", "vi");
  EXPECT_TRUE(Has(titled, "kb:benjamin-netanyahu"));
  doc_ = DocumentEntities{};
  const auto quoted = Run("وأكد \"قالن\" أن المحادثات مستمرة.", "ar");
  EXPECT_TRUE(Has(quoted, "kb:ibrahim-kalin"));
  doc_ = DocumentEntities{};
  EXPECT_TRUE(Run("وأكد قالن أن المحادثات مستمرة.", "ar").empty()) << "unquoted, untitled";
  doc_ = DocumentEntities{};
  const auto country_between = Run("Hôm qua Ngoại trưởng Thổ Nhĩ Kỳ Fidan đã tới.", "vi", D(2025, 1, 1));
  EXPECT_EQ(Ids(country_between), (std::vector<std::string>{"kb:turkey", "kb:hakan-fidan"}));
  EXPECT_EQ(country_between[1].kind, MentionKind::kName);
}

TEST_F(EntitiesTest, AmbiguousShortFormResolvesOnlyThroughTheArticle) {
  EXPECT_FALSE(Has(Run("Ông Katz từ chối bình luận.", "vi"), "kb:dan-katz")) << "two KB people are called Katz";
  doc_ = DocumentEntities{};
  const auto f = Run("Dan Katz tới Hà Nội. Ông Katz từ chối bình luận.", "vi");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[2].id, "kb:dan-katz");
}

TEST_F(EntitiesTest, AmbiguousPlaceShortFormResolvesThroughItsCountry) {
  EXPECT_TRUE(Run("Flights to Tripoli resumed on Monday.", "en").empty()) << "two cities are called Tripoli";
  doc_ = DocumentEntities{};
  EXPECT_EQ(Ids(Run("Lebanon's army said clashes in Tripoli had ended.", "en")),
            (std::vector<std::string>{"kb:lebanon", "kb:tripoli-lebanon"}));
  doc_ = DocumentEntities{};
  EXPECT_EQ(Ids(Run("Libya reopened its airspace. Flights to Tripoli resumed.", "en")),
            (std::vector<std::string>{"kb:libya", "kb:tripoli-libya"}));
}

TEST_F(EntitiesTest, AcronymShortFormMatchesOnlyAsWrittenInCapitals) {
  EXPECT_TRUE(Has(Run("Officials at MIT declined to comment.", "en"), "kb:national-intelligence-organization"));
  doc_ = DocumentEntities{};
  EXPECT_TRUE(Run("they mit the deadline", "en").empty());
}

TEST_F(EntitiesTest, NoEntitiesInPlainLowercaseText) {
  EXPECT_TRUE(Run("the minister said the talks went well and everyone agreed to meet again.", "en").empty());
  EXPECT_TRUE(Run("hôm nay trời mưa to, mọi người ở nhà và không ai ra đường.", "vi").empty());
  EXPECT_TRUE(Run("قال الوزير إن المحادثات كانت جيدة وإن الجميع اتفقوا على اللقاء مجددا.", "ar").empty());
  EXPECT_TRUE(doc_.provisional.empty());
}

TEST_F(EntitiesTest, WeakEvidenceMakesNoProvisionalName) {
  struct Case {
    const char* why;
    const char* lang;
    std::string text;
  };
  const Case cases[] = {
      {"one word after a title", "vi", "Hôm qua, Tổng thống Varga đã phát biểu."},
      {"one word after an honorific", "en", "Yesterday Mr Holloway resigned."},
      {"acronym after a title", "vi", "Theo phóng viên TTXVN, cuộc họp kết thúc."},
      {"Arabic run to the end of the sentence", "ar", "وقال المتحدث باسم الوزارة، إن الاجتماع انتهى دون نتائج واضحة."},
      {"Arabic clause after a title", "ar", "بحسب خطة الرئيس، شابتها عقبات كثيرة."},
      {"lowercase words after an organization head", "vi", "Hôm qua, bộ phận kỹ thuật đã sửa xong."},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    EXPECT_TRUE(Run(c.text, c.lang).empty()) << c.why;
    EXPECT_TRUE(doc_.provisional.empty()) << c.why;
  }
}

TEST_F(EntitiesTest, CapitalizedSentenceStartIsNotAName) {
  const auto f = Run("Nguyễn Văn An đã đến Hà Nội.", "vi");
  EXPECT_EQ(Ids(f), std::vector<std::string>{"kb:ha-noi"});
  EXPECT_TRUE(doc_.provisional.empty());
}

TEST_F(EntitiesTest, RecognizesUnknownPeopleAfterTitlesAndHonorifics) {
  struct Case {
    const char* lang;
    std::string text;
    const char* name;
  };
  const Case cases[] = {
      {"vi", "Theo người phát ngôn Lưu Quang Hải, cuộc họp bị hoãn.", "Lưu Quang Hải"},
      {"vi", "Trong buổi lễ, bà Đinh Thị Lan đã trao giải.", "Đinh Thị Lan"},
      {"vi", "Buổi diễn tập do Đại tướng Phạm Văn Kiên chỉ huy.", "Phạm Văn Kiên"},
      {"en", "The decree was signed by President Marta Oyelaran on Friday.", "Marta Oyelaran"},
      {"en", "A spokesman, Tomas Rehnberg, denied the report.", "Tomas Rehnberg"},
      {"en", "Reporters asked spokesman Idris bin Tahir about the vote.", "Idris bin Tahir"},
      {"en", "A statement from Dr. Leona Farrukh was read aloud.", "Leona Farrukh"},
      {"ar", "وقال الناطق باسم وزارة الزراعة، سامي عبد الرحيم، إن المحصول وفير.", "سامي عبد الرحيم"},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    const auto f = Run(c.text, c.lang);
    const Found* m = nullptr;
    for (const auto& x : f)
      if (x.kind == MentionKind::kProvisional) m = &x;
    ASSERT_NE(m, nullptr) << c.text;
    EXPECT_EQ(m->surface, c.name) << c.text;
    EXPECT_EQ(m->id.rfind("prov:", 0), 0u);
    auto e = recognizer_->Describe(m->id, doc_);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->type(), v1::ENTITY_TYPE_PER) << c.text;
    EXPECT_FALSE(e->from_kb());
  }
}

TEST_F(EntitiesTest, RecognizesUnknownOrganizationsAfterOrganizationHeads) {
  struct Case {
    const char* lang;
    std::string text;
    const char* name;
  };
  const Case cases[] = {
      {"vi", "Hôm qua, Bộ Giao thông Vận tải cho biết dự án chậm tiến độ.", "Bộ Giao thông Vận tải"},
      {"en", "On Monday the Ministry of Fisheries announced new quotas.", "Ministry of Fisheries"},
      {"ar", "قالت جمعية الهلال الأحمر إن المساعدات وصلت.", "جمعية الهلال الأحمر"},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    const auto f = Run(c.text, c.lang);
    ASSERT_EQ(f.size(), 1u) << c.text;
    EXPECT_EQ(f[0].surface, c.name);
    EXPECT_EQ(recognizer_->Describe(f[0].id, doc_)->type(), v1::ENTITY_TYPE_ORG);
  }
}

TEST_F(EntitiesTest, GenericStateOrganOfAKnownCountryIsNotProvisional) {
  // Naming state organs is the knowledge base's job; "Ministry of Agriculture of Egypt" as a
  // provisional entity would be a wrong, unlinkable id.
  const auto f = Run("Hôm qua, Bộ Nông nghiệp Ai Cập cho biết mùa màng bội thu.", "vi");
  EXPECT_EQ(Ids(f), std::vector<std::string>{"kb:egypt"});
}

TEST_F(EntitiesTest, CapitalizedRunInsideASentenceIsAProvisionalName) {
  const auto f = Run("Hôm qua, Trần Quốc Dũng đã đến Hà Nội.", "vi");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].surface, "Trần Quốc Dũng");
  EXPECT_EQ(f[0].kind, MentionKind::kProvisional);
  const auto g = Run("Shares of Halvorsen Shipping Group fell sharply.", "en");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(recognizer_->Describe(g[0].id, doc_)->type(), v1::ENTITY_TYPE_ORG) << "an organization word ends it";
}

TEST_F(EntitiesTest, TitleCaseHeadlineIsNoEvidenceOfNames) {
  const auto f = Run("Egypt Hosts Ceasefire Talks As Pressure Mounts On Negotiators", "en");
  EXPECT_EQ(Ids(f), std::vector<std::string>{"kb:egypt"});
  EXPECT_TRUE(doc_.provisional.empty());
}

TEST_F(EntitiesTest, PlaceWordBeforeAnUnknownNameMakesAPlace) {
  struct Case {
    const char* lang;
    std::string text;
    const char* name;
  };
  const Case cases[] = {
      {"vi", "Giao tranh tiếp diễn tại thành phố Khan Younis suốt đêm.", "Khan Younis"},
      {"vi", "Lũ lụt gây thiệt hại ở tỉnh Quảng Trị.", "Quảng Trị"},
      {"en", "Fighting continued in the town of Beit Lahia overnight.", "Beit Lahia"},
  };
  for (const auto& c : cases) {
    doc_ = DocumentEntities{};
    const auto f = Run(c.text, c.lang);
    ASSERT_EQ(f.size(), 1u) << c.text;
    EXPECT_EQ(f[0].surface, c.name);
    EXPECT_EQ(recognizer_->Describe(f[0].id, doc_)->type(), v1::ENTITY_TYPE_GPE);
  }
}

TEST_F(EntitiesTest, ProvisionalIdsAreStableAcrossArticles) {
  const auto a = Run("Theo người phát ngôn Lưu Quang Hải, cuộc họp bị hoãn.", "vi");
  DocumentEntities other;
  std::swap(doc_, other);
  const auto b = Run("Hôm qua, ông Lưu Quang Hải đã phát biểu.", "vi");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].id, b[0].id);
}

TEST_F(EntitiesTest, ProvisionalNameLinksAcrossScripts) {
  const auto ar = Run("وقال الناطق باسم وزارة الزراعة، سامي عبد الرحيم، إن المحصول وفير.", "ar");
  ASSERT_FALSE(ar.empty());
  const Found& arabic = ar.back();
  ASSERT_EQ(arabic.surface, "سامي عبد الرحيم");
  EXPECT_EQ(recognizer_->Describe(arabic.id, doc_)->canonical_name(), "سامي عبد الرحيم")
      << "no Latin form seen in this article: the original stands";
  DocumentEntities other;
  std::swap(doc_, other);
  const auto en = Run("Later, spokesman Sami Abd al-Rahim confirmed the figures.", "en");
  ASSERT_EQ(en.size(), 1u);
  EXPECT_EQ(en[0].surface, "Sami Abd al-Rahim");
  EXPECT_EQ(en[0].id, arabic.id);
  EXPECT_EQ(recognizer_->Describe(en[0].id, doc_)->canonical_name(), "Sami Abd al-Rahim");
}

TEST_F(EntitiesTest, LastWordOfAProvisionalNameRefersBackToIt) {
  const auto f = Run("Hôm qua, bà Đinh Thị Lan đã trao giải. Sau đó, bà Lan phát biểu.", "vi");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].id, f[1].id);
  EXPECT_EQ(f[1].surface, "Lan");
}

TEST_F(EntitiesTest, OrganizationLastWordAloneIsNotABackReference) {
  const auto f = Run("قالت جمعية الهلال الأحمر إن المساعدات وصلت. وقال شاهد إن لون الأحمر طغى.", "ar");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].surface, "جمعية الهلال الأحمر");
}

TEST_F(EntitiesTest, DescribeReturnsKnowledgeBaseAndProvisionalEntities) {
  const auto kb = recognizer_->Describe("kb:hakan-fidan", doc_);
  ASSERT_TRUE(kb.has_value());
  EXPECT_EQ(kb->canonical_name(), "Hakan Fidan");
  EXPECT_TRUE(kb->from_kb());
  EXPECT_FALSE(recognizer_->Describe("prov:0000000000000000", doc_).has_value());
  EXPECT_FALSE(recognizer_->Describe("kb:nobody", doc_).has_value());
}

TEST(NameSkeletonTest, SameNameInArabicAndLatinScriptGivesTheSameSkeleton) {
  auto s = NameSkeletonizer::Create();
  ASSERT_TRUE(s.ok());
  const std::pair<const char*, const char*> same[] = {
      {"أونجو كيشيلي", "Öncü Keçeli"},
      {"خليل الحية", "Khalil al-Hayya"},
      {"رجب طيب أردوغان", "Recep Tayyip Erdoğan"},
      {"إبراهيم قالن", "İbrahim Kalın"},
      {"ستيف ويتكوف", "Steve Witkoff"},
  };
  for (const auto& [ar, latin] : same) {
    EXPECT_EQ((*s)->Skeleton(ar), (*s)->Skeleton(latin)) << ar << " / " << latin;
    EXPECT_FALSE((*s)->Skeleton(ar).empty());
  }
  EXPECT_EQ(NameSkeleton("أونجو كيشيلي"), NameSkeleton("Öncü Keçeli"));
  EXPECT_EQ(NameSkeleton("خليل الحية"), NameSkeleton("Khalil al-Hayya"));
}

TEST(NameSkeletonTest, UnrelatedNamesDiffer) {
  auto s = NameSkeletonizer::Create();
  ASSERT_TRUE(s.ok());
  const std::pair<const char*, const char*> different[] = {
      {"Hakan Fidan", "Khalil al-Hayya"},
      {"أونجو كيشيلي", "Hakan Fidan"},
      {"خليل الحية", "خالد مشعل"},
      {"Ali Katz", "Ali Kazemi"},
  };
  for (const auto& [a, b] : different) EXPECT_NE((*s)->Skeleton(a), (*s)->Skeleton(b)) << a << " / " << b;
}

TEST(NameSkeletonTest, ProvisionalIdIsStableAndPrefixed) {
  EXPECT_EQ(ProvisionalId("ns ksl"), ProvisionalId("ns ksl"));
  EXPECT_NE(ProvisionalId("ns ksl"), ProvisionalId("kl h"));
  EXPECT_EQ(ProvisionalId("ns ksl").size(), 5u + 16u);
}

}  // namespace
}  // namespace newsflow::extract
