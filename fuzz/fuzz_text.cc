// The text layer on arbitrary bytes. Every function must survive malformed UTF-8; on well-formed
// UTF-8 the invariants the extractor relies on must hold: NFC and the matching keys are
// idempotent, decoding round-trips, sentence and word spans lie inside the text, in order,
// without overlap, and a token's key is the MatchKey of its text.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "newsflow/extract/text.h"

namespace {

namespace extract = newsflow::extract;
using newsflow::fuzz::Check;


void CheckKeys(std::string_view text) {
  const std::string key = extract::MatchKey(text);
  Check(extract::IsValidUtf8(key), "MatchKey output is not valid UTF-8");
  Check(extract::MatchKey(key) == key, "MatchKey is not idempotent");
  const std::string loose = extract::LooseKey(text);
  Check(extract::IsValidUtf8(loose), "LooseKey output is not valid UTF-8");
  Check(extract::LooseKey(loose) == loose, "LooseKey is not idempotent");
  const auto variants = extract::ArabicCliticVariants(key);
  Check(!variants.empty() && variants.front() == key, "ArabicCliticVariants does not start with the key");
  for (const std::string& v : variants) {
    Check(extract::IsValidUtf8(v), "a clitic variant is not valid UTF-8");
    Check(v.size() <= key.size() + 2, "a clitic variant is longer than its key");  // لل -> ال adds one letter
  }
}

void CheckSegmentation(std::string_view text) {
  extract::TextAnalyzer& analyzer = *newsflow::fuzz::Instance<extract::TextAnalyzer>();
  uint32_t previous_end = 0;
  for (const extract::Span& s : analyzer.Sentences(text)) {
    Check(s.begin < s.end, "empty sentence span");
    Check(s.end <= text.size(), "sentence span past the end of the text");
    Check(s.begin >= previous_end, "sentence spans out of order or overlapping");
    previous_end = s.end;
    uint32_t word_end = s.begin;
    for (const extract::Token& t : analyzer.Words(text, s)) {
      Check(t.span.begin < t.span.end, "empty token span");
      Check(s.Contains(t.span), "token span outside its sentence");
      Check(t.span.begin >= word_end, "token spans out of order or overlapping");
      word_end = t.span.end;
      Check(t.key == extract::MatchKey(t.span.In(text)), "token key is not the MatchKey of its text");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto abbreviations = extract::LoadAbbreviations(newsflow::fuzz::KbDir());
  if (!abbreviations.ok()) newsflow::fuzz::SetupFailed(abbreviations.status().message());
  auto analyzer = extract::TextAnalyzer::Create(*abbreviations);
  if (!analyzer.ok()) newsflow::fuzz::SetupFailed(analyzer.status().message());
  newsflow::fuzz::Instance<extract::TextAnalyzer>() = std::move(analyzer).value();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Total functions: any bytes in, no crash, valid UTF-8 out.
  Check(extract::IsValidUtf8(extract::EncodeUtf8(extract::DecodeUtf8(input))), "Decode/Encode gives invalid UTF-8");
  const std::string key = extract::MatchKey(input);
  Check(extract::IsValidUtf8(key), "MatchKey of malformed input is not valid UTF-8");
  extract::ArabicCliticVariants(key);

  auto nfc = extract::NormalizeNfc(input);
  if (!extract::IsValidUtf8(input)) {
    Check(!nfc.ok(), "NormalizeNfc accepted malformed UTF-8");
    return 0;
  }
  Check(nfc.ok(), "NormalizeNfc rejected valid UTF-8");
  Check(extract::EncodeUtf8(extract::DecodeUtf8(input)) == input, "Decode/Encode does not round-trip");
  auto twice = extract::NormalizeNfc(*nfc);
  Check(twice.ok() && *twice == *nfc, "NormalizeNfc is not idempotent");
  CheckKeys(input);
  // The extractor segments NFC text; raw valid UTF-8 must not crash it either.
  CheckSegmentation(*nfc);
  CheckSegmentation(input);
  return 0;
}
