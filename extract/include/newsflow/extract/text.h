// Text normalization, matching keys and ICU segmentation.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/extract/types.h"

namespace newsflow::extract {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, no code points > U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Code points of UTF-8 text (malformed sequences skipped) and back. O(n).
std::u32string DecodeUtf8(std::string_view utf8);
std::string EncodeUtf8(const std::u32string& code_points);

// Unicode NFC. InvalidArgument on malformed UTF-8. O(n).
Result<std::string> NormalizeNfc(std::string_view utf8);

// The key names are compared by: NFC, case-folded (Turkish İ/I/ı fold to i), Arabic harakat and
// tatweel removed, alef forms (أ إ آ ٱ) -> ا, ta marbuta ة -> ه, alef maqsura ى -> ي, Persian/Urdu
// letter variants folded, zero-width and bidi controls removed, apostrophes and dashes unified,
// whitespace collapsed. Vietnamese diacritics are KEPT (they distinguish words).
std::string MatchKey(std::string_view text);

// MatchKey plus removal of Latin diacritics (đ -> d, ơ -> o, ı -> i ...): used for matching names
// written without diacritics, accepted only where it is unambiguous.
std::string LooseKey(std::string_view text);

// Arabic proclitic variants of one token's key, longest form first: "والولايات" -> {"والولايات",
// "الولايات", "ولايات"}; "لحماس" -> {"لحماس", "حماس"}. For non-Arabic keys returns {key}.
std::vector<std::string> ArabicCliticVariants(std::string_view key);

// The "abbreviations" of every kb_dir/lang/*/names.json (words ending in a full stop that do not
// end a sentence), for TextAnalyzer::Create. InvalidArgument on a malformed file.
Result<std::vector<std::string>> LoadAbbreviations(const std::filesystem::path& kb_dir);

// ICU sentence and word segmentation with byte offsets into the original UTF-8.
// Holds ICU break iterators: create once per thread and reuse (creation costs ~100 µs).
class TextAnalyzer {
 public:
  static Result<std::unique_ptr<TextAnalyzer>> Create();
  // Also no sentence break after these abbreviations ("Dr.", "Gen.", "TP."): see LoadAbbreviations.
  static Result<std::unique_ptr<TextAnalyzer>> Create(const std::vector<std::string>& abbreviations);
  ~TextAnalyzer();

  // Sentences of `text`, trimmed of surrounding whitespace; line breaks also end a sentence.
  std::vector<Span> Sentences(std::string_view text);
  // Word tokens inside `range` of `text` (punctuation tokens included with is_word=false).
  std::vector<Token> Words(std::string_view text, Span range);

 private:
  TextAnalyzer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsflow::extract
