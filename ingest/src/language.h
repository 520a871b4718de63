// Language identification from the cues of kb/lang/*/article.json: the writing system first
// (Arabic letters -> the Arabic-script profiles), then, among profiles of the same script, word
// and letter evidence (Vietnamese letters and syllables vs English stop words).
#pragma once

#include <string_view>

#include "cues.h"
#include "newsflow/ingest/article_parser.h"

namespace newsflow::ingest {

// `text` is NFC UTF-8. Looks at the first 64 KiB at most. O(n).
LanguageGuess DetectLanguage(std::string_view text, const ArticleCues& cues);

}  // namespace newsflow::ingest
