#include "metadata.h"

#include <re2/re2.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <chrono>

#include "text.h"

namespace newsflow::ingest {
namespace {

// Metadata lines sit at the top or the bottom of an article; scanning the middle only adds
// chances to mistake a sentence for one.
constexpr size_t kHeadLines = 15, kTailLines = 10;
// A headline is at most this long (code points / words); longer first lines are lead paragraphs.
constexpr size_t kMaxTitleChars = 250, kMaxTitleWords = 35;
// An outlet name is short.
constexpr size_t kMaxOutletChars = 60, kMaxOutletWords = 6, kMaxCreditWords = 5;

bool IsSeparator(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  return u_isUWhiteSpace(c) || u_charType(c) == U_FORMAT_CHAR || cp == ':' || cp == ',' || cp == '-' ||
         cp == U'\u2013' || cp == U'\u2014' || cp == '|' || cp == '(' || cp == ')' || cp == U'\u060C' /* ، */ ||
         cp == '.';
}

// Skips separators from `pos`; returns the new position.
size_t SkipSeparators(std::string_view s, size_t pos) {
  while (pos < s.size()) {
    size_t next = pos;
    if (!IsSeparator(NextCodePoint(s, &next))) break;
    pos = next;
  }
  return pos;
}

bool StartsWithWord(std::string_view s, std::string_view word) {
  if (!s.starts_with(word)) return false;
  if (s.size() == word.size()) return true;
  size_t i = word.size();
  const auto next = static_cast<UChar32>(NextCodePoint(s, &i));
  return !u_isalnum(next);
}

int DaysIn(int year, int month) {
  using namespace std::chrono;
  return static_cast<int>(
      static_cast<unsigned>(year_month_day_last(std::chrono::year(year), month_day_last(std::chrono::month(month))).day()));
}

std::optional<CivilDate> Make(int y, int m, int d) {
  if (y < 1900 || y > 2200) return std::nullopt;
  if (m == 0) return CivilDate{y, 0, 0, v1::DATE_PRECISION_YEAR};
  if (m < 1 || m > 12) return std::nullopt;
  if (d == 0) return CivilDate{y, m, 0, v1::DATE_PRECISION_MONTH};
  if (d < 1 || d > DaysIn(y, m)) return std::nullopt;
  return CivilDate{y, m, d, v1::DATE_PRECISION_DAY};
}

// Matches a marker at the start of a trimmed line; returns the rest of the line after it.
std::optional<std::pair<std::string_view, const Marker*>> AfterMarker(std::string_view line,
                                                                      const std::vector<Marker>& markers) {
  for (const auto& m : markers)
    if (auto n = MatchFoldedPrefix(line, m.folded)) return std::make_pair(line.substr(*n), &m);
  return std::nullopt;
}

}  // namespace

std::optional<CivilDate> ParseDatePrefix(std::string_view input, const ArticleCues& cues, NumericOrder order,
                                         std::string* remainder) {
  static const LazyRE2 kYmd = {R"((\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b)"};
  static const LazyRE2 kXxY = {R"((\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b)"};
  static const LazyRE2 kTime = {R"(\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)"};
  static const LazyRE2 kNumber = {R"((\d{1,4}))"};
  const std::string text = AsciiDigits(FoldCase(input));
  std::string_view s = text;
  int year = 0, month = 0, day = 0;
  size_t pos = 0;
  for (int tokens = 0; tokens < 10 && year == 0; ++tokens) {
    pos = SkipSeparators(s, pos);
    if (pos >= s.size()) break;
    re2::StringPiece rest(s.data() + pos, s.size() - pos);
    int a = 0, b = 0, c = 0;
    if (month == 0 && day == 0 && RE2::Consume(&rest, *kYmd, &a, &b, &c)) {
      if (remainder) *remainder = std::string(rest.data(), rest.size());
      return Make(a, b, c);
    }
    if (month == 0 && day == 0 && RE2::Consume(&rest, *kXxY, &a, &b, &c)) {
      if (remainder) *remainder = std::string(rest.data(), rest.size());
      // Day-first unless the language writes month first; a part above 12 settles it either way.
      const bool month_first = b > 12 || (a <= 12 && order == NumericOrder::kMonthDayYear);
      return month_first ? Make(c, a, b) : Make(c, b, a);
    }
    if (RE2::Consume(&rest, *kTime)) {
      pos = static_cast<size_t>(rest.data() - s.data());
      continue;
    }
    std::string_view here = s.substr(pos);
    bool matched = false;
    for (const auto& [name, num] : cues.months) {
      if (month == 0 && StartsWithWord(here, name)) {
        month = num;
        pos += name.size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    for (const auto& prefix : cues.month_prefixes) {
      if (month != 0 || !StartsWithWord(here, prefix)) continue;
      re2::StringPiece after(here.data() + prefix.size(), here.size() - prefix.size());
      size_t skipped = SkipSeparators(std::string_view(after.data(), after.size()), 0);
      after.remove_prefix(skipped);
      if (int m = 0; RE2::Consume(&after, *kNumber, &m) && m >= 1 && m <= 12) {
        month = m;
        pos = static_cast<size_t>(after.data() - s.data());
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (int n = 0; RE2::Consume(&rest, *kNumber, &n)) {
      const size_t digits = static_cast<size_t>(rest.data() - (s.data() + pos));
      pos = static_cast<size_t>(rest.data() - s.data());
      for (const auto& suffix : cues.ordinal_suffixes)
        if (StartsWithWord(s.substr(pos), suffix)) {
          pos += suffix.size();
          break;
        }
      if (digits == 4) year = n;
      else if (day == 0 && n >= 1 && n <= 31) day = n;
      else return std::nullopt;
      continue;
    }
    // A filler word ("ngày", "of", a weekday) is skipped; any other word ends the date.
    auto words = Words(here);
    if (words.empty() || words[0].data() != here.data() || !cues.date_fillers.count(std::string(words[0]))) break;
    pos += words[0].size();
  }
  if (year == 0) return std::nullopt;
  if (month == 0 && day != 0) return std::nullopt;  // "6 2025": not a date
  if (remainder) *remainder = std::string(s.substr(std::min(pos, s.size())));
  return Make(year, month, day);
}

std::optional<CivilDate> FindPublicationDate(const std::vector<std::string_view>& lines, const ArticleCues& cues,
                                             NumericOrder unmarked_order) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i >= kHeadLines && i + kTailLines < lines.size()) continue;
    std::string_view line = Trim(lines[i]);
    auto m = AfterMarker(line, cues.date_markers);
    if (!m) continue;
    if (auto d = ParseDatePrefix(m->first, cues, cues.numeric_order[m->second->language])) return d;
  }
  // No marker: a short line near the top that is nothing but a full date, maybe with a weekday,
  // a time and a zone ("Thứ năm, 6/11/2025, 10:32 (GMT+7)", "Thursday 6 November 2025 14:05 GMT").
  static const LazyRE2 kTimeAndZone = {
      R"([\s,|()\-\x{2013}\x{2014}]*(?:\d{1,2}[:h]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)?[\s,|()]*)"
      R"((?:(?:gmt|utc)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?)?[\s().]*)"};
  constexpr size_t kMaxDateLineWords = 10;
  for (size_t i = 0; i < std::min(lines.size(), kHeadLines); ++i) {
    std::string_view line = Trim(lines[i]);
    if (line.empty() || Words(line).size() > kMaxDateLineWords) continue;
    std::string rest;
    auto d = ParseDatePrefix(line, cues, unmarked_order, &rest);
    if (d && d->precision == v1::DATE_PRECISION_DAY && RE2::FullMatch(rest, *kTimeAndZone)) return d;
  }
  return std::nullopt;
}

std::optional<size_t> FindTitleLine(const std::vector<std::string_view>& lines, const ArticleCues& cues) {
  size_t i = 0;
  while (i < lines.size() && Trim(lines[i]).empty()) ++i;
  if (i >= lines.size()) return std::nullopt;
  // An article of a single line has no title: the line is the body.
  size_t next = i + 1;
  while (next < lines.size() && Trim(lines[next]).empty()) ++next;
  if (next >= lines.size()) return std::nullopt;
  std::string_view line = Trim(lines[i]);
  const auto words = Words(line);
  if (words.size() < 2 || words.size() > kMaxTitleWords || CodePointCount(line) > kMaxTitleChars) return std::nullopt;
  // A sentence ends with a period; an ellipsis ("...", "…") still reads as a headline.
  const bool period = line.ends_with(".") && !line.ends_with("..");
  if (period || line.ends_with(":") || line.ends_with("\u06D4")) return std::nullopt;
  if (AfterMarker(line, cues.date_markers) || AfterMarker(line, cues.outlet_markers)) return std::nullopt;
  // A short line that starts with a date ("6 November 2025, 10:32") is metadata.
  if (words.size() <= 6 && ParseDatePrefix(line, cues, NumericOrder::kDayMonthYear)) return std::nullopt;
  bool has_letter = false;
  for (auto w : words) {
    size_t k = 0;
    has_letter = has_letter || u_isalpha(static_cast<UChar32>(NextCodePoint(w, &k)));
  }
  if (!has_letter) return std::nullopt;
  return i;
}

namespace {
// "© 2000 - 2025 Outlet (www.outlet.com)." -> "Outlet".
std::string_view CleanOutlet(std::string_view s) {
  static const LazyRE2 kLeadingYears = {R"(^(?:©|\(c\)|\s|\d{4}|[-–—,])+)"};
  re2::StringPiece p(s.data(), s.size());
  RE2::Consume(&p, *kLeadingYears);
  std::string_view out(p.data(), p.size());
  out = Trim(out);
  if (out.ends_with(")") || out.ends_with(").")) {
    const size_t open = out.rfind('(');
    if (open != std::string_view::npos && open > 0) out = Trim(out.substr(0, open));
  }
  while (!out.empty() && (out.back() == '.' || out.back() == ',')) out = Trim(out.substr(0, out.size() - 1));
  return out;
}

bool PlausibleOutlet(std::string_view s, size_t max_words) {
  if (s.empty() || CodePointCount(s) > kMaxOutletChars) return false;
  const auto words = Words(s);
  if (words.empty() || words.size() > max_words) return false;
  size_t k = 0;
  return u_isalpha(static_cast<UChar32>(NextCodePoint(words[0], &k)));
}
// Names are capitalized where the script has case: "Read more" is not an outlet, "Al Jazeera" is.
bool NameCased(std::string_view s) {
  size_t lower = 0, n = 0;
  for (auto w : Words(s)) {
    size_t k = 0;
    const bool is_lower = u_islower(static_cast<UChar32>(NextCodePoint(w, &k)));
    if (n++ == 0 && is_lower) return false;
    lower += is_lower;
  }
  return 2 * lower < n;
}
}  // namespace

namespace {

// "Source: X", "Nguồn X", "المصدر: X", "© 2024 X": the last such line wins (a source line at the
// end is more specific than a copyright line above it).
std::string OutletFromMarkerLines(const std::vector<std::string_view>& lines, const ArticleCues& cues,
                                  std::optional<size_t> skip) {
  std::string found;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (skip && *skip == i) continue;
    std::string_view line = Trim(lines[i]);
    auto m = AfterMarker(line, cues.outlet_markers);
    if (!m) continue;
    std::string_view rest = m->first;
    const size_t start = SkipSeparators(rest, 0);
    const bool explicit_separator = rest.substr(0, start).find_first_of(":-|") != std::string_view::npos ||
                                    rest.substr(0, start).find("\u2013") != std::string_view::npos;
    rest = CleanOutlet(rest.substr(start));
    if (!PlausibleOutlet(rest, kMaxOutletWords)) continue;
    // "Source said ..." is prose: without a colon the outlet must start like a name.
    size_t k = 0;
    if (!explicit_separator && u_islower(static_cast<UChar32>(NextCodePoint(rest, &k)))) continue;
    found = std::string(rest);
  }
  return found;
}

// A trailing credit line: "Anews/Reuters.", "(AFP)", an outlet's name alone on the last line.
std::string OutletFromTrailingCredit(const std::vector<std::string_view>& lines, std::optional<size_t> skip) {
  for (size_t i = lines.size(); i-- > 0;) {
    std::string_view line = Trim(lines[i]);
    if (line.empty()) continue;
    if (skip && *skip == i) break;
    if (line.ends_with("?") || line.ends_with("!") || line.ends_with(":")) break;
    if (line.front() == '(' && line.back() == ')') line = Trim(line.substr(1, line.size() - 2));
    std::string_view cleaned = CleanOutlet(line);
    const bool credit_shape = line.find('/') != std::string_view::npos || !line.ends_with(".");
    if (credit_shape && PlausibleOutlet(cleaned, kMaxCreditWords) && NameCased(cleaned)) return std::string(cleaned);
    break;
  }
  return "";
}

// Capitalized words at the start of `s` ("TTXVN tại Tel Aviv" -> "TTXVN"), at most `max_words`.
std::string_view LeadingName(std::string_view s, size_t max_words) {
  s = Trim(s);
  size_t end = 0, words = 0, pos = 0;
  while (pos < s.size() && words < max_words) {
    size_t token_end = s.find(' ', pos);
    if (token_end == std::string_view::npos) token_end = s.size();
    std::string_view token = s.substr(pos, token_end - pos);
    while (!token.empty() && std::string_view(",.;:)").find(token.back()) != std::string_view::npos)
      token.remove_suffix(1);
    size_t k = 0;
    const auto first = token.empty() ? 0 : static_cast<UChar32>(NextCodePoint(token, &k));
    if (token.empty() || !u_isalnum(first) || u_islower(first)) break;
    end = pos + token.size();
    ++words;
    if (token.size() != token_end - pos) break;  // punctuation after the word ends the name
    pos = token_end + 1;
  }
  return s.substr(0, end);
}

// The lead paragraph names the supplier: a wire dateline "GAZA (Reuters) - ..." or an inline
// phrase from the kb ("Theo phóng viên TTXVN tại ...").
std::string OutletFromLead(const std::vector<std::string_view>& lines, const ArticleCues& cues,
                           std::optional<size_t> skip) {
  static const LazyRE2 kDateline = {R"(^[^()]{0,80}?\(([^()]{2,40})\)\s*(?:-|\x{2013}|\x{2014}|:))"};
  constexpr size_t kLeadLines = 5;
  size_t seen = 0;
  for (size_t i = 0; i < lines.size() && seen < kLeadLines; ++i) {
    std::string_view line = Trim(lines[i]);
    if (line.empty() || (skip && *skip == i)) continue;
    ++seen;
    std::string name;
    // Datelines open the first paragraph only; later "(...) -" are asides.
    if (seen == 1 && RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *kDateline, &name) &&
        PlausibleOutlet(Trim(name), kMaxCreditWords) && NameCased(Trim(name)))
      return std::string(Trim(name));
    for (size_t pos = 0; pos < line.size();) {
      const size_t at = pos;
      const char32_t cp = NextCodePoint(line, &pos);
      if (at > 0) {
        size_t prev = at - 1;
        while (prev > 0 && (static_cast<unsigned char>(line[prev]) & 0xC0) == 0x80) --prev;
        if (u_isalnum(static_cast<UChar32>(NextCodePoint(line, &prev)))) continue;
      }
      if (u_isUWhiteSpace(static_cast<UChar32>(cp))) continue;
      for (const auto& m : cues.inline_outlet_markers) {
        auto n = MatchFoldedPrefix(line.substr(at), m.folded);
        if (!n) continue;
        std::string_view found = LeadingName(line.substr(at + *n), 3);
        if (PlausibleOutlet(found, 3)) return std::string(found);
      }
    }
  }
  return "";
}

}  // namespace

std::string FindOutlet(const std::vector<std::string_view>& lines, const ArticleCues& cues, std::optional<size_t> skip) {
  if (std::string o = OutletFromMarkerLines(lines, cues, skip); !o.empty()) return o;
  if (std::string o = OutletFromTrailingCredit(lines, skip); !o.empty()) return o;
  return OutletFromLead(lines, cues, skip);
}

}  // namespace newsflow::ingest
