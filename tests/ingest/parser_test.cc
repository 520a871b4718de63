// ArticleParser: input checks, normalization, ids, and what it reads from the text.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <vector>
#include <string>

#include "newsflow/ingest/article_parser.h"

namespace newsflow::ingest {
namespace {

using std::chrono::system_clock;

// One parser for the whole binary: loading the kb once keeps the tests fast.
const ArticleParser* SharedParser() {
  static const std::unique_ptr<ArticleParser> parser = [] {
    auto p = ArticleParser::Create(NEWSFLOW_KB_DIR, {.max_bytes = 4096});
    return p.ok() ? std::move(*p) : nullptr;
  }();
  return parser.get();
}

class ParserTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(SharedParser(), nullptr) << "kb at " NEWSFLOW_KB_DIR " does not load"; }
  static Result<v1::Article> Parse(std::string_view text, RawArticle raw = {}) {
    raw.bytes = text;
    return SharedParser()->Parse(raw);
  }
};

std::string ErrorOf(const Result<v1::Article>& r) { return r.ok() ? "ok" : r.status().message(); }

TEST_F(ParserTest, RejectsInvalidUtf8WithTheByteOffset) {
  auto r = Parse("Tin nhanh\n\nabc\xff def");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(r.status().message(), "invalid_utf8: byte offset 14");
}

struct BadBytes {
  const char* name;
  std::string bytes;
  std::string error;
};

class BadInputTest : public ParserTest, public ::testing::WithParamInterface<BadBytes> {};

TEST_P(BadInputTest, IsDataLossWithItsReason) {
  auto r = Parse(GetParam().bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(r.status().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadInputTest,
    ::testing::Values(
        BadBytes{"OverlongSlash", std::string("ok \xC0\xAF"), "invalid_utf8: byte offset 3"},
        BadBytes{"OverlongThreeBytes", std::string("ab\xE0\x80\xAF"), "invalid_utf8: byte offset 2"},
        BadBytes{"CesuSurrogatePair", std::string("x\xED\xA0\x80\xED\xB0\x80"), "invalid_utf8: byte offset 1"},
        BadBytes{"LoneLowSurrogate", std::string("\xED\xB0\x80"), "invalid_utf8: byte offset 0"},
        BadBytes{"AboveMaxCodePoint", std::string("a\xF4\x90\x80\x80"), "invalid_utf8: byte offset 1"},
        BadBytes{"TruncatedSequence", std::string("Hà N\xe1\xbb"), "invalid_utf8: byte offset 5"},
        BadBytes{"StrayContinuation", std::string("\x80rest"), "invalid_utf8: byte offset 0"},
        BadBytes{"Nul", std::string("Title here\n\nbody\0more", 21), "control_characters: byte offset 16"},
        BadBytes{"Escape", std::string("a\x1b[31mred"), "control_characters: byte offset 1"},
        BadBytes{"Empty", std::string(""), "empty_body"},
        BadBytes{"WhitespaceOnly", std::string(" \n\t\r\n \xC2\xA0 "), "empty_body"},
        BadBytes{"TooLarge", std::string(5000, 'a'), "too_large: 5000 bytes > limit 4096"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(ParserTest, KeepsTabsAndLineBreaks) {
  auto r = Parse("Rain expected across the region\r\n\r\nForecasters said\tthe rain would last.\r\nMore later.");
  ASSERT_TRUE(r.ok()) << ErrorOf(r);
  EXPECT_EQ(r->title(), "Rain expected across the region");
  EXPECT_EQ(r->body(), "Forecasters said\tthe rain would last.\r\nMore later.");
}

TEST_F(ParserTest, NormalizesToNfcAndGivesTheComposedId) {
  // "Việt Nam" with the ệ as e + dot below + circumflex (NFD-like), and composed.
  const std::string decomposed = "Vie\xCC\xA3\xCC\x82t Nam ky\xCC\x81 ke\xCC\x82\xCC\x81t\n\nNo\xCC\xA3\xCC\x82i dung.";
  const std::string composed = "Vi\xE1\xBB\x87t Nam k\xC3\xBD k\xE1\xBA\xBFt\n\nN\xE1\xBB\x99i dung.";
  auto a = Parse(decomposed);
  auto b = Parse(composed);
  ASSERT_TRUE(a.ok()) << ErrorOf(a);
  ASSERT_TRUE(b.ok()) << ErrorOf(b);
  EXPECT_EQ(a->title(), "Vi\xE1\xBB\x87t Nam k\xC3\xBD k\xE1\xBA\xBFt");
  EXPECT_EQ(a->body(), "N\xE1\xBB\x99i dung.");
  EXPECT_EQ(a->id(), b->id());
}

TEST_F(ParserTest, IdDependsOnTextOnly) {
  const std::string text = "Floods close schools in the north\n\nSchools in three provinces closed on Monday.";
  RawArticle one, two;
  one.url = "/corpus/a.txt";
  one.origin = v1::ORIGIN_REPLAY;
  two.url = "jsonl:x.jsonl:9";
  two.origin = v1::ORIGIN_JSONL;
  two.ingested_at = system_clock::time_point{} + std::chrono::hours(1000);
  auto a = Parse(text, one);
  auto b = Parse(text, two);
  auto c = Parse("Floods close schools in the north\r\n\r\nSchools in three provinces   closed on Monday.  \n", one);
  auto d = Parse("Floods close schools in the north\n\nSchools in four provinces closed on Monday.", one);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_EQ(a->id().size(), 16u);
  EXPECT_EQ(a->id(), b->id());
  EXPECT_EQ(a->id(), c->id()) << "line ends and blank runs do not change the id";
  EXPECT_NE(a->id(), d->id());
  EXPECT_EQ(a->url(), "/corpus/a.txt");
  EXPECT_EQ(b->origin(), v1::ORIGIN_JSONL);
  EXPECT_EQ(b->ingested_at().seconds(), 1000 * 3600);
}

TEST_F(ParserTest, SourceMetadataWinsAndARepeatedTitleLineIsNotBody) {
  RawArticle raw;
  raw.title = "Cảng biển mở rộng";
  raw.outlet = "Báo Hải Phòng";
  raw.language = "vi";
  raw.published_at = system_clock::time_point{} + std::chrono::hours(24 * 365);
  auto r = Parse("Cảng biển mở rộng\n\nDự án mới được khởi công hôm qua.", raw);
  ASSERT_TRUE(r.ok()) << ErrorOf(r);
  EXPECT_EQ(r->title(), "Cảng biển mở rộng");
  EXPECT_EQ(r->body(), "Dự án mới được khởi công hôm qua.");
  EXPECT_EQ(r->outlet(), "Báo Hải Phòng");
  EXPECT_EQ(r->language(), "vi");
  EXPECT_EQ(r->published_at().seconds(), 365 * 24 * 3600);
  EXPECT_EQ(r->published_precision(), v1::DATE_PRECISION_DAY);
}

TEST_F(ParserTest, SameTextSameIdWhetherTitleGivenOrDetected) {
  RawArticle given;
  given.title = "Giá xăng giảm nhẹ";
  auto a = Parse("Giá xăng giảm nhẹ\n\nGiá xăng trong nước giảm từ chiều nay.", given);
  auto b = Parse("Giá xăng giảm nhẹ\n\nGiá xăng trong nước giảm từ chiều nay.");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->title(), b->title());
  EXPECT_EQ(a->id(), b->id());
}

TEST_F(ParserTest, TitleOnlyIsEmptyBody) {
  RawArticle raw;
  raw.title = "Only a headline";
  auto r = Parse("Only a headline\n", raw);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "empty_body: only a title");
}

TEST_F(ParserTest, FillsEverythingForAWholeArabicArticle) {
  auto r = Parse(
      "\xEF\xBB\xBF"
      "افتتاح معرض الكتاب في المدينة\n"
      "تاريخ النشر: 14 فبراير 2024\n"
      "افتتح وزير الثقافة صباح اليوم معرض الكتاب بمشاركة مئات دور النشر من عدة دول.\n"
      "وقال المنظمون إن عدد الزوار تجاوز التوقعات.\n"
      "المصدر: وكالة الأنباء المحلية\n");
  ASSERT_TRUE(r.ok()) << ErrorOf(r);
  EXPECT_EQ(r->title(), "افتتاح معرض الكتاب في المدينة");
  EXPECT_EQ(r->language(), "ar");
  EXPECT_GT(r->language_confidence(), 0.9f);
  EXPECT_EQ(r->outlet(), "وكالة الأنباء المحلية");
  EXPECT_EQ(r->published_precision(), v1::DATE_PRECISION_DAY);
  EXPECT_EQ(r->published_at().seconds(), 1707868800);  // 2024-02-14T00:00:00Z
}

TEST_F(ParserTest, UnmarkedNumericDateLineIsReadInTheArticlesLanguageOrder) {
  auto en = Parse("City council votes on budget\n11/06/2025\nThe city council voted on the budget on Tuesday and "
                  "said that it was fair to all of the districts.");
  auto vi = Parse("Hội đồng thành phố họp\n11/06/2025\nHội đồng thành phố đã họp vào sáng nay và thông qua "
                  "ngân sách của năm tới.");
  ASSERT_TRUE(en.ok() && vi.ok());
  EXPECT_EQ(en->language(), "en");
  EXPECT_EQ(en->published_at().seconds(), 1762387200) << "en writes month first: 2025-11-06";
  EXPECT_EQ(vi->language(), "vi");
  EXPECT_EQ(vi->published_at().seconds(), 1749600000) << "vi writes day first: 2025-06-11";
}

TEST_F(ParserTest, ArbitraryBytesGiveAnArticleOfValidUtf8OrDataLoss) {
  // Fragments that stress the decoder and the line / marker logic, glued at random.
  const std::vector<std::string> pieces = {
      "\n", "\r\n", " ", ":", "/", "(", ")", "Nguồn", "Source:", "تاريخ النشر:", "©", "2025", "11", "6th",
      "tháng", "نوفمبر", "March", "\xE1\xBB", "\xCC\x81", "\xED\xA0\x80", "\xF0\x9F\x98\x80", "\xC0", "\t",
      "a", "Ả", "\xEF\xBB\xBF", "\xE2\x80\x8B", std::string(1, '\0'), "..."};
  std::mt19937 rng(12345);  // fixed: a failure must reproduce
  int ok = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
    auto r = Parse(text);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kDataLoss) << r.status().message();
      continue;
    }
    ++ok;
    for (const std::string* field : {&r->title(), &r->body(), &r->outlet()}) {
      auto check = Parse(*field + "\nx");
      EXPECT_TRUE(check.ok() || check.status().message().rfind("invalid_utf8", 0) != 0) << "input #" << i;
    }
    EXPECT_EQ(r->id().size(), 16u);
  }
  EXPECT_GT(ok, 100) << "the generator should produce valid articles too";
}

TEST_F(ParserTest, CreateFailsOnAMissingKnowledgeBase) {
  auto p = ArticleParser::Create("/nonexistent/kb");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace newsflow::ingest
