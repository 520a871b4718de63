// Language detection on short texts written for the test.
#include <gtest/gtest.h>

#include "newsflow/ingest/article_parser.h"

namespace newsflow::ingest {
namespace {

struct LanguageCase {
  const char* name;
  const char* text;
  const char* code;
};

class LanguageTest : public ::testing::TestWithParam<LanguageCase> {
 protected:
  static const ArticleParser* Parser() {
    static const std::unique_ptr<ArticleParser> parser = [] {
      auto p = ArticleParser::Create(NEWSFLOW_KB_DIR);
      return p.ok() ? std::move(*p) : nullptr;
    }();
    return parser.get();
  }
};

TEST_P(LanguageTest, DetectsTheLanguageOrSaysUnd) {
  ASSERT_NE(Parser(), nullptr);
  const LanguageGuess g = Parser()->DetectLanguage(GetParam().text);
  EXPECT_EQ(g.code, GetParam().code);
  if (g.code == "und") {
    EXPECT_EQ(g.confidence, 0.0f);
  } else {
    EXPECT_GE(g.confidence, 0.6f);
    EXPECT_LE(g.confidence, 1.0f);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LanguageTest,
    ::testing::Values(
        LanguageCase{"ViWithDiacritics", "Chính phủ đã quyết định tăng lương tối thiểu từ đầu năm sau.", "vi"},
        LanguageCase{"ViWithoutDiacritics", "Chinh phu da quyet dinh tang luong toi thieu cho nguoi lao dong tu nam sau", "vi"},
        LanguageCase{"ViShortHeadline", "Bão số 3 đổ bộ", "vi"},
        LanguageCase{"Ar", "قررت الحكومة رفع الحد الأدنى للأجور اعتبارا من العام المقبل.", "ar"},
        LanguageCase{"ArWithLatinNames", "التقى الوزير مع نظيره في Geneva لبحث ملف المياه.", "ar"},
        LanguageCase{"En", "The government decided to raise the minimum wage from next year.", "en"},
        LanguageCase{"EnWithVietnameseName", "Nguyen Van An said that the port of Hai Phong will reopen on Monday.", "en"},
        LanguageCase{"NoLetters", "2024 - 12/03 - 100%", "und"},
        LanguageCase{"UnknownScript", "Правительство решило повысить минимальную зарплату.", "und"},
        LanguageCase{"LatinWithoutEvidence", "Xyz qwv plmk zzz", "und"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace newsflow::ingest
