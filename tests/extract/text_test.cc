#include "newsflow/extract/text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace newsflow::extract {
namespace {

TEST(Utf8Test, AcceptsWellFormedAndRejectsMalformed) {
  struct Case {
    std::string bytes;
    bool valid;
  };
  const Case cases[] = {
      {"plain ascii", true},
      {"Thổ Nhĩ Kỳ", true},
      {"إسطنبول", true},
      {"\xF0\x9F\x98\x80", true},      // U+1F600
      {"\xC0\xAF", false},             // overlong '/'
      {"\xED\xA0\x80", false},         // UTF-16 surrogate
      {"\xF4\x90\x80\x80", false},     // > U+10FFFF
      {"abc\xE2\x82", false},          // truncated
  };
  for (const auto& c : cases) EXPECT_EQ(IsValidUtf8(c.bytes), c.valid) << c.bytes;
}

TEST(NormalizeTest, ComposesDecomposedVietnamese) {
  // "Việt" written with combining marks: e + U+0323 (dot below) + U+0302 (circumflex).
  auto r = NormalizeNfc("Vie\xCC\xA3\xCC\x82t");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "Việt");
}

TEST(NormalizeTest, RejectsMalformedUtf8) {
  auto r = NormalizeNfc("bad \xC0\xAF");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

// Each pair must give the same matching key.
TEST(MatchKeyTest, FoldsDifferencesThatDoNotChangeAName) {
  struct Case {
    const char* what;
    std::string a, b;
  };
  const Case cases[] = {
      {"case", "Ankara", "ANKARA"},
      {"alef with hamza above", "أحمد", "احمد"},
      {"alef with hamza below", "إيران", "ايران"},
      {"alef madda", "آمنة", "امنه"},
      {"ta marbuta", "الدوحة", "الدوحه"},
      {"alef maqsura", "مصطفى", "مصطفي"},
      {"tatweel", "سـلـام", "سلام"},
      {"harakat", "مُحَمَّد", "محمد"},
      {"Turkish dotted capital I", "İSTANBUL", "istanbul"},
      {"Turkish dotless i", "Ağrı Dağı", "Ağri Daği"},
      {"Turkish capital I", "IĞDIR", "iğdir"},
      {"zero-width space inside a name", "Erdo\u200Bğan", "Erdoğan"},
      {"zero-width joiner", "Ye\u200Dni", "Yeni"},
      {"right-to-left override inside a name", "Mar\u202Eyam", "Maryam"},
      {"Arabic letter mark", "بيروت\u061C", "بيروت"},
      {"typographic apostrophe", "N’Djamena", "N'Djamena"},
      {"en dash", "Abu–Dhabi", "Abu-Dhabi"},
      {"collapsed whitespace", "  Kuala \t Lumpur ", "Kuala Lumpur"},
      {"decomposed input", "Ha\xCC\x80 Nô\xCC\xA3i", "Hà Nội"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MatchKey(c.a), MatchKey(c.b)) << c.what;
  }
  // Vietnamese tones distinguish words: the strict key keeps them.
  EXPECT_NE(MatchKey("Hà"), MatchKey("Hạ"));
  // Turkish letters other than i keep their identity in the strict key.
  EXPECT_NE(MatchKey("Çanakkale"), MatchKey("Canakkale"));
}

// Exact keys, ASCII and not: ASCII text takes a path without ICU strings, and text already in NFC
// skips normalization; both must give what the general rules say.
TEST(MatchKeyTest, GivesTheExactKeyOnEveryPath) {
  struct Case {
    std::string text, key;
  };
  const Case cases[] = {
      {"Port-au-Prince", "port-au-prince"},
      {"  The\tSenate \r\n", "the senate"},
      {"O`Brien", "o'brien"},
      {"UN/EU 2025", "un/eu 2025"},
      {"", ""},
      {" \t ", ""},
      {"Đà  Nẵng", "đà nẵng"},                       // NFC input, no normalization needed
      {"Ha\xCC\x80 No\xCC\x82\xCC\xA3i", "hà nội"},   // decomposed input
      {"İZMİR", "izmir"},
      {"\xD8\xA3\xD9\x8E\xD8\xAD\xD9\x92\xD9\x85\xD8\xAF", "\xD8\xA7\xD8\xAD\xD9\x85\xD8\xAF"},  // أَحْمد -> احمد
      {"bad \xC0\xAF byte", "bad \xEF\xBF\xBD\xEF\xBF\xBD byte"},  // malformed: U+FFFD each, as ICU reads it
  };
  for (const auto& c : cases) EXPECT_EQ(MatchKey(c.text), c.key) << c.text;
  EXPECT_EQ(LooseKey("O`Brien  Jr"), "o'brien jr");
}

TEST(LooseKeyTest, DropsLatinDiacritics) {
  EXPECT_EQ(LooseKey("Đà Nẵng"), "da nang");
  EXPECT_EQ(LooseKey("Thổ Nhĩ Kỳ"), LooseKey("Tho Nhi Ky"));
  EXPECT_EQ(LooseKey("Çanakkale"), LooseKey("canakkale"));
  EXPECT_EQ(LooseKey("Hà"), LooseKey("Hạ"));
  // Arabic keeps its letters.
  EXPECT_EQ(LooseKey("بيروت"), MatchKey("بيروت"));
}

// Found by fuzz_text: a combining mark with no letter before it, between spaces or at the end.
TEST(LooseKeyTest, StraySpacingMarksLeaveOneSpaceAndTheKeyIsStable) {
  for (const std::string s : {"Hội, \u0300 Hội", "Vinh \u0301", "\u0303 Huế", "a \u0300 \u0301 b"}) {
    const std::string once = LooseKey(s);
    EXPECT_EQ(LooseKey(once), once) << s;
    EXPECT_EQ(once.find("  "), std::string::npos) << once;
    EXPECT_FALSE(!once.empty() && (once.front() == ' ' || once.back() == ' ')) << "[" << once << "]";
  }
  EXPECT_EQ(LooseKey("Hội, \u0300 Hội"), LooseKey("Hoi, Hoi"));
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(ArabicCliticTest, StripsConjunctionsPrepositionsAndArticle) {
  struct Case {
    std::string word, expected;
  };
  const Case cases[] = {
      {"والولايات", "الولايات"},  // wa + al
      {"والولايات", "ولايات"},    // article optional
      {"لحماس", "حماس"},          // li
      {"بالقاهرة", "القاهره"},    // bi + al (ta marbuta folded)
      {"للمغرب", "المغرب"},       // li + al with the alef dropped
      {"فالسودان", "السودان"},    // fa + al
      {"كالعراق", "العراق"},      // ka + al
      {"وبغداد", "بغداد"},        // wa
      {"وبغداد", "غداد"},         // wa + bi reading is offered too (longest first wins on match)
  };
  for (const auto& c : cases) {
    const auto v = ArabicCliticVariants(MatchKey(c.word));
    EXPECT_TRUE(Contains(v, MatchKey(c.expected))) << c.word << " -> " << c.expected;
    EXPECT_EQ(v.front(), MatchKey(c.word)) << "the word itself comes first";
  }
}

TEST(ArabicCliticTest, OrdersLongestFirstAndKeepsShortStemsWhole) {
  const auto v = ArabicCliticVariants(MatchKey("والولايات"));
  for (size_t i = 1; i < v.size(); ++i) EXPECT_GE(v[i - 1].size(), v[i].size());
  // A three-letter word is not cut to a two-letter stem.
  const auto w = ArabicCliticVariants(MatchKey("ولد"));
  EXPECT_FALSE(Contains(w, MatchKey("لد")));
}

TEST(ArabicCliticTest, LeavesOtherScriptsAlone) {
  EXPECT_EQ(ArabicCliticVariants("washington"), std::vector<std::string>{"washington"});
  EXPECT_EQ(ArabicCliticVariants("lào"), std::vector<std::string>{"lào"});
  // Arabic punctuation (U+060C, U+061F) shares the letters' lead byte but is no word.
  EXPECT_EQ(ArabicCliticVariants("\u060C"), std::vector<std::string>{"\u060C"});
  EXPECT_EQ(ArabicCliticVariants("\u061F"), std::vector<std::string>{"\u061F"});
}

TEST(ArabicCliticTest, GivesEveryReadingInOrder) {
  // "وللمدينة": wa + li + al (alef dropped); every reading, least stripped first.
  const auto v = ArabicCliticVariants(MatchKey("وللمدينة"));
  const std::vector<std::string> expected = {MatchKey("وللمدينة"), MatchKey("للمدينة"), MatchKey("المدينة"),
                                             MatchKey("مدينة")};
  EXPECT_EQ(v, expected);
}

class TextAnalyzerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = TextAnalyzer::Create();
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    analyzer_ = std::move(a).value();
  }
  std::unique_ptr<TextAnalyzer> analyzer_;
};

TEST_F(TextAnalyzerTest, SplitsMixedScriptSentencesWithByteOffsets) {
  const std::string text =
      "Bão số 3 đổ bộ vào Hải Phòng. Người dân đã sơ tán!\n"
      "وصل الوفد إلى عمّان مساء الخميس. وبدأت المحادثات فوراً؟\n"
      "  Tiêu đề không có dấu chấm  \n"
      "Mr. Smith arrived in the U.S. on Monday.";
  const auto sentences = analyzer_->Sentences(text);
  std::vector<std::string> got;
  for (const auto& s : sentences) got.emplace_back(s.In(text));
  const std::vector<std::string> want = {
      "Bão số 3 đổ bộ vào Hải Phòng.",
      "Người dân đã sơ tán!",
      "وصل الوفد إلى عمّان مساء الخميس.",
      "وبدأت المحادثات فوراً؟",
      "Tiêu đề không có dấu chấm",
      "Mr. Smith arrived in the U.S. on Monday.",
  };
  EXPECT_EQ(got, want);
  // Offsets are bytes into the original text.
  ASSERT_EQ(sentences.size(), want.size());
  EXPECT_EQ(sentences[2].begin, text.find("وصل"));
  EXPECT_EQ(sentences[4].begin, text.find("Tiêu"));
}

TEST_F(TextAnalyzerTest, LineBreaksEndHeadlinesAndCaptions) {
  const std::string text = "Headline without a full stop\r\nCaption: two men shake hands\nBody text.";
  const auto s = analyzer_->Sentences(text);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].In(text), "Headline without a full stop");
  EXPECT_EQ(s[1].In(text), "Caption: two men shake hands");
}

TEST(TextAnalyzerAbbreviationTest, NoSentenceBreakAfterAListedAbbreviation) {
  const std::string text = "Hôm qua GS. Trần Văn Lộc phát biểu. Sau đó Gen. Ortega left.";
  auto plain = TextAnalyzer::Create();
  auto with = TextAnalyzer::Create({"GS.", "Gen."});
  ASSERT_TRUE(plain.ok() && with.ok());
  EXPECT_GT((*plain)->Sentences(text).size(), 2u);
  const auto s = (*with)->Sentences(text);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].In(text), "Hôm qua GS. Trần Văn Lộc phát biểu.");
  EXPECT_EQ(s[1].begin, text.find("Sau"));
}

TEST(TextAnalyzerAbbreviationTest, LoadsTheLanguagesAbbreviations) {
  auto a = LoadAbbreviations(NEWSFLOW_KB_DIR);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(Contains(*a, "Dr.")) << "kb/lang/en/names.json lists it";
  auto none = LoadAbbreviations("/nonexistent");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(TextAnalyzerTest, WordsCarryByteOffsetsKeysAndCapitalization) {
  const std::string text = "Ở Đà Nẵng, ông Lê nói: «سلام».";
  const auto words = analyzer_->Words(text, Span{0, static_cast<uint32_t>(text.size())});
  std::vector<std::string> surfaces;
  for (const auto& w : words) {
    surfaces.emplace_back(w.span.In(text));
    EXPECT_EQ(w.key, MatchKey(w.span.In(text)));
  }
  const std::vector<std::string> want = {"Ở", "Đà", "Nẵng", ",", "ông", "Lê", "nói", ":", "«", "سلام", "»", "."};
  EXPECT_EQ(surfaces, want);
  EXPECT_TRUE(words[1].capitalized);
  EXPECT_FALSE(words[4].capitalized);
  EXPECT_FALSE(words[3].is_word);
  EXPECT_TRUE(words[9].is_word);
  EXPECT_FALSE(words[9].capitalized) << "Arabic has no capitals";
}

TEST_F(TextAnalyzerTest, WordsInsideARangeUseAbsoluteOffsets) {
  const std::string text = "Một câu. Câu hai có Sài Gòn.";
  const auto sentences = analyzer_->Sentences(text);
  ASSERT_EQ(sentences.size(), 2u);
  const auto words = analyzer_->Words(text, sentences[1]);
  ASSERT_GE(words.size(), 5u);
  EXPECT_EQ(words[3].span.In(text), "Sài");
  EXPECT_EQ(words[3].span.begin, text.find("Sài"));
}

TEST_F(TextAnalyzerTest, ZeroWidthAndBidiControlsDoNotSplitAName) {
  const std::string text = "Gặp Erdo\u200Bğan và Ma\u202Eryam.";
  const auto words = analyzer_->Words(text, Span{0, static_cast<uint32_t>(text.size())});
  std::vector<std::string> keys;
  for (const auto& w : words) keys.push_back(w.key);
  EXPECT_TRUE(Contains(keys, MatchKey("Erdoğan")));
  EXPECT_TRUE(Contains(keys, MatchKey("Maryam")));
}

}  // namespace
}  // namespace newsflow::extract
