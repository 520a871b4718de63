// Date expressions, driven by kb/lang/<lang>/dates.json.
//
// How it works: at Load() every language's lexicon is turned into a small grammar of "forms"
// (numeric d/m/y, day + month name, month + year, weekday, relative word, ...). Each form is one
// RE2 with named groups; their union, without groups, is the "finder" that scans a sentence in a
// single linear-time DFA pass. Only where the finder matches are the forms tried, anchored on the
// exact match, to read the groups. Word boundaries and licensing (does "1/3" read as a date?) are
// checked in code, because RE2's \b is ASCII-only and the rules look at neighbouring characters.
//
// Arabic letter variants (أ/ا, ة/ه, ى/ي) and harakat are tolerated on the pattern side (a variant
// becomes a character class, marks become optional), so offsets stay offsets into the original
// text and nothing is copied; captured words are looked up through Fold(), which applies the same
// equivalences. Fold() is local to this file; text.cc's MatchKey can replace it once it exists.
#include "newsflow/extract/dates.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

namespace newsflow::extract {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

// A partial date read against the publication date may lie this far after it: articles announce
// scheduled events ("the summit on 5/1" in a paper of 28/12 is the coming January). Past events
// 11+ months old are almost always written with their year, so the window costs little. Against
// the ingest clock there is no window: the clock is an upper bound of the (unknown) publication
// date, often well after it for back-filled feeds, so a future reading would mostly be wrong.
constexpr int kFutureGraceDays = 31;
// Plausible years for a 4-digit number read as a year (Hijri years like 1446 fall outside).
constexpr int kMinYear = 1500;
constexpr int kMaxYear = 2199;

enum class Dir { kNone, kPast, kNext };

enum class Form {
  kIso,           // 2026-01-25
  kDmy,           // 20/12/2025, 20.12.2025
  kDm,            // 20/12
  kDayMonth,      // ngày 9 tháng 10 năm 2025, التاسع من أكتوبر, 6th November 2025
  kMonthDay,      // November 6, 2025 (languages with month_day_order)
  kMonthYear,     // tháng 10/2025, أكتوبر 2025
  kMonth,         // cuối tháng 9, أواخر سبتمبر, أكتوبر الماضي
  kYear,          // năm 2025, عام 2023
  kRelDay,        // hôm qua, أمس الجمعة
  kRelMonth,      // الشهر الماضي
  kDayRelMonth,   // التاسع من الشهر الجاري
  kRelYear,       // năm ngoái
  kWeekday,       // يوم السبت, last Saturday
};

constexpr Form kForms[] = {Form::kIso,      Form::kDmy,      Form::kDm,          Form::kDayMonth,
                           Form::kMonthDay, Form::kMonthYear, Form::kMonth,      Form::kYear,
                           Form::kRelDay,   Form::kRelMonth,  Form::kDayRelMonth, Form::kRelYear,
                           Form::kWeekday};

bool IsNumericForm(Form f) { return f == Form::kIso || f == Form::kDmy || f == Form::kDm; }

// ---------------------------------------------------------------------------------------------
// UTF-8 helpers.

std::string EncodeCp(UChar32 c) {
  char buf[4];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, c);
  return std::string(buf, static_cast<size_t>(n));
}

UChar32 CpAt(std::string_view s, size_t i) {
  int32_t j = static_cast<int32_t>(i);
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), j, static_cast<int32_t>(s.size()), c);
  return c;
}

// Start of the code point before byte offset i (i > 0).
size_t PrevStart(std::string_view s, size_t i) {
  int32_t j = static_cast<int32_t>(i);
  UChar32 c;
  U8_PREV(reinterpret_cast<const uint8_t*>(s.data()), 0, j, c);
  (void)c;
  return static_cast<size_t>(j);
}

size_t NextStart(std::string_view s, size_t i) {
  int32_t j = static_cast<int32_t>(i);
  U8_FWD_1(reinterpret_cast<const uint8_t*>(s.data()), j, static_cast<int32_t>(s.size()));
  return static_cast<size_t>(j);
}

bool IsWordChar(UChar32 c) {
  return c >= 0 && (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) != 0;
}
bool IsDigit(UChar32 c) { return c >= 0 && u_charDigitValue(c) >= 0 && u_isdigit(c); }
bool IsSpace(UChar32 c) { return c >= 0 && (u_isUWhiteSpace(c) || c == 0x200F || c == 0x200E); }

size_t SkipSpaces(std::string_view s, size_t i, size_t end) {
  while (i < end && IsSpace(CpAt(s, i))) i = NextStart(s, i);
  return i;
}
size_t SkipSpacesBack(std::string_view s, size_t i, size_t begin) {
  while (i > begin) {
    size_t p = PrevStart(s, i);
    if (!IsSpace(CpAt(s, p))) break;
    i = p;
  }
  return i;
}

// Decimal value of a run of digits in any script (ASCII, ٠-٩, ۰-۹, ...); -1 if not digits.
int ParseNumber(std::string_view s) {
  int v = 0;
  for (size_t i = 0; i < s.size(); i = NextStart(s, i)) {
    const int d = u_charDigitValue(CpAt(s, i));
    if (d < 0 || v > 100000) return -1;
    v = v * 10 + d;
  }
  return s.empty() ? -1 : v;
}

// ---------------------------------------------------------------------------------------------
// Folding: the equivalence the patterns tolerate, applied to captured words before lookup.

class Folder {
 public:
  void AddVariants(const std::vector<std::string>& group) {
    if (group.empty()) return;
    const UChar32 canon = CpAt(group[0], 0);
    std::string cls;
    for (const auto& g : group) cls += g;
    for (const auto& g : group) {
      canon_[CpAt(g, 0)] = canon;
      class_[CpAt(g, 0)] = "[" + cls + "]";
    }
  }
  void SetIgnorable(std::string_view marks) {
    for (size_t i = 0; i < marks.size(); i = NextStart(marks, i)) ignorable_.insert(CpAt(marks, i));
    if (!marks.empty()) ignorable_class_ = "[" + std::string(marks) + "]*";
  }

  // Case-folded, variants unified, ignorable marks dropped, whitespace runs -> one space.
  std::string Fold(std::string_view s) const {
    std::string out;
    bool space = false;
    for (size_t i = 0; i < s.size(); i = NextStart(s, i)) {
      UChar32 c = CpAt(s, i);
      if (c < 0 || ignorable_.count(c)) continue;
      if (IsSpace(c)) {
        space = !out.empty();
        continue;
      }
      if (space) out += ' ';
      space = false;
      c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
      if (auto it = canon_.find(c); it != canon_.end()) c = it->second;
      out += EncodeCp(c);
    }
    return out;
  }

  // RE2 source matching `word` and its variants; whitespace inside a word matches any run.
  std::string ToRegex(std::string_view word, std::string_view space) const {
    // Marks are tolerated at the end of each word only (tanween: غداً): mid-word harakat are rare
    // in news, and a mark class after every letter makes the submatch programs several times
    // slower.
    std::string re;
    bool in_space = false;
    for (size_t i = 0; i < word.size(); i = NextStart(word, i)) {
      const UChar32 c = CpAt(word, i);
      if (IsSpace(c)) {
        if (!in_space) re += ignorable_class_ + std::string(space);
        in_space = true;
        continue;
      }
      in_space = false;
      if (auto it = class_.find(c); it != class_.end()) {
        re += it->second;
      } else {
        re += RE2::QuoteMeta(EncodeCp(c));
      }
    }
    return re + ignorable_class_;
  }

 private:
  std::unordered_map<UChar32, UChar32> canon_;
  std::unordered_map<UChar32, std::string> class_;
  std::set<UChar32> ignorable_;
  std::string ignorable_class_;
};

// ---------------------------------------------------------------------------------------------
// One language's lexicon, as read from its dates.json.

using Valued = std::vector<std::pair<std::string, int>>;

struct Lexicon {
  std::set<std::string> case_sensitive;  // categories matched as written ("months", "weekdays")
  bool month_first_fallback = false;
  bool month_day_order = false;
  bool bare_months = false;
  std::vector<std::vector<std::string>> letter_variants;
  std::string ignorable_marks;
  std::vector<std::string> proclitics;
  Valued months, weekdays, weekdays_cued, ordinals, relative_days, relative_months, relative_years;
  std::vector<std::string> prepositions, day_words, weekday_cues, month_words, connectors,
      year_words, qualifiers, day_suffixes, year_suffixes, marker_blockers;
  std::vector<std::pair<std::string, Dir>> markers_before, markers_after;
};

Result<Lexicon> ParseLexicon(const nlohmann::json& j) {
  Lexicon lx;
  try {
    auto list = [&](const char* key) {
      std::vector<std::string> v;
      if (j.contains(key)) v = j.at(key).get<std::vector<std::string>>();
      return v;
    };
    auto valued = [&](const char* key) {
      Valued v;
      if (!j.contains(key)) return v;
      for (const auto& [k, words] : j.at(key).items()) {
        const int n = std::stoi(k);
        for (const auto& w : words) v.emplace_back(w.get<std::string>(), n);
      }
      return v;
    };
    auto markers = [&](const char* key) {
      std::vector<std::pair<std::string, Dir>> v;
      if (!j.contains(key)) return v;
      for (const auto& w : j.at(key).value("past", std::vector<std::string>{})) v.emplace_back(w, Dir::kPast);
      for (const auto& w : j.at(key).value("next", std::vector<std::string>{})) v.emplace_back(w, Dir::kNext);
      return v;
    };
    for (const auto& c : list("case_sensitive")) lx.case_sensitive.insert(c);
    lx.month_first_fallback = j.value("month_first_fallback", false);
    lx.month_day_order = j.value("month_day_order", false);
    lx.bare_months = j.value("bare_months", false);
    if (j.contains("letter_variants")) {
      lx.letter_variants = j.at("letter_variants").get<std::vector<std::vector<std::string>>>();
    }
    lx.ignorable_marks = j.value("ignorable_marks", std::string());
    lx.proclitics = list("proclitics");
    lx.months = valued("months");
    lx.weekdays = valued("weekdays");
    lx.weekdays_cued = valued("weekdays_cued");
    lx.ordinals = valued("ordinals");
    lx.relative_days = valued("relative_days");
    lx.relative_months = valued("relative_months");
    lx.relative_years = valued("relative_years");
    lx.prepositions = list("prepositions");
    lx.day_words = list("day_words");
    lx.weekday_cues = list("weekday_cues");
    lx.month_words = list("month_words");
    lx.connectors = list("connectors");
    lx.year_words = list("year_words");
    lx.qualifiers = list("qualifiers");
    lx.day_suffixes = list("day_suffixes");
    lx.year_suffixes = list("year_suffixes");
    lx.marker_blockers = list("marker_blockers");
    lx.markers_before = markers("markers_before");
    lx.markers_after = markers("markers_after");
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("malformed date lexicon: ") + e.what());
  }
  for (const auto& [w, n] : lx.months) {
    if (n < 1 || n > 12) return Status::InvalidArgument("month number out of range for '" + w + "'");
  }
  for (const auto* v : {&lx.weekdays, &lx.weekdays_cued}) {
    for (const auto& [w, n] : *v) {
      if (n < 1 || n > 7) return Status::InvalidArgument("weekday must be 1 (Monday) .. 7: '" + w + "'");
    }
  }
  for (const auto& [w, n] : lx.ordinals) {
    if (n < 1 || n > 31) return Status::InvalidArgument("ordinal day out of range for '" + w + "'");
  }
  return lx;
}

// ---------------------------------------------------------------------------------------------
// A language's compiled grammar.

// Whitespace as written in news text (NBSP and narrow NBSP included; RE2's \s is ASCII-only).
constexpr std::string_view kSp = R"([\s\x{00A0}\x{202F}\x{200E}\x{200F}]+)";
constexpr std::string_view kOsp = R"([\s\x{00A0}\x{202F}\x{200E}\x{200F}]*)";
// Matches nothing: stands in for an empty word list so every form stays well-formed.
constexpr std::string_view kNever = R"([^\x00-\x{10FFFF}])";

struct Grammar {
  Lexicon lx;
  Folder folder;
  std::unique_ptr<RE2> finder;
  struct FormRe {
    Form form;
    std::unique_ptr<RE2> re;
    std::vector<std::pair<std::string, int>> groups;  // name -> index, scanned (a dozen at most)
  };
  std::vector<FormRe> forms;
  // All forms, anchored at both ends: one DFA pass tells which forms match a finder hit, so
  // submatch extraction runs only for those.
  std::unique_ptr<RE2::Set> form_set;
  std::unordered_map<std::string, int> month, weekday, ordinal, rel_day, rel_month, rel_year;
  std::unordered_map<std::string, Dir> marker_before, marker_after;
  std::set<std::string> proclitics, blockers;

  std::string Alt(const std::vector<std::string>& words, bool case_sensitive) const {
    std::vector<std::string> res;
    for (const auto& w : words) {
      if (!w.empty()) res.push_back(folder.ToRegex(w, kSp));
    }
    if (res.empty()) return std::string(kNever);
    std::sort(res.begin(), res.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size() || (a.size() == b.size() && a < b); });
    res.erase(std::unique(res.begin(), res.end()), res.end());
    std::string out = case_sensitive ? "(?:" : "(?i:";
    for (size_t i = 0; i < res.size(); ++i) out += (i ? "|" : "") + res[i];
    return out + ")";
  }
  template <typename Pairs>
  std::string AltOf(const Pairs& pairs, const char* category) const {
    std::vector<std::string> words;
    for (const auto& p : pairs) words.push_back(p.first);
    return Alt(words, lx.case_sensitive.count(category) > 0);
  }
  std::string AltOf(const std::vector<std::string>& words, const char* category) const {
    return Alt(words, lx.case_sensitive.count(category) > 0);
  }
};

// The words of each slot, as RE2 alternations.
struct Slots {
  std::string prep, dw, wcue, mon1, ord, suf, conn, mw, yw, qual, mb, ma, reld, relm, rely, wf, wc, ysuf;
};

// Source of one form; named groups when `cap`, plain groups for the finder.
std::string FormSource(Form f, const Slots& t, bool cap, bool month_day_order) {
  auto G = [cap](const char* name, const std::string& body) {
    return cap ? "(?P<" + std::string(name) + ">" + body + ")" : "(?:" + body + ")";
  };
  const std::string sp(kSp), osp(kOsp);
  const std::string nd2 = R"(\p{Nd}{1,2})", nd4 = R"(\p{Nd}{4})";
  const std::string ysuf = "(?:" + t.ysuf + ")?";  // era letter written after a year: 2023م
  const std::string prep = "(?:" + G("prep", t.prep) + sp + ")?";
  const std::string dws = G("dw", "(?:" + t.dw + sp + "){1,2}") + "?";
  const std::string quals = G("q", "(?:" + t.qual + "(?:" + sp + "|-)){1,2}") + "?";
  const std::string monx = G("mon", t.mon1) + "(?:" + osp + "/" + osp + t.mon1 + "|" + osp + "\\(" + osp + t.mon1 + osp +
                           "\\))?";
  const std::string day = "(?:" + G("d", nd2) + "(?:" + t.suf + ")?|" + G("ord", t.ord) + ")";
  const std::string yeartail = "(?:" + osp + "[,/]" + osp + "|" + sp + ")(?:" + t.conn + sp + ")?(?:" + t.yw + sp +
                               ")?" + G("y", nd4) + ysuf;
  const std::string after = sp + "(?:" + G("ma", t.ma) + "|" + G("ry", t.rely) + ")";
  const std::string anyweekday = "(?:" + t.wf + "|" + t.wc + ")";
  switch (f) {
    case Form::kIso:
      return G("y", nd4) + G("s1", "[-/.]") + G("m", nd2) + G("s2", "[-/.]") + G("d", nd2);
    case Form::kDmy:
      return prep + dws + G("d", nd2) + G("s1", "[-/.]") + G("m", nd2) + G("s2", "[-/.]") + G("y", nd4) + ysuf;
    case Form::kDm:
      return prep + dws + G("d", nd2) + G("s1", "[/-]") + G("m", nd2) + "(?:" + sp + G("ma", t.ma) + ")?";
    case Form::kDayMonth:
      return prep + dws + day + osp + ",?" + osp + "(?:" + t.conn + sp + ")?" + monx + "(?:" + yeartail + "|" +
             after + ")?";
    case Form::kMonthDay:
      if (!month_day_order) return std::string(kNever);
      return prep + "(?:" + G("mb", t.mb) + sp + ")?" + monx + osp + G("d", nd2) + "(?:" + t.suf + ")?" + "(?:" +
             osp + "," + osp + G("y", nd4) + "|" + sp + G("y2", nd4) + ")?" + ysuf;
    case Form::kMonthYear:
      return prep + quals + "(?:" + t.mw + sp + ")?" + monx + yeartail;
    case Form::kMonth:
      return prep + quals + G("mw", "(?:" + t.mw + sp + ")") + "?" + "(?:" + G("mb", t.mb) + sp + ")?" + monx +
             "(?:" + after + ")?";
    case Form::kYear:
      return prep + quals + G("yw", "(?:" + t.conn + sp + ")?" + t.yw + sp) + "?" + G("y", nd4) + ysuf;
    case Form::kRelDay:
      return prep + G("wq", "(?:" + t.wcue + sp + "){1,2}") + "?" + G("rd", t.reld) + "(?:" + sp + "(?:" + t.wcue +
             sp + ")?" + anyweekday + ")?";
    case Form::kRelMonth:
      return prep + quals + G("rm", t.relm);
    case Form::kDayRelMonth:
      return prep + dws + day + osp + ",?" + osp + G("c", "(?:" + t.conn + sp + ")") + "?" + G("rm", t.relm);
    case Form::kRelYear:
      return prep + quals + G("ry", t.rely);
    case Form::kWeekday:
      return prep + G("wq", "(?:" + t.wcue + sp + "){1,2}") + "?" + "(?:" + G("mb", t.mb) + sp + ")?" + "(?:" +
             G("wf", t.wf) + "|" + G("wc", t.wc) + ")" + "(?:" + sp + G("ma", t.ma) + ")?";
  }
  return std::string(kNever);
}

RE2::Options PatternOptions() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingUTF8);
  o.set_longest_match(true);  // "ngày 9 tháng 10 năm 2025" over "ngày 9 tháng 10"
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

Result<std::unique_ptr<Grammar>> BuildGrammar(Lexicon lexicon) {
  auto g = std::make_unique<Grammar>();
  g->lx = std::move(lexicon);
  const Lexicon& lx = g->lx;
  for (const auto& group : lx.letter_variants) g->folder.AddVariants(group);
  g->folder.SetIgnorable(lx.ignorable_marks);

  auto index = [&](const Valued& v, std::unordered_map<std::string, int>& m) {
    for (const auto& [w, n] : v) m.emplace(g->folder.Fold(w), n);
  };
  index(lx.months, g->month);
  index(lx.weekdays, g->weekday);
  index(lx.weekdays_cued, g->weekday);
  index(lx.ordinals, g->ordinal);
  index(lx.relative_days, g->rel_day);
  index(lx.relative_months, g->rel_month);
  index(lx.relative_years, g->rel_year);
  for (const auto& [w, d] : lx.markers_before) g->marker_before.emplace(g->folder.Fold(w), d);
  for (const auto& [w, d] : lx.markers_after) g->marker_after.emplace(g->folder.Fold(w), d);
  for (const auto& p : lx.proclitics) g->proclitics.insert(g->folder.Fold(p));
  for (const auto& b : lx.marker_blockers) g->blockers.insert(g->folder.Fold(b));

  Slots t;
  t.prep = g->AltOf(lx.prepositions, "prepositions");
  t.dw = g->AltOf(lx.day_words, "day_words");
  t.wcue = g->AltOf(lx.weekday_cues, "weekday_cues");
  t.mon1 = g->AltOf(lx.months, "months");
  t.ord = g->AltOf(lx.ordinals, "ordinals");
  t.suf = g->AltOf(lx.day_suffixes, "day_suffixes");
  t.conn = g->AltOf(lx.connectors, "connectors");
  t.mw = g->AltOf(lx.month_words, "month_words");
  t.yw = g->AltOf(lx.year_words, "year_words");
  t.qual = g->AltOf(lx.qualifiers, "qualifiers");
  t.mb = g->AltOf(lx.markers_before, "markers");
  t.ma = g->AltOf(lx.markers_after, "markers");
  t.reld = g->AltOf(lx.relative_days, "relative");
  t.relm = g->AltOf(lx.relative_months, "relative");
  t.rely = g->AltOf(lx.relative_years, "relative");
  t.wf = g->AltOf(lx.weekdays, "weekdays");
  t.ysuf = g->AltOf(lx.year_suffixes, "year_suffixes");
  t.wc = g->Alt([&] {
    std::vector<std::string> w;
    for (const auto& p : lx.weekdays_cued) w.push_back(p.first);
    return w;
  }(), /*case_sensitive=*/false);

  std::string union_src;
  g->form_set = std::make_unique<RE2::Set>(PatternOptions(), RE2::ANCHOR_BOTH);
  for (Form f : kForms) {
    const std::string src = FormSource(f, t, /*cap=*/true, lx.month_day_order);
    auto re = std::make_unique<RE2>(src, PatternOptions());
    if (!re->ok()) return Status::Internal("date pattern does not compile: " + re->error().substr(0, 200));
    std::vector<std::pair<std::string, int>> groups(re->NamedCapturingGroups().begin(),
                                                    re->NamedCapturingGroups().end());
    g->forms.push_back({f, std::move(re), std::move(groups)});
    const std::string plain = FormSource(f, t, /*cap=*/false, lx.month_day_order);
    union_src += (union_src.empty() ? "(?:" : "|(?:") + plain + ")";
    std::string err;
    if (g->form_set->Add(plain, &err) != static_cast<int>(g->forms.size()) - 1) {
      return Status::Internal("date form set: " + err.substr(0, 200));
    }
  }
  if (!g->form_set->Compile()) return Status::Internal("date form set does not compile");
  RE2::Options fo = PatternOptions();
  fo.set_never_capture(true);
  g->finder = std::make_unique<RE2>(union_src, fo);
  if (!g->finder->ok()) return Status::Internal("date finder does not compile: " + g->finder->error().substr(0, 200));
  return g;
}

// ---------------------------------------------------------------------------------------------
// Resolution against the reference date.

std::optional<CivilDate> ResolveDayMonth(unsigned m, unsigned d, const CivilDate& ref, Dir dir, int grace) {
  const int ry = static_cast<int>(ref.year());
  const sys_days r{ref};
  std::optional<CivilDate> best;
  // A wide window so that 29/2 finds a leap year.
  for (int y = ry - 8; y <= ry + 8; ++y) {
    const CivilDate c{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!c.ok()) continue;
    const sys_days s{c};
    switch (dir) {
      case Dir::kNone:
        if (s <= r + days{grace}) best = c;  // ascending: keeps the latest
        break;
      case Dir::kPast:
        if (s <= r) best = c;
        break;
      case Dir::kNext:
        if (s > r && !best) best = c;
        break;
    }
  }
  return best;
}

CivilDate ResolveMonth(unsigned m, const CivilDate& ref, Dir dir, int grace) {
  const int ry = static_cast<int>(ref.year());
  const unsigned rm = static_cast<unsigned>(ref.month());
  int y = ry;
  switch (dir) {
    case Dir::kNone: {
      const CivilDate first{std::chrono::year{ry}, std::chrono::month{m}, std::chrono::day{1}};
      const CivilDate next_year{std::chrono::year{ry + 1}, std::chrono::month{m}, std::chrono::day{1}};
      if (sys_days{next_year} <= sys_days{ref} + days{grace}) {
        y = ry + 1;
      } else if (sys_days{first} > sys_days{ref} + days{grace}) {
        y = ry - 1;
      }
      break;
    }
    case Dir::kPast: y = m < rm ? ry : ry - 1; break;
    case Dir::kNext: y = m > rm ? ry : ry + 1; break;
  }
  return CivilDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{1}};
}

CivilDate ResolveWeekday(unsigned iso, const CivilDate& ref, Dir dir) {
  const sys_days r{ref};
  const unsigned today = std::chrono::weekday{r}.iso_encoding();
  if (dir == Dir::kNext) {
    unsigned ahead = (iso + 7 - today) % 7;
    if (ahead == 0) ahead = 7;
    return CivilDate{r + days{ahead}};
  }
  unsigned back = (today + 7 - iso) % 7;
  if (back == 0 && dir == Dir::kPast) back = 7;
  return CivilDate{r - days{back}};
}

CivilDate AddMonths(const CivilDate& d, int n) {
  const auto ym = std::chrono::year_month{d.year(), d.month()} + std::chrono::months{n};
  return CivilDate{ym.year(), ym.month(), std::chrono::day{1}};
}

// ---------------------------------------------------------------------------------------------
// Matching.

struct Found {
  DateMention m;
  Form form;
};

}  // namespace

struct DateParser::Impl {
  std::map<std::string, std::unique_ptr<Grammar>> grammars;
  std::unique_ptr<Grammar> numeric_only;  // for languages without a lexicon

  const Grammar& For(const std::string& lang) const {
    auto it = grammars.find(lang);
    return it != grammars.end() ? *it->second : *numeric_only;
  }
};

namespace {

class Matcher {
 public:
  Matcher(const Grammar& g, std::string_view text, const DateContext& ctx)
      : g_(g), text_(text), ctx_(ctx), ref_(ctx.published ? *ctx.published : ctx.clock) {}

  // The mention read from exactly [b, e), if the text there is a date. `consumed` is set when the
  // text there is a well-delimited date-like expression even if not a valid date ("31/4/2025"),
  // so the caller skips it whole instead of re-reading its tail ("4/2025").
  std::optional<Found> Interpret(size_t b, size_t e, bool* consumed, int depth = 0) const {
    constexpr int kMaxGroups = 24;
    re2::StringPiece groups[kMaxGroups];
    std::vector<int> hits;
    if (!g_.form_set->Match(text_.substr(b, e - b), &hits)) return std::nullopt;
    std::sort(hits.begin(), hits.end());  // forms in priority order
    for (const int h : hits) {
      const auto& fr = g_.forms[static_cast<size_t>(h)];
      const int n = std::min(1 + fr.re->NumberOfCapturingGroups(), kMaxGroups);
      if (!fr.re->Match(text_, b, e, RE2::ANCHOR_BOTH, groups, n)) continue;
      auto get = [&](std::string_view name) -> std::string_view {
        for (const auto& [gname, i] : fr.groups) {
          if (gname == name) {
            return i < n && groups[i].data() != nullptr ? std::string_view(groups[i].data(), groups[i].size())
                                                        : std::string_view();
          }
        }
        return {};
      };
      if (auto f = Read(fr.form, b, e, get, consumed, depth)) return f;
    }
    return std::nullopt;
  }

 private:
  template <typename Get>
  std::optional<Found> Read(Form form, size_t b, size_t e, const Get& get, bool* consumed, int depth) const {
    if (!BoundaryOk(form, b, e)) return std::nullopt;
    *consumed = true;
    // A marker that is really a preposition ("từ tháng 10 tới tháng 12", "tới nay"): drop it.
    if (const auto ma = get("ma"); !ma.empty() && depth == 0 && MarkerIsConnector(Offset(ma) + ma.size(), e)) {
      const size_t e2 = SkipSpacesBack(text_, Offset(ma), b);
      return e2 > b ? Interpret(b, e2, consumed, depth + 1) : std::nullopt;
    }
    const bool has_prep = !get("prep").empty();
    Found f{};
    f.form = form;
    f.m.span = {static_cast<uint32_t>(has_prep ? SkipSpaces(text_, Offset(get("prep")) + get("prep").size(), e) : b),
                static_cast<uint32_t>(e)};
    const bool pub = ctx_.published.has_value();
    const auto partial = pub ? v1::DATE_RESOLUTION_PARTIAL_PUBLICATION : v1::DATE_RESOLUTION_PARTIAL_CLOCK;
    const auto relative = pub ? v1::DATE_RESOLUTION_RELATIVE_PUBLICATION : v1::DATE_RESOLUTION_RELATIVE_CLOCK;
    const int grace = pub ? kFutureGraceDays : 0;
    const Dir dir = MarkerDir(get("mb"), get("ma"));
    const int rel_year = Lookup(g_.rel_year, get("ry"), 0);

    auto explicit_date = [&](int y, int m, int d) -> std::optional<Found> {
      const CivilDate c{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                        std::chrono::day{static_cast<unsigned>(d)}};
      if (y < kMinYear || y > kMaxYear || m < 1 || m > 12 || d < 1 || !c.ok()) return std::nullopt;
      f.m.date = c;
      return f;
    };
    auto partial_day = [&](int m, int d) -> std::optional<Found> {
      if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
      std::optional<CivilDate> c;
      if (!get("ry").empty()) {
        c = CivilDate{ref_.year() + std::chrono::years{rel_year}, std::chrono::month{static_cast<unsigned>(m)},
                      std::chrono::day{static_cast<unsigned>(d)}};
        if (!c->ok()) c.reset();
      } else {
        c = ResolveDayMonth(static_cast<unsigned>(m), static_cast<unsigned>(d), ref_, dir, grace);
      }
      if (!c) return std::nullopt;
      f.m.date = *c;
      f.m.resolution = partial;
      f.m.year_inferred = true;
      return f;
    };
    auto day_value = [&]() {
      return !get("d").empty() ? ParseNumber(get("d")) : Lookup(g_.ordinal, get("ord"), -1);
    };

    switch (form) {
      case Form::kIso:
        if (get("s1") != get("s2")) return std::nullopt;
        return explicit_date(ParseNumber(get("y")), ParseNumber(get("m")), ParseNumber(get("d")));
      case Form::kDmy: {
        if (get("s1") != get("s2")) return std::nullopt;
        const int d = ParseNumber(get("d")), m = ParseNumber(get("m")), y = ParseNumber(get("y"));
        if (auto r = explicit_date(y, m, d)) return r;
        return g_.lx.month_first_fallback ? explicit_date(y, d, m) : std::nullopt;
      }
      case Form::kDm: {
        const int d = ParseNumber(get("d")), m = ParseNumber(get("m"));
        // Bare "1/3" is as likely a fraction; a day no month number can be (20/12) is a date.
        const bool cued = has_prep || !get("dw").empty() || Parenthesized(b, e);
        // "ngày 20-12" is a date (some outlets' house style); a bare "2-1" is a score.
        if (!cued && (d <= 12 || get("s1") == "-")) return std::nullopt;
        if (m >= 1 && m <= 12) return partial_day(m, d);
        return cued && g_.lx.month_first_fallback ? partial_day(d, m) : std::nullopt;
      }
      case Form::kDayMonth:
      case Form::kMonthDay: {
        const int d = day_value(), m = Lookup(g_.month, get("mon"), -1);
        std::string_view y = get("y");
        if (y.empty()) y = get("y2");
        if (!y.empty()) return explicit_date(ParseNumber(y), m, d);
        return partial_day(m, d);
      }
      case Form::kMonthYear: {
        const int m = Lookup(g_.month, get("mon"), -1), y = ParseNumber(get("y"));
        if (m < 1 || y < kMinYear || y > kMaxYear) return std::nullopt;
        f.m.date = CivilDate{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)}, std::chrono::day{1}};
        f.m.precision = v1::DATE_PRECISION_MONTH;
        return f;
      }
      case Form::kMonth: {
        const bool licensed = g_.lx.bare_months || has_prep || !get("q").empty() || !get("mw").empty() ||
                              !get("mb").empty() || !get("ma").empty() || !get("ry").empty();
        const int m = Lookup(g_.month, get("mon"), -1);
        if (!licensed || m < 1) return std::nullopt;
        f.m.date = !get("ry").empty()
                       ? CivilDate{ref_.year() + std::chrono::years{rel_year}, std::chrono::month{static_cast<unsigned>(m)},
                                   std::chrono::day{1}}
                       : ResolveMonth(static_cast<unsigned>(m), ref_, dir, grace);
        f.m.precision = v1::DATE_PRECISION_MONTH;
        f.m.resolution = partial;
        f.m.year_inferred = true;
        return f;
      }
      case Form::kYear: {
        const int y = ParseNumber(get("y"));
        const bool worded = !get("q").empty() || !get("yw").empty();
        // "in 2025," licenses the year; "đến 2000 người" (up to 2000 people) does not.
        const bool prep_only = has_prep && !worded && FollowedByPunctuationOrEnd(e);
        if (!(worded || prep_only) || y < kMinYear || y > kMaxYear) return std::nullopt;
        f.m.date = CivilDate{std::chrono::year{y}, std::chrono::January, std::chrono::day{1}};
        f.m.precision = v1::DATE_PRECISION_YEAR;
        return f;
      }
      case Form::kRelDay: {
        const int off = Lookup(g_.rel_day, get("rd"), 1000);
        if (off == 1000) return std::nullopt;
        f.m.date = CivilDate{sys_days{ref_} + days{off}};
        return Relative(f, relative);
      }
      case Form::kRelMonth:
      case Form::kDayRelMonth: {
        const int off = Lookup(g_.rel_month, get("rm"), 1000);
        // "2 tháng trước" is "two months ago", not "last month".
        if (off == 1000 || PrecededByNumber(b)) return std::nullopt;
        const CivilDate month = AddMonths(ref_, off);
        f.m.date = month;
        f.m.precision = v1::DATE_PRECISION_MONTH;
        if (form == Form::kRelMonth) return Relative(f, relative);
        if (get("dw").empty() && get("ord").empty() && get("c").empty()) return std::nullopt;
        const int d = day_value();
        const CivilDate c{month.year(), month.month(), std::chrono::day{static_cast<unsigned>(std::max(d, 0))}};
        if (d < 1 || !c.ok()) return std::nullopt;
        f.m.date = c;
        f.m.precision = v1::DATE_PRECISION_DAY;
        f.m.resolution = relative;
        f.m.year_inferred = true;
        return f;
      }
      case Form::kRelYear: {
        if (PrecededByNumber(b)) return std::nullopt;
        f.m.date = CivilDate{ref_.year() + std::chrono::years{rel_year}, std::chrono::January, std::chrono::day{1}};
        f.m.precision = v1::DATE_PRECISION_YEAR;
        return Relative(f, relative);
      }
      case Form::kWeekday: {
        const bool free = !get("wf").empty();
        const bool cued = has_prep || !get("wq").empty() || !get("mb").empty() || !get("ma").empty();
        if (!free && !cued) return std::nullopt;
        const int w = Lookup(g_.weekday, free ? get("wf") : get("wc"), -1);
        if (w < 1) return std::nullopt;
        f.m.date = ResolveWeekday(static_cast<unsigned>(w), ref_, dir);
        return Relative(f, relative);
      }
    }
    return std::nullopt;
  }

  static std::optional<Found> Relative(Found f, v1::DateResolution r) {
    f.m.resolution = r;
    f.m.year_inferred = true;
    f.m.absolute = false;
    return f;
  }

  size_t Offset(std::string_view part) const { return static_cast<size_t>(part.data() - text_.data()); }

  int Lookup(const std::unordered_map<std::string, int>& m, std::string_view word, int missing) const {
    if (word.empty()) return missing;
    auto it = m.find(g_.folder.Fold(word));
    return it == m.end() ? missing : it->second;
  }

  Dir MarkerDir(std::string_view before, std::string_view after) const {
    for (auto [word, table] : {std::pair{before, &g_.marker_before}, std::pair{after, &g_.marker_after}}) {
      if (word.empty()) continue;
      if (auto it = table->find(g_.folder.Fold(word)); it != table->end()) return it->second;
    }
    return Dir::kNone;
  }

  // Word boundaries (RE2's \b is ASCII-only). Arabic proclitics (و ف ب ل ...) may be attached in
  // front. Numbers must not continue into other numbers: "1.20/12", "20/12.5", "3/4/56".
  bool BoundaryOk(Form form, size_t b, size_t e) const {
    if (b > 0) {
      const size_t p = PrevStart(text_, b);
      const UChar32 c = CpAt(text_, p);
      if (IsWordChar(c) && !ProcliticBefore(b)) return false;
      if (IsNumericForm(form) && (c == '/' || ((c == '.' || c == '-' || c == ':' || c == ',') && p > 0 &&
                                                IsDigit(CpAt(text_, PrevStart(text_, p)))))) {
        return false;
      }
    }
    if (e < text_.size()) {
      const UChar32 c = CpAt(text_, e);
      if (IsWordChar(c)) return false;
      const bool ends_in_digit = IsDigit(CpAt(text_, PrevStart(text_, e)));
      if (ends_in_digit) {
        if (c == '/' || c == '-' || c == ':' || c == '%') return false;
        const size_t n = NextStart(text_, e);
        if ((c == '.' || c == ',') && n < text_.size() && IsDigit(CpAt(text_, n))) return false;
      }
    }
    return true;
  }

  // One or two letters before `b` that are a proclitic standing at the start of a word.
  bool ProcliticBefore(size_t b) const {
    if (g_.proclitics.empty()) return false;
    size_t s = b;
    for (int letters = 0; letters < 2 && s > 0; ++letters) {
      s = PrevStart(text_, s);
      if (!IsWordChar(CpAt(text_, s))) return false;
      const bool word_start = s == 0 || !IsWordChar(CpAt(text_, PrevStart(text_, s)));
      if (word_start && g_.proclitics.count(g_.folder.Fold(text_.substr(s, b - s)))) return true;
    }
    return false;
  }

  bool Parenthesized(size_t b, size_t e) const {
    const size_t pb = SkipSpacesBack(text_, b, 0);
    const size_t pe = SkipSpaces(text_, e, text_.size());
    return (pb > 0 && text_[pb - 1] == '(') || (pe < text_.size() && text_[pe] == ')');
  }

  bool PrecededByNumber(size_t b) const {
    const size_t p = SkipSpacesBack(text_, b, 0);
    return p > 0 && IsDigit(CpAt(text_, PrevStart(text_, p)));
  }

  bool FollowedByPunctuationOrEnd(size_t e) const {
    const size_t p = SkipSpaces(text_, e, text_.size());
    return p >= text_.size() || !IsWordChar(CpAt(text_, p));
  }

  // True when what follows a marker shows it is a preposition: another date expression or a
  // blocker word ("nay" in "tới nay" = until now).
  bool MarkerIsConnector(size_t marker_end, size_t e) const {
    if (marker_end != e) return false;
    const size_t p = SkipSpaces(text_, e, text_.size());
    if (p == e || p >= text_.size()) return false;
    for (const auto& blocker : g_.blockers) {
      // Blockers are short: compare the folded next words of the same byte length or so.
      const size_t len = std::min(text_.size() - p, blocker.size() + 8);
      const std::string next = g_.folder.Fold(text_.substr(p, len));
      if (next.compare(0, blocker.size(), blocker) == 0 &&
          (next.size() == blocker.size() || !IsWordChar(CpAt(next, blocker.size())))) {
        return true;
      }
    }
    re2::StringPiece m;
    return g_.finder->Match(text_, p, text_.size(), RE2::ANCHOR_START, &m, 1) && !m.empty();
  }

  const Grammar& g_;
  std::string_view text_;
  const DateContext& ctx_;
  CivilDate ref_;
};

// Only spaces and light punctuation between a weekday and a date: "thứ Bảy (20/12)",
// "Saturday, December 20", "السبت، 20 ديسمبر".
bool AdjacentGap(std::string_view text, uint32_t from, uint32_t to) {
  if (to < from) return false;
  for (size_t i = from; i < to; i = NextStart(text, i)) {
    const UChar32 c = CpAt(text, i);
    if (!IsSpace(c) && c != ',' && c != '(' && c != ')' && c != '-' && c != 0x060C && c != 0x2013 && c != 0x2014) {
      return false;
    }
  }
  return to - from <= 8;
}

}  // namespace

DateParser::DateParser() : impl_(std::make_unique<Impl>()) {}
DateParser::DateParser(PassKey) : DateParser() {}
DateParser::~DateParser() = default;

Result<std::unique_ptr<DateParser>> DateParser::Load(const std::filesystem::path& kb_dir) {
  auto p = std::make_unique<DateParser>(PassKey());
  const std::filesystem::path lang_dir = kb_dir / "lang";
  std::error_code ec;
  // A missing folder is a misconfigured kb path, not "no languages": say so.
  if (!std::filesystem::is_directory(lang_dir, ec)) return Status::NotFound("no language folder " + lang_dir.string());
  try {  // directory iteration throws on I/O errors; nothing may escape Load()
    for (const auto& entry : std::filesystem::directory_iterator(lang_dir, ec)) {
      const auto file = entry.path() / "dates.json";
      std::error_code fec;
      if (!entry.is_directory(fec) || !std::filesystem::exists(file, fec)) continue;
      std::ifstream in(file);
      if (!in) return Status::NotFound("cannot read " + file.string());
      nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(file.string() + ": not a JSON object");
      auto lx = ParseLexicon(j);
      if (!lx.ok()) return Status::InvalidArgument(file.string() + ": " + lx.status().message());
      auto g = BuildGrammar(std::move(lx).value());
      if (!g.ok()) return Status::InvalidArgument(file.string() + ": " + g.status().message());
      p->impl_->grammars.emplace(entry.path().filename().string(), std::move(g).value());
    }
  } catch (const std::exception& e) {
    return Status::Unavailable("cannot list " + lang_dir.string() + ": " + e.what());
  }
  if (ec) return Status::NotFound("cannot list " + lang_dir.string() + ": " + ec.message());
  auto numeric = BuildGrammar(Lexicon{});
  if (!numeric.ok()) return numeric.status();
  p->impl_->numeric_only = std::move(numeric).value();
  return p;
}

std::vector<std::string> DateParser::Languages() const {
  std::vector<std::string> out;
  for (const auto& [lang, g] : impl_->grammars) out.push_back(lang);
  return out;
}

std::vector<DateMention> DateParser::Find(std::string_view text, Span range, const std::string& lang,
                                          const DateContext& ctx) const {
  std::vector<DateMention> out;
  const Grammar& g = impl_->For(lang);
  const size_t end = std::min<size_t>(range.end, text.size());
  if (range.begin >= end) return out;
  Matcher matcher(g, text, ctx);
  std::vector<Found> found;
  size_t pos = range.begin;
  re2::StringPiece m;
  while (pos < end && g.finder->Match(text, pos, end, RE2::UNANCHORED, &m, 1)) {
    const size_t b = static_cast<size_t>(m.data() - text.data()), e = b + m.size();
    bool consumed = false;
    if (e > b) {
      if (auto f = matcher.Interpret(b, e, &consumed)) {
        pos = f->m.span.end;
        found.push_back(*f);
        continue;
      }
    }
    pos = consumed ? e : NextStart(text, b);
  }
  // A weekday next to a date names the same day: keep one mention spanning both.
  for (size_t i = 0; i < found.size(); ++i) {
    Found& cur = found[i];
    if (i + 1 < found.size()) {
      Found& nxt = found[i + 1];
      const bool cur_wd = cur.form == Form::kWeekday, nxt_wd = nxt.form == Form::kWeekday;
      const Found& other = cur_wd ? nxt : cur;
      if (cur_wd != nxt_wd && other.m.precision == v1::DATE_PRECISION_DAY && AdjacentGap(text, cur.m.span.end, nxt.m.span.begin)) {
        Found& keep = cur_wd ? nxt : cur;
        keep.m.span = {cur.m.span.begin, nxt.m.span.end};
        out.push_back(keep.m);
        ++i;
        continue;
      }
    }
    out.push_back(cur.m);
  }
  return out;
}

}  // namespace newsflow::extract
