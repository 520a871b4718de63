#include "newsflow/extract/text.h"

#include <nlohmann/json.hpp>
#include <unicode/brkiter.h>
#include <unicode/filteredbrk.h>
#include <unicode/normalizer2.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <fstream>
#include <memory>

namespace newsflow::extract {
namespace {

// RAII for the ICU C handle used by segmentation (deleter next to the type); break iterators are
// ICU C++ objects owned by std::unique_ptr.
using UTextPtr = std::unique_ptr<UText, decltype(&utext_close)>;

// Characters that carry no letters but may sit inside a name: zero-width spaces / joiners,
// bidi embeddings and overrides, the Arabic letter mark, soft hyphen, BOM.
bool IsInvisible(UChar32 c) {
  return c == 0x00AD || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF || c == 0x061C;
}

// Arabic harakat, Quranic annotation marks and tatweel: vocalization, not spelling.
bool IsArabicMark(UChar32 c) {
  return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED) ||
         c == 0x0640 || (c >= 0x0610 && c <= 0x061A);
}

// Spelling variants that do not change an Arabic name, folded to one letter.
UChar32 FoldArabic(UChar32 c) {
  switch (c) {
    case 0x0622: case 0x0623: case 0x0625: case 0x0671: case 0x0672: case 0x0673:
      return 0x0627;  // alef with hamza / madda / wasla -> bare alef
    case 0x0629: case 0x06C0: return 0x0647;  // ta marbuta -> ha
    case 0x0649: case 0x06CC: case 0x0626: return 0x064A;  // alef maqsura, Farsi ya, ya-hamza -> ya
    case 0x0624: return 0x0648;  // waw-hamza -> waw
    case 0x06A9: return 0x0643;  // keheh -> kaf
    default: return c;
  }
}

UChar32 FoldPunctuation(UChar32 c) {
  switch (c) {
    case 0x2018: case 0x2019: case 0x02BC: case 0x0060: case 0x2032: case 0x00B4:
      return '\'';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212:
      return '-';
    default: return c;
  }
}

icu::UnicodeString Nfc(const icu::UnicodeString& in) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  if (U_FAILURE(st)) return in;
  icu::UnicodeString out = nfc->normalize(in, st);
  return U_FAILURE(st) ? in : out;
}

// True when `utf8` (well-formed) is in NFC: ICU's quick check, exact for NFC.
bool IsNfc(std::string_view utf8) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  if (U_FAILURE(st)) return false;
  const bool yes = nfc->isNormalizedUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), st);
  return U_SUCCESS(st) && yes;
}

std::string ToUtf8(const icu::UnicodeString& u) {
  std::string s;
  u.toUTF8String(s);
  return s;
}

}  // namespace

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c >= 0) out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

std::string EncodeUtf8(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) {
    uint8_t buf[4];
    int32_t len = 0;
    UBool err = false;
    U8_APPEND(buf, len, 4, static_cast<UChar32>(c), err);
    if (!err) out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
  }
  return out;
}

namespace {

// True when every code point of `s` satisfies `pred` (and `s` is not empty).
template <typename Pred>
bool AllCodePoints(std::string_view s, Pred pred) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (!pred(c)) return false;
  }
  return n > 0;
}

bool IsSpaceToken(std::string_view s) {
  return AllCodePoints(s, [](UChar32 c) { return u_isUWhiteSpace(c) || IsInvisible(c); });
}

bool IsInvisibleOnly(std::string_view s) { return AllCodePoints(s, IsInvisible); }

// First visible letter is upper- or titlecase.
bool StartsCapitalized(std::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0 || IsInvisible(c)) continue;
    return u_isupper(c) || u_istitle(c);
  }
  return false;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  if (s.size() > static_cast<size_t>(INT32_MAX)) return false;
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) return false;  // U8_NEXT rejects overlongs, surrogates and > U+10FFFF
  }
  return true;
}

Result<std::string> NormalizeNfc(std::string_view utf8) {
  if (!IsValidUtf8(utf8)) return Status::InvalidArgument("malformed UTF-8");
  // Ingest delivers NFC bodies: a quick check spares the round trip through UTF-16.
  if (IsNfc(utf8)) return std::string(utf8);
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  if (U_FAILURE(st)) return Status::Internal(std::string("ICU NFC: ") + u_errorName(st));
  const auto in = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString out = nfc->normalize(in, st);
  if (U_FAILURE(st)) return Status::Internal(std::string("ICU NFC: ") + u_errorName(st));
  return ToUtf8(out);
}

namespace {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void AppendUtf8(std::string& out, UChar32 c) {
  char buf[4];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, c);
  out.append(buf, static_cast<size_t>(n));
}

// MatchKey of pure ASCII text (nearly every English token, many Vietnamese ones): ASCII is NFC,
// has no invisible characters or Arabic marks, and folds by lowercasing A-Z; the one punctuation
// fold is the backtick. Same result as the general path, without ICU strings.
std::string AsciiMatchKey(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char ch : text) {
    if (u_isUWhiteSpace(static_cast<unsigned char>(ch))) {
      pending_space = !out.empty();
      continue;
    }
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    else if (ch == '`') ch = '\'';
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(ch);
  }
  return out;
}

}  // namespace

std::string MatchKey(std::string_view text) {
  if (IsAscii(text)) return AsciiMatchKey(text);
  // Works on NFC UTF-8. The extractor's text is NFC already (it normalizes the body once), so the
  // conversion through UTF-16 is only for text that is not (or not well-formed: ICU reads a
  // malformed sequence as U+FFFD).
  std::string normalized;
  std::string_view in = text;
  if (!IsValidUtf8(text) || !IsNfc(text)) {
    normalized = ToUtf8(Nfc(icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<int32_t>(text.size())))));
    in = normalized;
  }
  std::string out;
  out.reserve(in.size());
  bool pending_space = false;
  const int32_t n = static_cast<int32_t>(in.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(in.data()), i, n, c);
    if (c < 0) c = 0xFFFD;
    if (IsInvisible(c) || IsArabicMark(c)) continue;
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    // Turkish dotted capital I and dotless i fold to plain i (default case folding would
    // give i + combining dot for İ and keep ı).
    if (c == 0x0130 || c == 0x0131) c = 'i';
    c = FoldPunctuation(FoldArabic(c));
    c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
    if (pending_space) out.push_back(' ');
    pending_space = false;
    AppendUtf8(out, c);
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  // Removing marks and folding can leave a sequence that composes differently.
  if (IsNfc(out)) return out;
  return ToUtf8(Nfc(icu::UnicodeString::fromUTF8(icu::StringPiece(out.data(), static_cast<int32_t>(out.size())))));
}

std::string LooseKey(std::string_view text) {
  std::string strict = MatchKey(text);
  // An ASCII key has no diacritics to drop (and MatchKey already collapsed its spaces).
  if (IsAscii(strict)) return strict;
  const auto key = icu::UnicodeString::fromUTF8(strict);
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(st);
  if (U_FAILURE(st)) return ToUtf8(key);
  const icu::UnicodeString d = nfd->normalize(key, st);
  if (U_FAILURE(st)) return ToUtf8(key);
  icu::UnicodeString out;
  for (int32_t i = 0; i < d.length();) {
    UChar32 c = d.char32At(i);
    i += U16_LENGTH(c);
    // Combining marks on Latin letters are Vietnamese / Turkish diacritics; on Arabic letters
    // they are already gone (MatchKey folded hamza forms and removed harakat).
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    // A mark removed between two spaces ("a \u0300 b") must not leave two: keep the key collapsed
    // as MatchKey made it, so that LooseKey(LooseKey(x)) == LooseKey(x).
    if (c == ' ' && (out.isEmpty() || out.charAt(out.length() - 1) == u' ')) continue;
    if (c == 0x0111) c = 'd';       // đ has no decomposition
    else if (c == 0x00F8) c = 'o';  // ø
    else if (c == 0x0142) c = 'l';  // ł
    out.append(c);
  }
  if (!out.isEmpty() && out.charAt(out.length() - 1) == u' ') out.truncate(out.length() - 1);
  return ToUtf8(Nfc(out));
}

namespace {

// Code points in UTF-8 text: the bytes that do not continue a sequence.
size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::vector<std::string> ArabicCliticVariants(std::string_view key) {
  // Arabic letters U+0620..U+06FF are two-byte sequences led by 0xD8 (0xA0 and up) .. 0xDB: no
  // further work otherwise (nearly every key of vi / en text).
  const auto starts_arabic = [](std::string_view s) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    return s.size() >= 2 && byte(0) >= 0xD8 && byte(0) <= 0xDB && (byte(0) > 0xD8 || byte(1) >= 0xA0);
  };
  if (!starts_arabic(key)) return {std::string(key)};
  // The clitics are single Arabic letters, so the forms are built by cutting and prepending their
  // two-byte UTF-8 sequences; lengths are counted in code points. Malformed input is first
  // cleaned the way DecodeUtf8 reads it (keys from MatchKey are always well-formed).
  const std::string w = IsValidUtf8(key) ? std::string(key) : EncodeUtf8(DecodeUtf8(key));
  if (!starts_arabic(w)) return {std::string(key)};
  static constexpr std::string_view kAlef = "\xD8\xA7", kLam = "\xD9\x84", kWaw = "\xD9\x88", kFa = "\xD9\x81",
                                    kBa = "\xD8\xA8", kKaf = "\xD9\x83", kArticle = "\xD8\xA7\xD9\x84";
  const auto starts = [](std::string_view f, std::string_view letter) { return f.substr(0, letter.size()) == letter; };
  // Every reading starts by removing one of these letters (or the article, which starts with
  // alef): most words start with none of them and have no other reading.
  if (!starts(w, kWaw) && !starts(w, kFa) && !starts(w, kBa) && !starts(w, kKaf) && !starts(w, kLam) &&
      !starts(w, kArticle))
    return {w};
  // A stripped form keeps at least this many letters: shorter remainders are more often
  // a different word than a name with its clitic removed.
  constexpr size_t kMinStem = 3;
  std::vector<std::string> forms{w};
  forms.reserve(8);  // at most: the word, without its conjunction, and three per base below
  auto add = [&](std::string_view f) {
    if (CodePoints(f) >= kMinStem && std::find(forms.begin(), forms.end(), f) == forms.end()) forms.emplace_back(f);
  };
  auto strip_article = [&](std::string_view f) {
    if (CodePoints(f) > 2 && starts(f, kArticle)) add(f.substr(kArticle.size()));
  };
  // The word, and without its conjunction و / ف (views into w).
  const std::string_view whole = w;
  std::string_view bases[2] = {whole, {}};
  if (CodePoints(whole) > kMinStem && (starts(whole, kWaw) || starts(whole, kFa))) {
    bases[1] = whole.substr(2);
    add(bases[1]);
  }
  for (const std::string_view b : bases) {
    if (CodePoints(b) < 2) continue;  // also the absent second base
    if (starts(b, kLam) && starts(b.substr(2), kLam)) {
      // لل = preposition ل + article ال with its alef dropped.
      std::string with_article(kAlef);
      with_article += b.substr(2);
      add(with_article);
      strip_article(with_article);
    } else if (starts(b, kBa) || starts(b, kKaf) || starts(b, kLam)) {
      const std::string_view rest = b.substr(2);
      add(rest);
      strip_article(rest);
    }
    strip_article(b);
  }
  // Longest form first, so the least-stripped reading wins when several match: a stable insertion
  // sort (a handful of forms; std::stable_sort would allocate a buffer).
  for (size_t i = 2; i < forms.size(); ++i)
    for (size_t j = i; j > 1 && CodePoints(forms[j - 1]) < CodePoints(forms[j]); --j) std::swap(forms[j - 1], forms[j]);
  return forms;
}

struct TextAnalyzer::Impl {
  std::unique_ptr<icu::BreakIterator> sentences;
  std::unique_ptr<icu::BreakIterator> words;
};

TextAnalyzer::TextAnalyzer() : impl_(std::make_unique<Impl>()) {}
TextAnalyzer::~TextAnalyzer() = default;

Result<std::unique_ptr<TextAnalyzer>> TextAnalyzer::Create() { return Create({}); }

Result<std::unique_ptr<TextAnalyzer>> TextAnalyzer::Create(const std::vector<std::string>& abbreviations) {
  std::unique_ptr<TextAnalyzer> a(new TextAnalyzer());  // private constructor: make_unique cannot reach it
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> plain(icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), st));
  if (U_FAILURE(st) || !plain) return Status::Internal(std::string("ICU sentence iterator: ") + u_errorName(st));
  // ICU's English suppressions ("Mr.", "U.S.") plus the languages' own abbreviations.
  std::unique_ptr<icu::FilteredBreakIteratorBuilder> filter(
      icu::FilteredBreakIteratorBuilder::createInstance(icu::Locale::getEnglish(), st));
  if (U_FAILURE(st) || !filter) return Status::Internal(std::string("ICU sentence filter: ") + u_errorName(st));
  for (const auto& abbr : abbreviations) {
    filter->suppressBreakAfter(icu::UnicodeString::fromUTF8(abbr), st);
    if (U_FAILURE(st)) return Status::InvalidArgument("bad abbreviation \"" + abbr + "\"");
  }
  a->impl_->sentences.reset(filter->wrapIteratorWithFilter(plain.release(), st));
  if (U_FAILURE(st) || !a->impl_->sentences) return Status::Internal(std::string("ICU sentence filter: ") + u_errorName(st));
  a->impl_->words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), st));
  if (U_FAILURE(st) || !a->impl_->words) return Status::Internal(std::string("ICU word iterator: ") + u_errorName(st));
  return a;
}

Result<std::vector<std::string>> LoadAbbreviations(const std::filesystem::path& kb_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  const auto lang_dir = kb_dir / "lang";
  if (!std::filesystem::is_directory(lang_dir, ec)) return out;
  std::vector<std::filesystem::path> files;
  for (const auto& d : std::filesystem::directory_iterator(lang_dir, ec)) {
    if (std::filesystem::exists(d.path() / "names.json", ec)) files.push_back(d.path() / "names.json");
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    try {
      const auto j = nlohmann::json::parse(in);
      for (const auto& a : j.value("abbreviations", nlohmann::json::array())) out.push_back(a.get<std::string>());
    } catch (const nlohmann::json::exception& e) {
      return Status::InvalidArgument(f.string() + ": " + e.what());
    }
  }
  return out;
}

namespace {

// Runs `bi` over text[begin, end) (UTF-8 UText: break positions are byte offsets) and calls
// f(segment_begin, segment_end, rule_status) with absolute byte offsets.
template <typename F>
void ForEachSegment(icu::BreakIterator& bi, std::string_view text, uint32_t begin, uint32_t end, F&& f) {
  UErrorCode st = U_ZERO_ERROR;
  UTextPtr ut(utext_openUTF8(nullptr, text.data() + begin, static_cast<int64_t>(end - begin), &st),
              &utext_close);
  if (U_FAILURE(st)) return;
  bi.setText(ut.get(), st);  // the iterator keeps its own shallow clone of the UText
  if (U_FAILURE(st)) return;
  int32_t prev = bi.first();
  for (int32_t next = bi.next(); next != icu::BreakIterator::DONE; prev = next, next = bi.next()) {
    f(begin + static_cast<uint32_t>(prev), begin + static_cast<uint32_t>(next), bi.getRuleStatus());
  }
}

bool IsLineBreak(std::string_view text, size_t i, size_t* len) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  if (c == '\n' || c == '\r') { *len = 1; return true; }
  // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR, U+0085 NEL.
  if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
    *len = 3;
    return true;
  }
  if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) { *len = 2; return true; }
  return false;
}

// Shrinks [b, e) past surrounding whitespace and invisible characters.
Span Trim(std::string_view text, uint32_t b, uint32_t e) {
  while (b < e) {
    int32_t i = static_cast<int32_t>(b);
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, static_cast<int32_t>(e), c);
    if (c >= 0 && !u_isUWhiteSpace(c) && !IsInvisible(c)) break;
    b = static_cast<uint32_t>(i);
  }
  while (e > b) {
    int32_t i = static_cast<int32_t>(e);
    UChar32 c;
    U8_PREV(reinterpret_cast<const uint8_t*>(text.data()), static_cast<int32_t>(b), i, c);
    if (c >= 0 && !u_isUWhiteSpace(c) && !IsInvisible(c)) break;
    e = static_cast<uint32_t>(i);
  }
  return Span{b, e};
}

}  // namespace

std::vector<Span> TextAnalyzer::Sentences(std::string_view text) {
  std::vector<Span> out;
  size_t line_begin = 0;
  auto flush_line = [&](size_t b, size_t e) {
    if (e <= b) return;
    ForEachSegment(*impl_->sentences, text, static_cast<uint32_t>(b), static_cast<uint32_t>(e),
                   [&](uint32_t sb, uint32_t se, int32_t) {
                     const Span s = Trim(text, sb, se);
                     if (!s.empty()) out.push_back(s);
                   });
  };
  for (size_t i = 0; i < text.size();) {
    size_t len = 0;
    if (IsLineBreak(text, i, &len)) {
      flush_line(line_begin, i);
      i += len;
      line_begin = i;
    } else {
      ++i;
    }
  }
  flush_line(line_begin, text.size());
  return out;
}

std::vector<Token> TextAnalyzer::Words(std::string_view text, Span range) {
  std::vector<Token> out;
  if (range.end > text.size() || range.empty()) return out;
  // ICU splits a word at a zero-width space; a name with one inside is still one word, so an
  // invisible-only segment between two words glues them back together.
  bool glue_next = false;
  ForEachSegment(*impl_->words, text, range.begin, range.end,
                 [&](uint32_t b, uint32_t e, int32_t status) {
                   const std::string_view seg = text.substr(b, e - b);
                   if (IsInvisibleOnly(seg)) {
                     glue_next = !out.empty() && out.back().is_word;
                     if (glue_next) out.back().span.end = e;
                     return;
                   }
                   if (IsSpaceToken(seg)) {
                     glue_next = false;
                     return;
                   }
                   const bool is_word = status >= UBRK_WORD_NONE_LIMIT;
                   if (glue_next && is_word) {
                     out.back().span.end = e;
                   } else {
                     Token t;
                     t.span = Span{b, e};
                     t.is_word = is_word;
                     t.capitalized = is_word && StartsCapitalized(seg);
                     out.push_back(std::move(t));
                   }
                   glue_next = false;
                 });
  for (auto& t : out) t.key = MatchKey(t.span.In(text));
  return out;
}

}  // namespace newsflow::extract
