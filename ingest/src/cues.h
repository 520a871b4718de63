// Per-language cues ingest reads from kb/lang/<lang>/article.json: language-detection profiles,
// publication-date markers and date words, outlet markers. All strings are stored NFC + case-folded.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "newsflow/common/result.h"

namespace newsflow::ingest {

// Day, month, year order of all-numeric dates ("03/04/2025").
enum class NumericOrder { kDayMonthYear, kMonthDayYear };

struct LanguageProfile {
  std::string code;                        // "vi"
  int script = 0;                          // ICU UScriptCode of the language's writing system
  std::unordered_set<char32_t> letters;    // letters that mark the language within its script
  double letter_weight = 0;                // weight of the share of those letters in the score
  std::unordered_set<std::string> words;   // frequent words (with and without diacritics)
};

// A marker phrase and the language whose article.json listed it.
struct Marker {
  std::string folded;
  size_t language = 0;  // index into ArticleCues::languages
};

struct ArticleCues {
  std::vector<LanguageProfile> languages;
  std::vector<NumericOrder> numeric_order;  // per language
  // Markers of every language, longest first (so "Published on" wins over "Published"): an
  // article in one language may carry another's metadata lines.
  std::vector<Marker> date_markers, outlet_markers;
  // Phrases inside a sentence that introduce the supplying outlet ("Theo phóng viên TTXVN tại ...",
  // "according to a correspondent of ..."): the capitalized words after one name it.
  std::vector<Marker> inline_outlet_markers;
  // Month names of every language, longest first ("تشرين الثاني" before "تشرين").
  std::vector<std::pair<std::string, int>> months;
  std::vector<std::string> month_prefixes;    // a number after one is a month ("tháng 11")
  std::unordered_set<std::string> date_fillers;  // words skipped inside a date ("ngày", "of")
  std::vector<std::string> ordinal_suffixes;  // stripped after a day number ("6th")
};

// Reads every kb_dir/lang/*/article.json (and month names from a sibling dates.json when it has
// a "months" object of name -> number). InvalidArgument names the file and the problem;
// NotFound when there is no article.json at all.
Result<ArticleCues> LoadArticleCues(const std::filesystem::path& kb_dir);

}  // namespace newsflow::ingest
