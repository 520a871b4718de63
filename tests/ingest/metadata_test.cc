// What the text says about itself: headline, publication date after a marker, outlet.
// Sentences are written for these tests, in each language.
#include <gtest/gtest.h>

#include "cues.h"
#include "metadata.h"
#include "text.h"

namespace newsflow::ingest {
namespace {

const ArticleCues& Cues() {
  static const ArticleCues cues = [] {
    auto c = LoadArticleCues(NEWSFLOW_KB_DIR);
    return c.ok() ? std::move(*c) : ArticleCues{};
  }();
  return cues;
}

class MetadataTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(Cues().languages.empty()) << "kb at " NEWSFLOW_KB_DIR " does not load"; }
};

// ---------------------------------------------------------------- title

struct TitleCase {
  const char* name;
  const char* text;
  const char* title;  // "" = no title
};

class TitleTest : public MetadataTest, public ::testing::WithParamInterface<TitleCase> {};

TEST_P(TitleTest, FirstLineIsTitleOnlyWhenItReadsAsAHeadline) {
  const auto lines = SplitLines(GetParam().text);
  const auto i = FindTitleLine(lines, Cues());
  EXPECT_EQ(i ? std::string(Trim(lines[*i])) : "", GetParam().title);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TitleTest,
    ::testing::Values(
        TitleCase{"ViHeadline", "Mưa lớn gây ngập nhiều tuyến phố ở Đà Nẵng\n\nSáng nay, mưa lớn kéo dài.",
                  "Mưa lớn gây ngập nhiều tuyến phố ở Đà Nẵng"},
        TitleCase{"ArQuestionHeadline", "هل تنجح المفاوضات الجديدة؟\nيجتمع الوفدان غدا في العاصمة.",
                  "هل تنجح المفاوضات الجديدة؟"},
        TitleCase{"EnHeadlineAfterBlankLines", "\n\n  Markets rally as inflation cools  \n\nStocks rose on Tuesday.",
                  "Markets rally as inflation cools"},
        TitleCase{"HeadlineWithEllipsis", "Talks resume... but doubts remain\n\nNegotiators met again.",
                  "Talks resume... but doubts remain"},
        TitleCase{"FirstLineIsASentence", "The council approved the budget on Monday.\nIt takes effect in May.", ""},
        TitleCase{"ViFirstLineIsASentence", "Hội đồng đã thông qua ngân sách vào thứ Hai.\nNgân sách có hiệu lực từ tháng Năm.", ""},
        TitleCase{"OnlyOneLine", "Lũ lụt ở miền Trung", ""},
        TitleCase{"DateMarkerLine", "Published: 3 March 2024\nThe council approved the budget.", ""},
        TitleCase{"BareDateLine", "12/03/2024\nThe council approved the budget.", ""},
        TitleCase{"OneWordLabel", "Politics\nThe council approved the budget.", ""},
        TitleCase{"LongLeadParagraph",
                  "The regional council, meeting for the third time this month in an extraordinary session "
                  "called after weeks of protests over water prices and the closure of two hospitals in the "
                  "northern districts, finally approved a revised budget late on Monday night\nMore follows.",
                  ""}),
    [](const auto& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------- dates

struct DateCase {
  const char* name;
  const char* text;
  int year, month, day;  // year 0 = no date
  v1::DatePrecision precision;
};

class DateTest : public MetadataTest, public ::testing::WithParamInterface<DateCase> {};

TEST_P(DateTest, FindsThePublicationDateAfterAMarker) {
  const auto lines = SplitLines(GetParam().text);
  const auto d = FindPublicationDate(lines, Cues());
  if (GetParam().year == 0) {
    EXPECT_FALSE(d.has_value()) << d->year << "-" << d->month << "-" << d->day;
    return;
  }
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->year, GetParam().year);
  EXPECT_EQ(d->month, GetParam().month);
  EXPECT_EQ(d->day, GetParam().day);
  EXPECT_EQ(d->precision, GetParam().precision);
}

constexpr auto kDay = v1::DATE_PRECISION_DAY;
constexpr auto kMonth = v1::DATE_PRECISION_MONTH;
constexpr auto kNone = v1::DATE_PRECISION_UNSPECIFIED;

INSTANTIATE_TEST_SUITE_P(
    Cases, DateTest,
    ::testing::Values(
        // Vietnamese: numeric day-first, times before or after, words.
        DateCase{"ViNumeric", "Tiêu đề bài\nNgày đăng: 12/03/2025 08:15\nNội dung.", 2025, 3, 12, kDay},
        DateCase{"ViTimeFirst", "Cập nhật: 10:30, 5/4/2024\nNội dung bài viết.", 2024, 4, 5, kDay},
        DateCase{"ViWords", "Ngày đăng: ngày 6 tháng 11 năm 2025\nNội dung.", 2025, 11, 6, kDay},
        DateCase{"ViLowercaseMarkerNoColon", "ngày đăng 1-9-2023 Bài viết bắt đầu ở đây.", 2023, 9, 1, kDay},
        // Arabic: month names (Egyptian and Levantine), Arabic-Indic digits.
        DateCase{"ArIndicDigits", "عنوان\nتاريخ النشر: ١٥ مارس ٢٠٢٤\nنص الخبر.", 2024, 3, 15, kDay},
        DateCase{"ArLevantineMonth", "نشر في 3 تشرين الثاني 2023\nنص الخبر.", 2023, 11, 3, kDay},
        DateCase{"ArWeekdayFiller", "تاريخ النشر: السبت 7 يونيو 2025 - 10:20\nنص.", 2025, 6, 7, kDay},
        DateCase{"ArEnglishDateAfterArabicMarker", "تاريخ النشر: 21st, March 2024 GMT\nنص.", 2024, 3, 21, kDay},
        // English: month names both orders, ordinals, ISO, numeric month-first.
        DateCase{"EnMonthFirst", "Published: March 3, 2024\nText.", 2024, 3, 3, kDay},
        DateCase{"EnOrdinalDayFirst", "Published on 2nd February 2024 10:00 GMT\nText.", 2024, 2, 2, kDay},
        DateCase{"EnIsoInline", " date 2023-07-09 The ministry said on Sunday that", 2023, 7, 9, kDay},
        DateCase{"EnNumericMonthFirst", "Posted: 04/05/2024\nText.", 2024, 4, 5, kDay},
        DateCase{"EnNumericDayAboveTwelve", "Updated: 25/12/2023\nText.", 2023, 12, 25, kDay},
        DateCase{"EnMonthOnly", "Updated: September 2022\nText.", 2022, 9, 0, kMonth},
        DateCase{"EnAbbreviatedMonth", "Last updated: Sat, 4 Jan 2025\nText.", 2025, 1, 4, kDay},
        // No marker: a short line near the top that is only a full date.
        DateCase{"ViDateLine", "Giá vàng tăng mạnh\nThứ năm, 6/11/2025, 10:32 (GMT+7)\nGiá vàng sáng nay tăng.",
                 2025, 11, 6, kDay},
        DateCase{"EnDateLine", "Storm nears the coast\nThursday 6 November 2025 14:05 GMT\nThe storm is near.", 2025,
                 11, 6, kDay},
        DateCase{"ArDateLine", "عنوان الخبر\nالخميس ٦ نوفمبر ٢٠٢٥\nنص الخبر.", 2025, 11, 6, kDay},
        DateCase{"DateLineFollowedByProse", "Headline here\n6 November 2025 was a cold day in the city.\nText.", 0, 0,
                 0, kNone},
        DateCase{"MonthOnlyLineIsNotEnough", "Headline here\nNovember 2025\nText.", 0, 0, 0, kNone},
        // No date: no marker, marker word in prose, impossible dates.
        DateCase{"NoMarker", "Headline here\nOn 3 March 2024 the council met.", 0, 0, 0, kNone},
        DateCase{"MarkerWordInProse", "Dates for the summit were set: 3 March 2024.\nText.", 0, 0, 0, kNone},
        DateCase{"DateWordThenProse", "Date of the vote remains unclear\nText.", 0, 0, 0, kNone},
        DateCase{"FebruaryThirtyFirst", "Published: 31/02/2024\nText.", 0, 0, 0, kNone},
        DateCase{"DayWithoutMonth", "Published: 6 2025\nText.", 0, 0, 0, kNone}),
    [](const auto& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------- outlets

struct OutletCase {
  const char* name;
  const char* text;
  const char* outlet;
};

class OutletTest : public MetadataTest, public ::testing::WithParamInterface<OutletCase> {};

TEST_P(OutletTest, FindsTheOutletTheTextNames) {
  const auto lines = SplitLines(GetParam().text);
  EXPECT_EQ(FindOutlet(lines, Cues(), FindTitleLine(lines, Cues())), GetParam().outlet);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, OutletTest,
    ::testing::Values(
        OutletCase{"ViMarkerWithColon", "Tiêu đề\n\nNội dung bài.\n\nNguồn: Báo Nhân Dân", "Báo Nhân Dân"},
        OutletCase{"ViMarkerNoColon", "Tiêu đề\n\nNội dung bài.\n\nNguồn VOV/Thanh Niên", "VOV/Thanh Niên"},
        OutletCase{"ViMarkerThenProse", "Tiêu đề\n\nNguồn tin cho biết cuộc họp bị hoãn.", ""},
        OutletCase{"ArMarker", "عنوان الخبر\nنص الخبر هنا.\nالمصدر: الجزيرة نت\nاقرأ أيضا", "الجزيرة نت"},
        OutletCase{"EnMarker", "Headline\n\nBody text.\n\nSource: Reuters", "Reuters"},
        OutletCase{"EnSourceInProse", "Headline\n\nSource said the plan would change.", ""},
        OutletCase{"CopyrightLine", "Headline\n\nBody text.\n© 2010 - 2024 Daily Example (www.example.com)",
                   "Daily Example"},
        OutletCase{"LastMarkerWins", "Headline\n\n© 2024 Example Group\nBody.\nSource: Example Wire", "Example Wire"},
        OutletCase{"TrailingCreditWithSlash", "Headline\n\nBody text.\n\nAFP/Reuters.", "AFP/Reuters"},
        OutletCase{"TrailingNameOnItsOwn", "عنوان\n\nنص الخبر.\n\nسكاي نيوز عربية", "سكاي نيوز عربية"},
        OutletCase{"TrailingParenthesizedCredit", "Headline\n\nBody text.\n(Xinhua)", "Xinhua"},
        OutletCase{"TrailingSentenceIsNotACredit", "Headline\n\nBody text.\nThe talks continue.", ""},
        OutletCase{"TrailingLowercaseIsNotACredit", "Headline\n\nBody text.\nread more", ""},
        OutletCase{"ViCorrespondentInLead",
                   "Tiêu đề bài viết\n\nTheo phóng viên VOV tại Paris, cuộc họp kéo dài ba giờ.\nHai bên chưa đạt thỏa thuận.",
                   "VOV"},
        OutletCase{"ViReportWordIsNotANewspaper", "Tiêu đề bài\n\nTheo báo cáo của bộ, số ca bệnh giảm mạnh.", ""},
        OutletCase{"WireDateline", "Port reopens after storm\n\nHAIPHONG, March 3 (Example Wire) - The port reopened.",
                   "Example Wire"},
        OutletCase{"AsideInLaterParagraphIsNotADateline",
                   "Headline words\n\nThe talks went on.\nOfficials met the group (Some Party) - and left.", ""},
        OutletCase{"TrailingCreditWinsOverLead",
                   "Tiêu đề\n\nTheo phóng viên VOV tại Paris, cuộc họp kết thúc.\n\nAFP/Reuters.", "AFP/Reuters"},
        OutletCase{"NoOutlet", "Headline\n\nThe minister spoke for an hour and left without questions.", ""}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace newsflow::ingest
