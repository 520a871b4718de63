#include "text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/bytestream.h>

namespace newsflow::ingest {

std::optional<size_t> FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    // Bounds of the second byte exclude overlong forms (E0 80..9F, F0 80..8F), surrogates
    // (ED A0..BF) and code points above U+10FFFF (F4 90..).
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;  // continuation byte without a lead, C0/C1 overlong leads, F5..FF
    }
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::nullopt;
}

std::optional<size_t> FindControlCharacter(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
  }
  return std::nullopt;
}

Result<std::string> ToNfc(std::string_view s) {
  UErrorCode err = U_ZERO_ERROR;
  // The instance is owned by ICU (a process-wide singleton): nothing to release.
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return Status::Internal(std::string("ICU NFC: ") + u_errorName(err));
  icu::StringPiece piece(s.data(), static_cast<int32_t>(s.size()));
  if (nfc->isNormalizedUTF8(piece, err) && U_SUCCESS(err)) return std::string(s);
  err = U_ZERO_ERROR;
  std::string out;
  out.reserve(s.size());
  icu::StringByteSink<std::string> sink(&out);
  nfc->normalizeUTF8(0, piece, sink, nullptr, err);
  if (U_FAILURE(err)) return Status::Internal(std::string("ICU NFC: ") + u_errorName(err));
  return out;
}

char32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  unsigned char c = p[*i];
  if (c < 0x80) {
    ++*i;
    return c;
  }
  size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  char32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < len && *i + k < s.size(); ++k) cp = (cp << 6) | (p[*i + k] & 0x3F);
  *i += len;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string FoldCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) AppendUtf8(static_cast<char32_t>(u_foldCase(NextCodePoint(s, &i), U_FOLD_CASE_DEFAULT)), &out);
  return out;
}

std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    size_t end = nl == std::string_view::npos ? s.size() : nl;
    std::string_view line = s.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

namespace {
bool IsSpaceOrInvisible(char32_t cp) {
  return u_isUWhiteSpace(static_cast<UChar32>(cp)) || u_charType(static_cast<UChar32>(cp)) == U_FORMAT_CHAR;
}
bool IsWordChar(char32_t cp) {
  UChar32 c = static_cast<UChar32>(cp);
  return u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK || u_charType(c) == U_COMBINING_SPACING_MARK;
}
// Byte length of the code point ending just before `end`.
size_t PrevLength(std::string_view s, size_t end) {
  size_t k = end - 1;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  return end - k;
}
}  // namespace

std::string_view Trim(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    size_t next = b;
    if (!IsSpaceOrInvisible(NextCodePoint(s, &next))) break;
    b = next;
  }
  size_t e = s.size();
  while (e > b) {
    size_t len = PrevLength(s, e);
    size_t at = e - len;
    if (!IsSpaceOrInvisible(NextCodePoint(s, &at))) break;
    e -= len;
  }
  return s.substr(b, e - b);
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0, start = std::string_view::npos;
  while (i < s.size()) {
    size_t at = i;
    char32_t cp = NextCodePoint(s, &i);
    bool word = IsWordChar(cp) || ((cp == '\'' || cp == U'\u2019') && start != std::string_view::npos);
    if (word && start == std::string_view::npos) start = at;
    if (!word && start != std::string_view::npos) {
      out.push_back(s.substr(start, at - start));
      start = std::string_view::npos;
    }
  }
  if (start != std::string_view::npos) out.push_back(s.substr(start));
  return out;
}

size_t CodePointCount(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::optional<size_t> MatchFoldedPrefix(std::string_view line, std::string_view folded_prefix) {
  if (folded_prefix.empty()) return std::nullopt;
  std::string acc;
  size_t i = 0;
  while (i < line.size()) {
    AppendUtf8(static_cast<char32_t>(u_foldCase(NextCodePoint(line, &i), U_FOLD_CASE_DEFAULT)), &acc);
    if (acc.size() > folded_prefix.size() || folded_prefix.compare(0, acc.size(), acc) != 0) return std::nullopt;
    if (acc.size() == folded_prefix.size()) {
      if (i < line.size()) {
        // "Date" must not match "Dates": a prefix ending in a letter must end a word.
        size_t next = i;
        const char32_t after = NextCodePoint(line, &next);
        size_t last_at = folded_prefix.size() - PrevLength(folded_prefix, folded_prefix.size());
        const char32_t last = NextCodePoint(folded_prefix, &last_at);
        if (IsWordChar(after) && IsWordChar(last)) return std::nullopt;
      }
      return i;
    }
  }
  return std::nullopt;
}

std::string AsciiDigits(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp = NextCodePoint(s, &i);
    if (cp >= 0x0660 && cp <= 0x0669) cp = '0' + (cp - 0x0660);
    else if (cp >= 0x06F0 && cp <= 0x06F9) cp = '0' + (cp - 0x06F0);
    AppendUtf8(cp, &out);
  }
  return out;
}

}  // namespace newsflow::ingest
