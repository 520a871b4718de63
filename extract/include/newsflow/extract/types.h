// Value types shared by the extraction modules (text, knowledge base, entities, dates, events).
// All offsets are byte offsets into the article body (NFC UTF-8), [begin, end).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "newsflow/v1/event.pb.h"

namespace newsflow::extract {

struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
  bool Contains(const Span& o) const { return begin <= o.begin && o.end <= end; }
  bool Overlaps(const Span& o) const { return begin < o.end && o.begin < end; }
  std::string_view In(std::string_view text) const { return text.substr(begin, end - begin); }
  friend bool operator==(const Span&, const Span&) = default;
};

// One word token of a sentence.
struct Token {
  Span span;
  std::string key;          // MatchKey() of the token's text
  bool capitalized = false; // first letter is an uppercase letter (Latin scripts)
  bool is_word = true;      // false for punctuation / symbols
};

using CivilDate = std::chrono::year_month_day;

// Which kind of surface named the entity.
enum class MentionKind {
  kName,         // an alias of the entity ("Hakan Fidan", "حماس", "Thổ Nhĩ Kỳ")
  kAdjective,    // a demonym / nisba used as a modifier ("التركي", "Turkish", "của Mỹ")
  kTitle,        // a role title resolved to its holder ("وزير الخارجية التركي" -> Hakan Fidan)
  kProvisional,  // a name not in the knowledge base (id "prov:...")
};

// An entity found in the text.
struct EntityMention {
  Span span;
  std::string entity_id;  // "kb:..." or "prov:..."
  MentionKind kind = MentionKind::kName;
  float confidence = 1.0f;
};

// A date expression found in the text, resolved to a calendar date.
struct DateMention {
  Span span;
  CivilDate date{};                       // day is 1 for month precision, month/day 1 for year precision
  v1::DatePrecision precision = v1::DATE_PRECISION_DAY;
  v1::DateResolution resolution = v1::DATE_RESOLUTION_EXPLICIT;
  // For partial dates (no year in the text): true. Scoring and fusion treat them like any date.
  bool year_inferred = false;
  // True when the text itself gives the day (explicit or partial), false for relative words.
  bool absolute = true;
};

// What dates are resolved against.
struct DateContext {
  std::optional<CivilDate> published;  // the article's stated publication date
  CivilDate clock{};                   // the ingest clock's date (UTC)
};

// "2025-12-20", "2025-12", "2025" according to precision.
std::string FormatIsoDate(const CivilDate& d, v1::DatePrecision p);

}  // namespace newsflow::extract
