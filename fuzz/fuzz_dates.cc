// DateParser::Find on arbitrary text in each language: never a crash; every mention inside the
// searched range, non-empty, in order without overlap, a real calendar date; explicit dates are
// the only ones not inferred; the same call twice gives the same mentions.
// Input: byte 0 picks the language and whether a publication date is stated, byte 1 how many
// bytes to leave out of the range at the start; the rest is the text.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "newsflow/extract/dates.h"

namespace {

namespace extract = newsflow::extract;
using newsflow::fuzz::Check;

// The parser and its language list, built once in LLVMFuzzerInitialize (Find is const).
struct Fixture {
  std::unique_ptr<extract::DateParser> parser;
  std::vector<std::string> languages;  // every lexicon, plus one without ("xx": numeric dates only)
};

bool Same(const extract::DateMention& a, const extract::DateMention& b) {
  return a.span == b.span && a.date == b.date && a.precision == b.precision && a.resolution == b.resolution &&
         a.year_inferred == b.year_inferred && a.absolute == b.absolute;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto parser = extract::DateParser::Load(newsflow::fuzz::KbDir());
  if (!parser.ok()) newsflow::fuzz::SetupFailed(parser.status().message());
  auto& fixture = newsflow::fuzz::Instance<Fixture>();
  fixture = std::make_unique<Fixture>();
  Fixture& f = *fixture;
  f.parser = std::move(parser).value();
  f.languages = f.parser->Languages();
  f.languages.push_back("xx");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const Fixture& f = *newsflow::fuzz::Instance<Fixture>();
  const std::string& lang = f.languages[data[0] % f.languages.size()];
  extract::DateContext ctx;
  ctx.clock = std::chrono::year(2025) / 11 / 21;
  if (data[0] & 0x80) ctx.published = std::chrono::year(2025) / 1 / 3;  // early in a year: partial dates wrap back
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  const extract::Span range{static_cast<uint32_t>(std::min<size_t>(data[1] % 16, text.size())),
                            static_cast<uint32_t>(text.size())};

  const auto mentions = f.parser->Find(text, range, lang, ctx);
  const auto again = f.parser->Find(text, range, lang, ctx);
  Check(mentions.size() == again.size(), "Find is not deterministic (count)");
  uint32_t previous_end = range.begin;
  for (size_t i = 0; i < mentions.size(); ++i) {
    const extract::DateMention& m = mentions[i];
    Check(Same(m, again[i]), "Find is not deterministic");
    Check(!m.span.empty(), "empty date span");
    Check(range.Contains(m.span), "date span outside the searched range");
    Check(m.span.begin >= previous_end, "date spans out of order or overlapping");
    previous_end = m.span.end;
    Check(m.date.ok(), "mention resolves to an impossible date");
    Check(m.precision != newsflow::v1::DATE_PRECISION_UNSPECIFIED, "mention without precision");
    Check(m.resolution != newsflow::v1::DATE_RESOLUTION_UNSPECIFIED, "mention without resolution");
    Check(!(m.resolution == newsflow::v1::DATE_RESOLUTION_EXPLICIT && m.year_inferred),
          "an explicit date has an inferred year");
  }
  return 0;
}
