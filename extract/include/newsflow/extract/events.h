// Event recognition: CAMEO-coded events from one sentence's tokens, entity mentions and dates,
// then article-level assembly (coreference of repeated reports, date inheritance).
//
// Per language the recognizer reads two data files:
//   kb_dir/lang/<lang>/triggers.tsv  trigger phrases -> CAMEO code, frame, flags
//   kb_dir/lang/<lang>/events.json   cue words: word order, "with", location prepositions,
//                                    reported-speech markers, passive markers, coordinators...
// Adding a language is adding those two files.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/extract/types.h"
#include "newsflow/v1/event.pb.h"

namespace newsflow::extract {

// What event recognition needs to know about an entity id.
struct EntityFacts {
  v1::EntityType type = v1::ENTITY_TYPE_UNSPECIFIED;
  bool is_country = false;                // a sovereign state (has an ISO code): a poor "where"
  std::vector<std::string> affiliations;  // ids, principal first
};
// Facts about an id found in the sentence; nullopt for ids it cannot describe (then ignored).
using EntityFactsFn = std::function<std::optional<EntityFacts>(std::string_view id)>;

// One sentence of an article body, with what the other modules found in it.
struct SentenceInput {
  std::string_view text;  // the whole body: every span below is an offset into it
  Span sentence;
  const std::vector<Token>* tokens = nullptr;          // TextAnalyzer::Words of the sentence
  const std::vector<EntityMention>* entities = nullptr;  // sorted, non-overlapping
  const std::vector<DateMention>* dates = nullptr;     // in order
};

struct EventActorRef {
  std::string entity_id;
  v1::ActorRole role = v1::ACTOR_ROLE_UNSPECIFIED;
  bool operator==(const EventActorRef&) const = default;
};

// One event report found in a sentence (one trigger cluster).
struct RecognizedEvent {
  std::string cameo_code;   // "040", "112", "0871"
  Span trigger;             // the head trigger's words (a light verb included: "عقد لقاء")
  std::vector<EventActorRef> actors;
  std::string location_id;  // empty when the sentence gives no place for it
  std::optional<DateMention> date;  // the sentence's date for this event, if it states one
  float confidence = 0;
  // The trigger is a definite noun that refers back ("the meeting", "الاجتماع"): it completes
  // an earlier report of the article when there is one.
  bool anaphoric = false;
};

struct SentenceEvents {
  std::vector<RecognizedEvent> events;
  // The date this sentence sets for the narrative (a day-precision date not inside a "since"
  // clause), inherited by later sentences that state none.
  std::optional<DateMention> narrative_date;
  // False for headings and other verbless fragments: they set no events.
  bool is_clause = true;
  // The sentence says its events happened before the narrative ("trước đó", "earlier"): they do
  // not inherit the narrative date.
  bool anterior = false;
};

class EventRecognizer {
  struct PassKey {};  // lets Load() use make_unique while construction stays private

 public:
  // Loads every kb_dir/lang/<lang>/{triggers.tsv,events.json}. InvalidArgument naming the file
  // (and line) of malformed data; a language folder without triggers.tsv is skipped.
  static Result<std::unique_ptr<EventRecognizer>> Load(const std::filesystem::path& kb_dir);
  explicit EventRecognizer(PassKey);
  ~EventRecognizer();

  bool Supports(std::string_view lang) const;
  // Content hash of the loaded data files (part of the extractor version).
  const std::string& fingerprint() const;

  // Events of one sentence. Longest-match triggers on matching keys, grouped into one cluster per
  // event (same CAMEO root, purpose clauses "to discuss"), roles from word order and cues, a
  // location from location prepositions (cities preferred to countries), the nearest date.
  // O(tokens * (longest trigger + mentions)). An unsupported language gives no events.
  SentenceEvents Find(const SentenceInput& in, std::string_view lang, const EntityFactsFn& facts) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// An event of the article with its evidence sentence and final date.
struct ArticleEvent {
  RecognizedEvent event;
  Span sentence;
  std::optional<v1::EventDate> date;
};

// The "side" an actor stands for in fusion (see extractor.h); used here to decide whether two
// reports in neighbouring sentences are the same event.
using SideFn = std::function<std::string(std::string_view id)>;

// Article-level assembly, fed sentence by sentence in text order.
//
// Dates: an event takes its sentence's date; otherwise the narrative date (the latest date set by
// an earlier sentence of the same article body, INHERITED: news text keeps one timeline from the
// lead on, and paragraphs are often one sentence long, so a per-paragraph scope would lose the
// lead's date); otherwise the publication date (PUBLICATION); otherwise none. A narrative date
// that was itself resolved against the ingest clock stays RELATIVE_CLOCK: inheriting it does not
// make it more certain. A sentence marked as earlier than the narrative ("trước đó", "previously")
// inherits nothing: its events stay undated unless they state a date.
//
// Coreference: a report merges into a report of the same CAMEO root from the previous two
// sentences when it refers back (anaphoric trigger) or shares an actor side, and neither the
// places nor the stated dates conflict: "X met Y. The meeting took place in Istanbul." is one
// report with Istanbul as its place.
class ArticleEventCollector {
 public:
  ArticleEventCollector(std::string_view body, std::optional<v1::EventDate> publication, SideFn side);

  void Add(Span sentence, SentenceEvents sentence_events);
  // The article's events in text order of their first report.
  std::vector<ArticleEvent> Take();

 private:
  std::optional<v1::EventDate> DateOf(const std::optional<DateMention>& own, bool anterior) const;
  bool Compatible(const ArticleEvent& earlier, const RecognizedEvent& later) const;

  std::string_view body_;
  std::optional<v1::EventDate> publication_;
  SideFn side_;
  std::optional<DateMention> narrative_;
  struct Slot {
    ArticleEvent ev;
    int last_sentence = 0;
  };
  std::vector<Slot> events_;
  int sentence_index_ = 0;
};

// The proto form of a date mention found in `body`.
v1::EventDate ToEventDate(const DateMention& d, std::string_view body);

}  // namespace newsflow::extract
