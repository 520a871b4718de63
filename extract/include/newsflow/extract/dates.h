// Date expressions: numeric (20/12, 1/11/2025, 2026-01-25), month names (vi / ar incl. Levantine
// names / en), ordinal words (التاسع من أكتوبر), relative words (hôm qua, أمس, yesterday), weekdays
// (يوم السبت), resolved against the publication date or else the ingest clock. Lexicons come from
// kb_dir/lang/<lang>/dates.json: every such file is loaded, so adding a language adds a file.
//
// Resolution rules (the reference is the publication date when known, else the ingest clock):
// - explicit dates (year written) are taken as written: DATE_RESOLUTION_EXPLICIT;
// - partial dates (20/12, التاسع من أكتوبر, tháng 10) take the latest year that puts them on or
//   before the reference, allowing up to 31 days after a publication date (scheduled events: "5/1"
//   in a paper of 28/12 is the coming January) and none after the clock; a past marker
//   (الماضي, vừa qua, last) means on or before the reference (months: strictly before its month),
//   a next marker (المقبل, tới, next) strictly after; "tháng 10 năm ngoái" = October of last year;
// - relative words (hôm qua, أمس, yesterday; năm ngoái, الشهر الماضي) are offsets from the
//   reference; weekdays resolve to the latest such day on or before it (the reference itself
//   when it is that weekday), "last"/"الماضي" strictly before, "next"/"المقبل" strictly after;
// - "last week"-like expressions are not emitted: a week is no precision the records carry.
// Numeric dates are day-first; a language may allow the month-first reading when it is the only
// valid one (en: 12/20/2025). Impossible dates (31/4, 29/2/2025) are rejected, not repaired.
//
// dates.json (all keys optional; words are matched case-insensitively unless their category is
// listed in "case_sensitive"; whitespace inside a word matches any run of spaces):
//   months / weekdays (ISO 1 = Monday) / ordinals (day 1..31): {"<number>": ["word", ...]}
//   weekdays_cued        weekday words that need a cue (vi "thứ hai" is also "second")
//   relative_days / relative_months / relative_years: {"<offset>": [...]}  (hôm qua = -1)
//   prepositions         cue words kept out of the span (on, في, vào): license bare 1/11, months
//   day_words            cue words kept in the span (ngày, يوم, "the")
//   weekday_cues         time-of-day words before a weekday or relative word (sáng, مساء)
//   month_words, connectors, year_words, qualifiers (cuối, أواخر, late), day_suffixes (st, th),
//   year_suffixes (م)    the other slots of "[prep] [day_words] day [conn] month [conn] [year_word] year"
//   markers_before / markers_after: {"past": [...], "next": [...]}  (last / الماضي, tới)
//   marker_blockers      words after a marker that make it a preposition ("tới nay" = until now)
//   letter_variants      groups of letters treated as one (أ إ آ ا), ignorable_marks (harakat),
//   proclitics           letters that may be glued in front of an expression (و ف ب ل)
//   month_first_fallback, month_day_order ("November 6"), bare_months (month alone is a date)
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/extract/types.h"

namespace newsflow::extract {

class DateParser {
  struct PassKey {};  // lets Load() use make_unique while construction stays private

 public:
  // Compiles every kb_dir/lang/*/dates.json (a few ms per language). InvalidArgument names the
  // file of a malformed lexicon. A language without a file still gets numeric dates.
  static Result<std::unique_ptr<DateParser>> Load(const std::filesystem::path& kb_dir);
  explicit DateParser(PassKey);
  ~DateParser();

  // Language codes with a lexicon, sorted.
  std::vector<std::string> Languages() const;

  // Date expressions inside `range` of `text`, in order, resolved with `ctx`. Partial dates take
  // the year that puts them closest to (and not after) the reference date, within the grace
  // above; weekdays and relative words resolve backwards from the reference ("Saturday" = the
  // latest Saturday on or before). Thread-safe (const, no shared mutable state); one linear scan
  // of the range, allocation only for the returned mentions and for words it looks up.
  std::vector<DateMention> Find(std::string_view text, Span range, const std::string& lang,
                                const DateContext& ctx) const;

 private:
  DateParser();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsflow::extract
