// Scoring against the gold set, exactly as /work/shared/gold/README.md says. Pure functions over
// loaded gold and predictions, so the rules are unit-testable without running the pipeline.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/v1/event.pb.h"

namespace newsflow::eval {

struct GoldDoc {
  std::string doc, language;
  std::optional<std::string> title, published;  // null in the file -> nullopt
  std::string source;
  std::vector<std::string> source_alternatives;
};

struct GoldEntities {
  std::string doc;
  std::vector<std::pair<std::string, std::string>> required, optional;  // (canonical name, type)
};

struct GoldEvent {
  std::string id, doc;
  std::vector<std::string> codes;   // accepted CAMEO roots
  std::vector<std::string> actors;  // canonical names
  std::optional<std::string> location, date;
  bool required = true;
  std::string evidence;
};

struct GoldFusion {
  std::string id;
  bool same = true;     // "same" pair, else "distinct"
  std::string a, b;     // gold event ids ("000.E2")
  bool required = true;
  std::string note;
};

struct Gold {
  std::vector<GoldDoc> docs;
  std::vector<GoldEntities> entities;
  std::vector<GoldEvent> events;
  std::vector<GoldFusion> fusion;
};

// Reads docs.jsonl, entities.jsonl, events.jsonl and fusion.jsonl from `dir`. InvalidArgument
// naming the file and line of a malformed record.
Result<Gold> LoadGold(const std::filesystem::path& dir);

// Names compare case-insensitively after NFC (ICU case folding).
std::string NameKey(std::string_view name);

// A predicted event as the scorer sees it: names, not ids.
struct PredictedActor {
  std::string name;
  std::vector<std::string> affiliation_names;
};
struct PredictedEvent {
  std::string id;
  std::string cameo_code;
  std::vector<PredictedActor> actors;
  std::string location;  // canonical name, empty when none
  std::string date_iso;  // "YYYY-MM-DD" / "YYYY-MM" / "YYYY", empty when none
  float confidence = 0;
  std::string trigger, sentence;  // for --verbose
};

// Gold date agreement: "YYYY-MM-DD" exactly, "--MM-DD" on month and day, "YYYY-MM" on year and
// month. A predicted date of coarser precision than the gold one never agrees.
bool DateAgrees(std::string_view gold, std::string_view predicted);

// Every gold constraint except the date (codes, actors incl. affiliations, location).
bool MatchesIgnoringDate(const GoldEvent& g, const PredictedEvent& p);
// The full match rule (date included where gold gives one).
bool Matches(const GoldEvent& g, const PredictedEvent& p);

// The predicted event that best represents `g` in its document: a full match (highest confidence)
// else the one satisfying most constraints with an accepted code; nullopt when no code matches.
std::optional<size_t> BestMatch(const GoldEvent& g, const std::vector<PredictedEvent>& predicted);

struct Prf {
  int64_t tp_p = 0, predicted = 0;  // precision numerator / denominator
  int64_t tp_r = 0, gold = 0;       // recall numerator / denominator
  double precision() const { return predicted ? static_cast<double>(tp_p) / predicted : 0; }
  double recall() const { return gold ? static_cast<double>(tp_r) / gold : 0; }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
  void Add(const Prf& o) {
    tp_p += o.tp_p, predicted += o.predicted, tp_r += o.tp_r, gold += o.gold;
  }
};

struct PredictedEntity {
  std::string name, type;  // canonical name, "PER" / "ORG" / "GPE" / "LOC"
};

struct EntityScore {
  Prf prf;
  int64_t typed = 0, type_correct = 0;  // matched entities, and those with the gold type
  std::vector<std::string> false_positives, misses;
};
EntityScore ScoreEntities(const GoldEntities& gold, const std::vector<PredictedEntity>& predicted);

struct EventScore {
  Prf prf;
  int64_t dated = 0, date_correct = 0;  // gold events with a date matched on all else; date agrees
  std::vector<size_t> false_positives;  // indices into predicted
  std::vector<std::string> misses;      // required gold ids no prediction matches
  std::vector<std::string> date_errors; // "id: gold X, predicted Y"
};
EventScore ScoreEvents(const std::vector<const GoldEvent*>& gold, const std::vector<PredictedEvent>& predicted);

}  // namespace newsflow::eval
