// DateParser: date forms per language, resolution rules, rejections. All sentences are written
// for these tests. Reference dates: publication 2025-11-06 (a Thursday) unless a case says
// otherwise; ingest clock 2026-01-15 (also a Thursday).
#include "newsflow/extract/dates.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace newsflow::extract {
namespace {

constexpr auto DAY = v1::DATE_PRECISION_DAY;
constexpr auto MONTH = v1::DATE_PRECISION_MONTH;
constexpr auto YEAR = v1::DATE_PRECISION_YEAR;
constexpr auto EXPLICIT = v1::DATE_RESOLUTION_EXPLICIT;
constexpr auto PART_PUB = v1::DATE_RESOLUTION_PARTIAL_PUBLICATION;
constexpr auto PART_CLOCK = v1::DATE_RESOLUTION_PARTIAL_CLOCK;
constexpr auto REL_PUB = v1::DATE_RESOLUTION_RELATIVE_PUBLICATION;
constexpr auto REL_CLOCK = v1::DATE_RESOLUTION_RELATIVE_CLOCK;

CivilDate Iso(const std::string& s) {
  int y = 0;
  unsigned m = 0, d = 0;
  std::sscanf(s.c_str(), "%d-%u-%u", &y, &m, &d);
  return CivilDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

class DatesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto p = DateParser::Load(NEWSFLOW_KB_DIR);
    ASSERT_TRUE(p.ok()) << p.status().message();
    parser_ = std::move(p).value();
  }
  static void TearDownTestSuite() { parser_.reset(); }

  static std::vector<DateMention> Find(const std::string& lang, const std::string& text,
                                       const char* published = "2025-11-06", const char* clock = "2026-01-15") {
    DateContext ctx;
    if (published != nullptr) ctx.published = Iso(published);
    ctx.clock = Iso(clock);
    return parser_->Find(text, Span{0, static_cast<uint32_t>(text.size())}, lang, ctx);
  }

  // Loaded once for the suite: compiling the grammars is the expensive part.
  static std::unique_ptr<DateParser> parser_;
};
std::unique_ptr<DateParser> DatesTest::parser_;

// One expected mention: the sentence must yield exactly it.
struct Case {
  const char* lang;
  const char* text;
  const char* surface;  // the mention's span text
  const char* iso;      // FormatIsoDate at the expected precision
  v1::DatePrecision precision;
  v1::DateResolution resolution;
  const char* published = "2025-11-06";  // nullptr: resolve against the clock
  const char* clock = "2026-01-15";
};

std::string Describe(const Case& c) { return std::string("[") + c.lang + "] " + c.text; }

class DatesTableTest : public DatesTest {
 protected:
  void Run(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      SCOPED_TRACE(Describe(c));
      const std::string text = c.text;
      const auto found = Find(c.lang, text, c.published, c.clock);
      ASSERT_EQ(found.size(), 1u) << "mentions: " << found.size()
                                  << (found.empty() ? "" : " first: " + std::string(found[0].span.In(text)));
      const DateMention& m = found[0];
      EXPECT_EQ(m.span.In(text), c.surface);
      EXPECT_EQ(FormatIsoDate(m.date, m.precision), c.iso);
      EXPECT_EQ(m.precision, c.precision);
      EXPECT_EQ(m.resolution, c.resolution);
      EXPECT_EQ(m.year_inferred, c.resolution != EXPLICIT);
      if (c.resolution != REL_PUB && c.resolution != REL_CLOCK) {
        EXPECT_TRUE(m.absolute);
      }
    }
  }
};

TEST_F(DatesTest, LoadsEveryLanguageFileUnderKbLang) {
  const auto langs = parser_->Languages();
  for (const char* want : {"ar", "en", "vi"}) {
    EXPECT_NE(std::find(langs.begin(), langs.end(), want), langs.end()) << want;
  }
}

TEST_F(DatesTableTest, ReadsNumericDatesDayFirst) {
  Run({
      {"vi", "Hội nghị khai mạc ngày 3/11 tại Hà Nội.", "ngày 3/11", "2025-11-03", DAY, PART_PUB},
      {"vi", "Văn bản được ký ngày 15/10/2024 tại Đà Nẵng.", "ngày 15/10/2024", "2024-10-15", DAY, EXPLICIT},
      {"vi", "Sáng 28/10, đoàn công tác đã lên đường.", "Sáng 28/10", "2025-10-28", DAY, PART_PUB},
      {"vi", "Thỏa thuận đạt được 20/10 sau nhiều vòng đàm phán.", "20/10", "2025-10-20", DAY, PART_PUB},
      {"vi", "Hạn chót nộp hồ sơ là 2026-03-31 theo thông báo.", "2026-03-31", "2026-03-31", DAY, EXPLICIT},
      {"en", "The truce took effect on 12.10.2025 at noon.", "12.10.2025", "2025-10-12", DAY, EXPLICIT},
      {"en", "The deal was signed on 3/4/2025 in Geneva.", "3/4/2025", "2025-04-03", DAY, EXPLICIT},
      {"ar", "وقّع الطرفان الاتفاق في ٢٠/٩/٢٠٢٥ بالقاهرة.", "٢٠/٩/٢٠٢٥", "2025-09-20", DAY, EXPLICIT},
      {"ar", "صدر القرار بتاريخ ۱۵/۳/۲۰۲۴ عن الوزارة.", "۱۵/۳/۲۰۲۴", "2024-03-15", DAY, EXPLICIT},
      {"ar", "انطلقت المحادثات يوم 24/10 في الدوحة.", "يوم 24/10", "2025-10-24", DAY, PART_PUB},
      {"vi", "Kết quả được công bố (4/11) trên website.", "4/11", "2025-11-04", DAY, PART_PUB},
      {"vi", "Chiều 30-10, tàu cập cảng Hải Phòng.", "Chiều 30-10", "2025-10-30", DAY, PART_PUB},
      // A next marker beats the grace window: mid-January is 70 days ahead, still the coming one.
      {"vi", "Luật mới có hiệu lực từ ngày 15/1 tới.", "ngày 15/1 tới", "2026-01-15", DAY, PART_PUB},
      {"vi", "Bão đổ bộ vào ngày 29/10 vừa qua.", "ngày 29/10 vừa qua", "2025-10-29", DAY, PART_PUB},
  });
}

TEST_F(DatesTableTest, ReadsEnglishMonthFirstOnlyWhenDayFirstIsImpossible) {
  Run({
      {"en", "Talks resumed on 12/20/2025 in Doha.", "12/20/2025", "2025-12-20", DAY, EXPLICIT},
      {"en", "Talks resumed on 10/23 in Doha.", "10/23", "2025-10-23", DAY, PART_PUB},
      {"en", "The board met on 5/10/2025 to vote.", "5/10/2025", "2025-10-05", DAY, EXPLICIT},
  });
}

TEST_F(DatesTableTest, ReadsVietnameseMonthExpressions) {
  Run({
      {"vi", "Buổi lễ diễn ra ngày 9 tháng 10 năm 2025 tại Huế.", "ngày 9 tháng 10 năm 2025", "2025-10-09", DAY,
       EXPLICIT},
      {"vi", "Vào ngày 2 tháng Mười Một, hai bên gặp nhau.", "ngày 2 tháng Mười Một", "2025-11-02", DAY, PART_PUB},
      {"vi", "Dự án hoàn thành trong tháng 10/2025.", "tháng 10/2025", "2025-10", MONTH, EXPLICIT},
      {"vi", "Nhà máy mở cửa tháng 3 năm 2024.", "tháng 3 năm 2024", "2024-03", MONTH, EXPLICIT},
      {"vi", "Kế hoạch được công bố hồi cuối năm 2024.", "cuối năm 2024", "2024", YEAR, EXPLICIT},
      {"vi", "Giá dầu tăng mạnh vào cuối tháng 9.", "cuối tháng 9", "2025-09", MONTH, PART_PUB},
      {"vi", "Lũ lớn xảy ra vào tháng 10 năm ngoái.", "tháng 10 năm ngoái", "2024-10", MONTH, PART_PUB},
      {"vi", "Hội chợ sẽ mở vào tháng 12 tới.", "tháng 12 tới", "2025-12", MONTH, PART_PUB},
      {"vi", "Giá đã tăng liên tục từ tháng 8 tới nay.", "tháng 8", "2025-08", MONTH, PART_PUB},
      {"vi", "Dân số đạt 100 triệu người vào năm 2023.", "năm 2023", "2023", YEAR, EXPLICIT},
  });
}

TEST_F(DatesTableTest, ReadsArabicMonthNamesInEveryTradition) {
  Run({
      {"ar", "اجتمع الوزراء في 5 أكتوبر 2025 لبحث الأزمة.", "5 أكتوبر 2025", "2025-10-05", DAY, EXPLICIT},
      {"ar", "عُقدت القمة في 14 تشرين الثاني 2024 ببيروت.", "14 تشرين الثاني 2024", "2024-11-14", DAY, EXPLICIT},
      {"ar", "بدأ تطبيق القرار في 1 أكتوبر/تشرين الأول 2025.", "1 أكتوبر/تشرين الأول 2025", "2025-10-01", DAY,
       EXPLICIT},
      {"ar", "تنتهي المهلة حتى 30 يونيه 2026 وفق البيان.", "30 يونيه 2026", "2026-06-30", DAY, EXPLICIT},
      {"ar", "وُلد الشاعر في ١٥ آذار ١٩٧٠ بدمشق.", "١٥ آذار ١٩٧٠", "1970-03-15", DAY, EXPLICIT},
      {"ar", "ارتفعت الأسعار خلال أكتوبر 2025 بشكل حاد.", "أكتوبر 2025", "2025-10", MONTH, EXPLICIT},
      {"ar", "افتُتح المعرض في شباط من عام 2023.", "شباط من عام 2023", "2023-02", MONTH, EXPLICIT},
      {"ar", "تراجعت الصادرات في إبريل الماضي.", "إبريل الماضي", "2025-04", MONTH, PART_PUB},
      {"ar", "هطلت أمطار غزيرة أواخر سبتمبر.", "أواخر سبتمبر", "2025-09", MONTH, PART_PUB},
      {"ar", "تأسست الشركة عام 2023 في عمّان.", "عام 2023", "2023", YEAR, EXPLICIT},
      {"ar", "افتُتح المسجد عام 1985م في المدينة.", "عام 1985م", "1985", YEAR, EXPLICIT},
      {"ar", "ستُجرى الانتخابات في أيار المقبل.", "أيار المقبل", "2026-05", MONTH, PART_PUB},
  });
}

TEST_F(DatesTest, KnowsEveryArabicMonthNameAndSpellingVariant) {
  const std::vector<std::pair<const char*, const char*>> names = {
      {"كانون الثاني", "01"}, {"يناير", "01"},   {"شباط", "02"},    {"فبراير", "02"},     {"آذار", "03"},
      {"مارس", "03"},         {"نيسان", "04"},   {"أبريل", "04"},   {"إبريل", "04"},      {"ابريل", "04"},
      {"أيار", "05"},         {"مايو", "05"},    {"حزيران", "06"},  {"يونيو", "06"},      {"يونيه", "06"},
      {"تموز", "07"},         {"يوليو", "07"},   {"يوليه", "07"},   {"آب", "08"},         {"أغسطس", "08"},
      {"اغسطس", "08"},        {"أيلول", "09"},   {"سبتمبر", "09"},  {"تشرين الأول", "10"}, {"أكتوبر", "10"},
      {"اكتوبر", "10"},       {"تشرين الثاني", "11"}, {"نوفمبر", "11"}, {"كانون الأول", "12"}, {"ديسمبر", "12"},
      {"أكتوبر/تشرين الأول", "10"}, {"تشرين الثاني/نوفمبر", "11"},
  };
  for (const auto& [name, month] : names) {
    const std::string text = std::string("جرت المراسم في 3 ") + name + " 2024 بحضور السفراء.";
    const auto found = Find("ar", text);
    ASSERT_EQ(found.size(), 1u) << name;
    EXPECT_EQ(FormatIsoDate(found[0].date, found[0].precision), std::string("2024-") + month + "-03") << name;
    EXPECT_EQ(found[0].span.In(text), std::string("3 ") + name + " 2024");
  }
}

TEST_F(DatesTest, KnowsArabicOrdinalDaysWithAndWithoutTheArticle) {
  const std::vector<std::pair<const char*, int>> ordinals = {
      {"الأول", 1},          {"الثاني", 2},          {"ثالث", 3},           {"العاشر", 10},
      {"الحادي عشر", 11},    {"ثاني عشر", 12},       {"التاسع عشر", 19},    {"العشرين", 20},
      {"الحادي والعشرين", 21}, {"الخامس والعشرين", 25}, {"التاسع والعشرين", 29}, {"الثلاثين", 30},
      {"الحادي والثلاثين", 31},
  };
  for (const auto& [word, day] : ordinals) {
    const std::string text = std::string("أُعلنت النتائج في ") + word + " من مايو 2024 رسمياً.";
    const auto found = Find("ar", text);
    ASSERT_EQ(found.size(), 1u) << word;
    EXPECT_EQ(static_cast<unsigned>(found[0].date.day()), static_cast<unsigned>(day)) << word;
  }
}

TEST_F(DatesTableTest, ReadsArabicOrdinalDays) {
  Run({
      {"ar", "وصل الوفد في الثالث من آذار الماضي.", "الثالث من آذار الماضي", "2025-03-03", DAY, PART_PUB},
      {"ar", "وقعت الحادثة في الحادي والعشرين من سبتمبر.", "الحادي والعشرين من سبتمبر", "2025-09-21", DAY, PART_PUB},
      {"ar", "أُغلق المعبر منذ العاشر من اكتوبر الماضى.", "العاشر من اكتوبر الماضى", "2025-10-10", DAY, PART_PUB},
      {"ar", "يبدأ المؤتمر في الخامس عشر من نوفمبر.", "الخامس عشر من نوفمبر", "2025-11-15", DAY, PART_PUB},
      {"ar", "تستأنف الدراسة في الأول من كانون الثاني 2026.", "الأول من كانون الثاني 2026", "2026-01-01", DAY,
       EXPLICIT},
      {"ar", "سيُفتتح الجسر في العاشر من أكتوبر المقبل.", "العاشر من أكتوبر المقبل", "2026-10-10", DAY, PART_PUB},
      {"ar", "جرى التصويت في ثامن أيار.", "ثامن أيار", "2025-05-08", DAY, PART_PUB},
  });
}

TEST_F(DatesTableTest, ReadsEnglishMonthNamesAndOrdinals) {
  Run({
      {"en", "Published: 6th, November 2025 GMT", "6th, November 2025", "2025-11-06", DAY, EXPLICIT},
      {"en", "The summit opened on November 4, 2025 in Baku.", "November 4, 2025", "2025-11-04", DAY, EXPLICIT},
      {"en", "Markets fell sharply on 3 Nov 2025.", "3 Nov 2025", "2025-11-03", DAY, EXPLICIT},
      {"en", "Rescue teams arrived on Nov. 2 after the storm.", "Nov. 2", "2025-11-02", DAY, PART_PUB},
      {"en", "The vote was held on the ninth of October.", "the ninth of October", "2025-10-09", DAY, PART_PUB},
      {"en", "Prices rose in October 2025 across the region.", "October 2025", "2025-10", MONTH, EXPLICIT},
      {"en", "Floods hit the coast in late September.", "late September", "2025-09", MONTH, PART_PUB},
      {"en", "Exports dropped last October.", "last October", "2025-10", MONTH, PART_PUB},
      {"en", "The plant will open next March.", "next March", "2026-03", MONTH, PART_PUB},
      {"en", "The law was passed in 2021, officials said.", "2021", "2021", YEAR, EXPLICIT},
  });
}

TEST_F(DatesTableTest, ResolvesRelativeWordsAgainstPublicationOrClock) {
  Run({
      {"vi", "Hôm qua, mưa lớn gây ngập nhiều tuyến phố.", "Hôm qua", "2025-11-05", DAY, REL_PUB},
      {"vi", "Đoàn khách đã rời đi từ hôm kia.", "hôm kia", "2025-11-04", DAY, REL_PUB},
      {"vi", "Phiên họp sẽ tiếp tục vào ngày mai.", "ngày mai", "2025-11-07", DAY, REL_PUB},
      {"vi", "Chiều nay, trận đấu sẽ diễn ra.", "Chiều nay", "2025-11-06", DAY, REL_PUB},
      {"ar", "وصل الرئيس إلى الرياض أمس.", "أمس", "2025-11-05", DAY, REL_PUB},
      {"ar", "وقال المتحدث أمس الأربعاء إن المحادثات مستمرة.", "أمس الأربعاء", "2025-11-05", DAY, REL_PUB},
      {"ar", "وكان الوزير قد زار المدينة أول أمس.", "أول أمس", "2025-11-04", DAY, REL_PUB},
      {"ar", "تبدأ الجولة الجديدة غداً في جنيف.", "غداً", "2025-11-07", DAY, REL_PUB},
      {"ar", "تنطلق الاحتفالات الليلة في الساحة.", "الليلة", "2025-11-06", DAY, REL_PUB},
      {"ar", "وأمس أعلنت الوزارة عن خطة جديدة.", "أمس", "2025-11-05", DAY, REL_PUB},
      {"en", "Protesters gathered yesterday outside parliament.", "yesterday", "2025-11-05", DAY, REL_PUB},
      {"en", "Protesters gathered yesterday outside parliament.", "yesterday", "2026-01-14", DAY, REL_CLOCK,
       nullptr},
      {"vi", "Năm ngoái, sản lượng lúa tăng mạnh.", "Năm ngoái", "2024", YEAR, REL_PUB},
      {"ar", "ارتفع التضخم الشهر الماضي بنسبة طفيفة.", "الشهر الماضي", "2025-10", MONTH, REL_PUB},
      {"ar", "ستعقد الجلسة في التاسع من الشهر الجاري.", "التاسع من الشهر الجاري", "2025-11-09", DAY, REL_PUB},
      {"en", "Unemployment fell last year in most regions.", "last year", "2024", YEAR, REL_PUB},
  });
}

TEST_F(DatesTableTest, ResolvesWeekdaysBackwardsUnlessMarkedNext) {
  // The reference 2025-11-06 is a Thursday.
  Run({
      {"ar", "التقى الوفدان يوم السبت في أنقرة.", "يوم السبت", "2025-11-01", DAY, REL_PUB},
      {"ar", "أعلنت الحكومة السبت الماضي عن التعديل.", "السبت الماضي", "2025-11-01", DAY, REL_PUB},
      {"ar", "صرّح الوزير الخميس بأن الاتفاق قريب.", "الخميس", "2025-11-06", DAY, REL_PUB},
      {"ar", "تم التوقيع الخميس الماضي في عمّان.", "الخميس الماضي", "2025-10-30", DAY, REL_PUB},
      {"ar", "تبدأ المفاوضات الاثنين المقبل.", "الاثنين المقبل", "2025-11-10", DAY, REL_PUB},
      {"ar", "عاد الوفد يوم الأحد إلى بلاده.", "يوم الأحد", "2025-11-02", DAY, REL_PUB},
      {"ar", "انهار المبنى الجمعة الماضية وسط المدينة.", "الجمعة الماضية", "2025-10-31", DAY, REL_PUB},
      {"vi", "Hai bên đã ký kết thỏa thuận vào thứ Bảy.", "thứ Bảy", "2025-11-01", DAY, REL_PUB},
      {"vi", "Chủ nhật, hàng nghìn người đổ ra đường.", "Chủ nhật", "2025-11-02", DAY, REL_PUB},
      {"vi", "Cuộc họp được tổ chức vào thứ 2 tại Hà Nội.", "thứ 2", "2025-11-03", DAY, REL_PUB},
      {"vi", "Thứ Năm, thủ tướng tiếp đoàn đại biểu.", "Thứ Năm", "2025-11-06", DAY, REL_PUB},
      {"vi", "Phiên tòa sẽ mở lại thứ Hai tới.", "thứ Hai tới", "2025-11-10", DAY, REL_PUB},
      {"en", "The minister resigned on Saturday.", "Saturday", "2025-11-01", DAY, REL_PUB},
      {"en", "Troops withdrew last Thursday.", "last Thursday", "2025-10-30", DAY, REL_PUB},
      {"en", "Voting starts next Monday.", "next Monday", "2025-11-10", DAY, REL_PUB},
      {"en", "Voting starts next Monday.", "next Monday", "2026-01-19", DAY, REL_CLOCK, nullptr},
  });
}

TEST_F(DatesTableTest, FoldsAWeekdayNextToADateIntoOneMention) {
  Run({
      {"en", "Rebels entered the city on Saturday, November 1.", "Saturday, November 1", "2025-11-01", DAY, PART_PUB},
      {"ar", "انعقد الاجتماع يوم الجمعة 31 أكتوبر 2025 في الدوحة.", "يوم الجمعة 31 أكتوبر 2025", "2025-10-31", DAY,
       EXPLICIT},
  });
}

TEST_F(DatesTableTest, ResolvesPartialDatesAcrossTheYearBoundary) {
  Run({
      // Read in January, a December date is last year's.
      {"vi", "Ngày 20/12, hai bên nối lại đàm phán.", "Ngày 20/12", "2025-12-20", DAY, PART_PUB, "2026-01-10"},
      // Read in late December, an early-January date within 31 days is the coming one...
      {"vi", "Giải đấu khởi tranh ngày 5/1 tại Hà Nội.", "ngày 5/1", "2026-01-05", DAY, PART_PUB, "2025-12-28"},
      // ... but more than 31 days ahead it is the past January.
      {"vi", "Giải đấu khởi tranh ngày 5/1 tại Hà Nội.", "ngày 5/1", "2025-01-05", DAY, PART_PUB, "2025-12-01"},
      // Against the clock there is no grace: it is an upper bound of the publication date.
      {"vi", "Giải đấu khởi tranh ngày 5/1 tại Hà Nội.", "ngày 5/1", "2025-01-05", DAY, PART_CLOCK, nullptr,
       "2025-12-28"},
      {"vi", "Ngày 20/12, hai bên nối lại đàm phán.", "Ngày 20/12", "2025-12-20", DAY, PART_CLOCK, nullptr,
       "2026-11-21"},
      // A few days after the publication date: a scheduled event of the same year.
      {"ar", "تُعقد الجلسة في 20 نوفمبر.", "20 نوفمبر", "2025-11-20", DAY, PART_PUB},
      {"en", "The vote is set for December 1.", "December 1", "2025-12-01", DAY, PART_PUB},
  });
}

TEST_F(DatesTableTest, HandlesLeapDays) {
  Run({
      {"vi", "Sự kiện diễn ra ngày 29/2/2024.", "ngày 29/2/2024", "2024-02-29", DAY, EXPLICIT},
      // No year: the latest 29 February on or before the reference.
      {"vi", "Sự kiện diễn ra ngày 29/2.", "ngày 29/2", "2024-02-29", DAY, PART_PUB},
      {"en", "He was born on February 29, 2000.", "February 29, 2000", "2000-02-29", DAY, EXPLICIT},
  });
}

struct Negative {
  const char* lang;
  const char* text;
};

TEST_F(DatesTest, RejectsImpossibleDatesAndThingsThatAreNotDates) {
  const Negative cases[] = {
      {"vi", "Hợp đồng có hiệu lực ngày 31/4/2025."},
      {"vi", "Hợp đồng có hiệu lực ngày 29/2/2025."},
      {"vi", "Hợp đồng có hiệu lực ngày 32/1."},
      {"vi", "Hợp đồng có hiệu lực ngày 31/4."},
      {"ar", "انتهت المباراة في 31 نوفمبر 2025."},
      {"vi", "Đội nhà thắng 2-1 trong trận chung kết."},
      {"vi", "Tỷ số chung cuộc là 23-10 nghiêng về đội khách."},
      {"vi", "Anh ấy ghi được 20 điểm trong hiệp hai."},
      {"vi", "Gọi số 0912.345.678 để được hỗ trợ."},
      {"vi", "Cuộc họp bắt đầu lúc 10:30 sáng."},
      {"vi", "Khoảng 1/3 dân số sống ở nông thôn."},
      {"vi", "Chỉ số tăng 20.12 điểm trong phiên."},
      {"vi", "Đây là lần thứ hai ông đến thăm thành phố."},
      {"vi", "Ông đã sống ở đây 5 năm nay."},
      {"vi", "Dự án khởi công cách đây 2 tháng trước."},
      {"vi", "Công ty tuyển thêm 2000 người."},
      {"en", "Version 2.10.3 fixes the crash."},
      {"en", "The ratio was 3:1 and the final score 2-1."},
      {"en", "You may also like our new app."},
      {"en", "© 2000 - 2025 Example News. All rights reserved."},
      {"en", "The firm employs 2023 workers."},
      {"en", "Call 020-7946-0018 for details."},
      {"ar", "مارس الجيش ضغوطاً كبيرة على المسلحين."},
      {"ar", "اتفق الطرفان على تقسيم المهام بين الاثنين."},
      {"ar", "أصيب 1500 شخص في الزلزال."},
      {"ar", "بلغت النسبة 3/4 من الأصوات."},
      {"ar", "تأسست المدرسة عام 1350هـ في مكة."},
      // "Last week" is not emitted: the records carry no week precision.
      {"en", "Prices climbed last week across Asia."},
      {"ar", "ارتفعت الأسعار الأسبوع الماضي في الأسواق."},
      {"vi", "Giá vàng tăng mạnh tuần trước."},
  };
  for (const auto& c : cases) {
    const auto found = Find(c.lang, c.text);
    EXPECT_TRUE(found.empty()) << "[" << c.lang << "] " << c.text << " -> "
                               << (found.empty() ? "" : std::string(found[0].span.In(c.text)));
  }
}

TEST_F(DatesTest, FindsSeveralMentionsInOrderWithAbsoluteOffsets) {
  const std::string text = "Mở đầu. Giá tăng từ tháng 3 tới tháng 5, rồi giảm ngày 20/6.";
  const uint32_t second = static_cast<uint32_t>(text.find("Giá"));
  DateContext ctx;
  ctx.published = Iso("2025-11-06");
  const auto found = parser_->Find(text, Span{second, static_cast<uint32_t>(text.size())}, "vi", ctx);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].span.In(text), "tháng 3");
  EXPECT_EQ(FormatIsoDate(found[0].date, found[0].precision), "2025-03");
  EXPECT_EQ(found[1].span.In(text), "tháng 5");
  EXPECT_EQ(found[2].span.In(text), "ngày 20/6");
  EXPECT_EQ(FormatIsoDate(found[2].date, found[2].precision), "2025-06-20");
  EXPECT_LT(found[0].span.begin, found[1].span.begin);
  EXPECT_GE(found[0].span.begin, second);
}

TEST_F(DatesTest, OnlyLooksInsideTheGivenRange) {
  const std::string text = "Ngày 1/10 trời mưa. Ngày 2/10 trời nắng.";
  const uint32_t split = static_cast<uint32_t>(text.find("Ngày 2"));
  DateContext ctx;
  ctx.published = Iso("2025-11-06");
  const auto found = parser_->Find(text, Span{0, split}, "vi", ctx);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].span.In(text), "Ngày 1/10");
}

TEST_F(DatesTest, MarksRelativeWordsAsNotAbsolute) {
  const auto rel = Find("en", "The talks ended yesterday.");
  ASSERT_EQ(rel.size(), 1u);
  EXPECT_FALSE(rel[0].absolute);
  EXPECT_TRUE(rel[0].year_inferred);
  const auto part = Find("en", "The talks ended on October 30.");
  ASSERT_EQ(part.size(), 1u);
  EXPECT_TRUE(part[0].absolute);
  EXPECT_TRUE(part[0].year_inferred);
  const auto expl = Find("en", "The talks ended on October 30, 2025.");
  ASSERT_EQ(expl.size(), 1u);
  EXPECT_TRUE(expl[0].absolute);
  EXPECT_FALSE(expl[0].year_inferred);
}

TEST_F(DatesTest, LanguagesWithoutALexiconStillGetNumericDates) {
  const auto found = Find("tr", "Anlaşma 15/10/2025 tarihinde imzalandı.");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(FormatIsoDate(found[0].date, found[0].precision), "2025-10-15");
}

class TempKb {
 public:
  TempKb() : dir_(std::filesystem::temp_directory_path() / ("dates_test_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_ / "lang" / "xx");
  }
  ~TempKb() { std::filesystem::remove_all(dir_); }
  void Write(const std::string& body) const { std::ofstream(dir_ / "lang" / "xx" / "dates.json") << body; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

TEST(DatesLoadTest, AddingALanguageIsAddingADataFile) {
  TempKb kb;
  kb.Write(R"({"months": {"3": ["mart"]}, "relative_days": {"-1": ["dün"]}, "year_words": ["yılı"]})");
  auto p = DateParser::Load(kb.dir());
  ASSERT_TRUE(p.ok()) << p.status().message();
  DateContext ctx;
  ctx.published = Iso("2025-11-06");
  const std::string text = "Toplantı 12 mart 2024 tarihinde, ikincisi dün yapıldı.";
  const auto found = (*p)->Find(text, Span{0, static_cast<uint32_t>(text.size())}, "xx", ctx);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(FormatIsoDate(found[0].date, found[0].precision), "2024-03-12");
  EXPECT_EQ(FormatIsoDate(found[1].date, found[1].precision), "2025-11-05");
}

TEST(DatesLoadTest, FailsWhenTheKbHasNoLanguageFolder) {
  const auto p = DateParser::Load(std::filesystem::temp_directory_path() / "no_such_kb_for_dates_test");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kNotFound);
}

TEST(DatesLoadTest, RejectsAMalformedLexiconNamingTheFile) {
  TempKb kb;
  kb.Write(R"({"months": {"13": ["nope"]}})");
  auto p = DateParser::Load(kb.dir());
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("dates.json"), std::string::npos);
  kb.Write("{not json");
  EXPECT_FALSE(DateParser::Load(kb.dir()).ok());
}

TEST_F(DatesTest, SurvivesArbitraryBytesAndKeepsSpansInsideTheRange) {
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return static_cast<char>((seed >> 16) & 0xff);
  };
  const std::string alphabet = "0123456789/.-: ngàyتأكتوبرأمس٢٠thángMayon";
  for (int round = 0; round < 300; ++round) {
    std::string text;
    for (int i = 0; i < 120; ++i) {
      text += (i % 3 == 0) ? next() : alphabet[static_cast<unsigned char>(next()) % alphabet.size()];
    }
    const uint32_t begin = 5, end = static_cast<uint32_t>(text.size()) - 5;
    DateContext ctx;
    ctx.clock = Iso("2026-01-15");
    for (const char* lang : {"vi", "ar", "en"}) {
      for (const auto& m : parser_->Find(text, Span{begin, end}, lang, ctx)) {
        EXPECT_LE(begin, m.span.begin);
        EXPECT_LT(m.span.begin, m.span.end);
        EXPECT_LE(m.span.end, end);
        EXPECT_TRUE(m.date.ok());
      }
    }
  }
}

// Not a timed assertion: prints the throughput so a regression is visible in the log.
TEST_F(DatesTest, ReportsThroughput) {
  const std::vector<std::pair<std::string, std::string>> sentences = {
      {"vi", "Theo các nguồn tin, hai bên đã thảo luận về những bước đi tiếp theo trong tiến trình hòa bình."},
      {"vi", "Sáng 28/10, đoàn công tác đã lên đường sang thăm các tỉnh miền Trung bị ảnh hưởng bởi lũ."},
      {"ar", "وأكد المتحدث أن الجانبين بحثا الخطوات اللازمة لتثبيت وقف إطلاق النار في المرحلة المقبلة."},
      {"ar", "وصل الوفد في الثالث من آذار الماضي إلى العاصمة لإجراء محادثات مع المسؤولين."},
      {"en", "Officials said the agreement, reached after months of talks, would be reviewed next year."},
      {"en", "The summit opened on November 4, 2025 in Baku amid heavy security."},
  };
  DateContext ctx;
  ctx.published = Iso("2025-11-06");
  size_t bytes = 0, mentions = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int rep = 0; rep < 4000; ++rep) {
    for (const auto& [lang, s] : sentences) {
      mentions += parser_->Find(s, Span{0, static_cast<uint32_t>(s.size())}, lang, ctx).size();
      bytes += s.size();
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ throughput ] %.1f MB in %.3f s = %.1f MB/s, %zu mentions\n", bytes / 1e6, secs, bytes / 1e6 / secs,
              mentions);
  EXPECT_EQ(mentions, 4000u * 4u);
}

}  // namespace
}  // namespace newsflow::extract
