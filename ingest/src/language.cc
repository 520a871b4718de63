#include "language.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <map>

#include "text.h"

namespace newsflow::ingest {
namespace {
// Enough text to decide; more only costs time.
constexpr size_t kMaxBytes = 64 * 1024;
// Below this confidence the answer is "und": a wrong language is worse than none downstream.
constexpr double kMinConfidence = 0.6;
// With fewer letters than this the script share is trusted less.
constexpr double kFullEvidenceLetters = 20;
}  // namespace

LanguageGuess DetectLanguage(std::string_view text, const ArticleCues& cues) {
  if (text.size() > kMaxBytes) {
    size_t cut = kMaxBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  const std::string folded = FoldCase(text);
  std::map<int, size_t> per_script;
  size_t letters = 0;
  for (size_t i = 0; i < folded.size();) {
    const auto cp = static_cast<UChar32>(NextCodePoint(folded, &i));
    if (!u_isalpha(cp)) continue;
    UErrorCode err = U_ZERO_ERROR;
    const UScriptCode sc = uscript_getScript(cp, &err);
    if (U_FAILURE(err) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED) continue;
    ++per_script[sc];
    ++letters;
  }
  if (letters < 3) return {};
  auto dominant = std::max_element(per_script.begin(), per_script.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
  const double script_share = static_cast<double>(dominant->second) / static_cast<double>(letters);
  const double evidence = std::min(1.0, 0.5 + static_cast<double>(letters) / (2 * kFullEvidenceLetters));

  std::vector<size_t> candidates;
  for (size_t k = 0; k < cues.languages.size(); ++k)
    if (cues.languages[k].script == dominant->first) candidates.push_back(k);
  if (candidates.empty()) return {};

  const auto words = Words(folded);
  double best = 0, second = 0;
  size_t best_k = candidates[0];
  for (size_t k : candidates) {
    const LanguageProfile& p = cues.languages[k];
    size_t hits = 0, marked = 0;
    for (auto w : words) hits += p.words.count(std::string(w));
    if (!p.letters.empty())
      for (size_t i = 0; i < folded.size();) marked += p.letters.count(NextCodePoint(folded, &i));
    const double score = (words.empty() ? 0.0 : static_cast<double>(hits) / static_cast<double>(words.size())) +
                         p.letter_weight * static_cast<double>(marked) / static_cast<double>(letters);
    if (score > best) {
      second = best;
      best = score;
      best_k = k;
    } else if (score > second) {
      second = score;
    }
  }
  double confidence = script_share * evidence;
  if (candidates.size() > 1) {
    // Several languages share the script: the evidence must single one out.
    if (best <= 0) return {};
    confidence *= best / (best + second);
  }
  if (confidence < kMinConfidence) return {};
  return {cues.languages[best_k].code, static_cast<float>(confidence)};
}

}  // namespace newsflow::ingest
