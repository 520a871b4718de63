// Date expressions: numeric (20/12, 1/11/2025, 2026-01-25), month names (vi / ar incl. Levantine
// names / en), ordinal words (التاسع من أكتوبر), relative words (hôm qua, أمس, yesterday), weekdays
// (يوم السبت), resolved against the publication date or else the ingest clock. Lexicons come from
// kb_dir/lang/<lang>/dates.json.
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
 public:
  static Result<std::unique_ptr<DateParser>> Load(const std::filesystem::path& kb_dir);
  ~DateParser();

  // Date expressions inside `range` of `text`, in order, resolved with `ctx`. Partial dates take
  // the year that puts them closest to (and not after) the reference date; weekdays and relative
  // words resolve backwards from the reference ("Saturday" = the latest Saturday on or before).
  std::vector<DateMention> Find(std::string_view text, Span range, const std::string& lang,
                                const DateContext& ctx) const;

 private:
  DateParser();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsflow::extract
