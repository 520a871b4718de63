// What the text says about itself: headline, publication date (after a marker such as
// "Published:", "Ngày đăng:", "تاريخ النشر:"), outlet ("Source: ...", "Nguồn ...", "المصدر: ...",
// a copyright line, or a trailing credit line "Anews/Reuters."). Markers and date words come from
// ArticleCues; nothing language-specific is written here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cues.h"
#include "newsflow/v1/article.pb.h"

namespace newsflow::ingest {

struct CivilDate {
  int year = 0, month = 0, day = 0;  // month / day 0 when unknown
  v1::DatePrecision precision = v1::DATE_PRECISION_UNSPECIFIED;
};

// Parses a date at the start of `s` (after separators): "2026-01-25", "25/01/2026",
// "6th, November 2025", "November 6, 2025", "ngày 6 tháng 11 năm 2025", "٦ نوفمبر ٢٠٢٥",
// "November 2025" (month precision), "2025" (year precision). Text after the date is ignored, or
// returned (case-folded, ASCII digits) in `remainder`.
std::optional<CivilDate> ParseDatePrefix(std::string_view s, const ArticleCues& cues, NumericOrder order,
                                         std::string* remainder = nullptr);

// The publication date stated by a marker line among the first and last lines of `lines`; else a
// short line near the top that is only a full date (with weekday / time / zone), read with
// `unmarked_order` for all-numeric dates.
std::optional<CivilDate> FindPublicationDate(const std::vector<std::string_view>& lines, const ArticleCues& cues,
                                             NumericOrder unmarked_order = NumericOrder::kDayMonthYear);

// Index of the first non-empty line when it reads as a headline: short, not ending like a
// sentence, not a date / source / metadata line.
std::optional<size_t> FindTitleLine(const std::vector<std::string_view>& lines, const ArticleCues& cues);

// The outlet the text names: the last outlet-marker line wins, else a short trailing credit line
// (skipping line `skip`, the title). Empty when none.
std::string FindOutlet(const std::vector<std::string_view>& lines, const ArticleCues& cues,
                       std::optional<size_t> skip);

}  // namespace newsflow::ingest
