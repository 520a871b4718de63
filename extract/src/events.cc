#include "newsflow/extract/events.h"

#include <algorithm>
#include <bit>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "newsflow/common/ids.h"
#include "newsflow/extract/text.h"

namespace newsflow::extract {
namespace {

using Phrase = std::vector<std::string>;  // matching keys of a phrase's words

enum class Frame { kSay, kDirected, kSymmetric };

struct TriggerDef {
  Phrase keys;
  std::string cameo;
  Frame frame = Frame::kSay;
  bool noun = false, anaphoric = false, weak = false, effect = false;
  bool topic = false;  // the object is what is talked about ("discussed the plan"), not a party
};

// The keys of a phrase as the sentence tokenizer would produce them: words split on spaces, and
// punctuation kept as tokens of its own (",", "،").
Phrase PhraseKeys(std::string_view phrase) {
  Phrase out;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) out.push_back(MatchKey(word));
    word.clear();
  };
  for (char c : phrase) {
    if (c == ' ' || c == '\t') {
      flush();
    } else {
      word.push_back(c);
    }
  }
  flush();
  std::erase_if(out, [](const std::string& k) { return k.empty(); });
  return out;
}

// A list of cue phrases, matched longest first.
struct CueList {
  std::vector<Phrase> phrases;
  size_t slot = 0;     // index in kCueLists
  size_t longest = 0;  // words of the longest phrase
  void Sort() {
    std::sort(phrases.begin(), phrases.end(), [](const Phrase& a, const Phrase& b) { return a.size() > b.size(); });
    longest = phrases.empty() ? 0 : phrases.front().size();
  }
};

// A cue phrase of some list, found by its first key in LangRules::cues_by_first.
struct CueRef {
  size_t slot = 0;    // which list (index in kCueLists)
  size_t phrase = 0;  // index in its phrases
};

struct LangRules {
  bool vso = false;
  bool genitive_needs_marker = false;  // English "talks of X": nouns take a genitive only after "of"
  std::vector<TriggerDef> triggers;
  std::unordered_map<std::string, std::vector<size_t>> by_first;  // first key -> longest first
  CueList with, between, participation, location, location_fillers, reported, passive_before, passive_after,
      coordinators, clause_breaks, purpose, light_verbs, effect_cues, since, object_gap_stops, temporal, mediation,
      shared_subject, definite_article, reported_end, anterior, genitive_markers;
  // Every phrase of every cue list by its first key: a token finds all the cues that may start at
  // it with one probe per clitic reading of its key.
  std::unordered_map<std::string, std::vector<CueRef>> cues_by_first;
};

// The cue lists of events.json: their field names and where they live in LangRules (member
// pointers, so that the table stays valid when LangRules moves).
constexpr std::pair<const char*, CueList LangRules::*> kCueLists[] = {
    {"with", &LangRules::with},
    {"between", &LangRules::between},
    {"participation", &LangRules::participation},
    {"location", &LangRules::location},
    {"location_fillers", &LangRules::location_fillers},
    {"reported", &LangRules::reported},
    {"passive_before", &LangRules::passive_before},
    {"passive_after", &LangRules::passive_after},
    {"coordinators", &LangRules::coordinators},
    {"clause_breaks", &LangRules::clause_breaks},
    {"purpose", &LangRules::purpose},
    {"light_verbs", &LangRules::light_verbs},
    {"effect_cues", &LangRules::effect_cues},
    {"since", &LangRules::since},
    {"object_gap_stops", &LangRules::object_gap_stops},
    {"temporal", &LangRules::temporal},
    {"mediation", &LangRules::mediation},
    {"shared_subject", &LangRules::shared_subject},
    {"definite_article", &LangRules::definite_article},
    {"reported_end", &LangRules::reported_end},
    {"anterior", &LangRules::anterior},
    {"genitive_markers", &LangRules::genitive_markers},
};
constexpr size_t kCueSlots = std::size(kCueLists);
// Matches of a cue list at a token are kept as one bit per phrase length; lists with a longer
// phrase (none in practice) are scanned phrase by phrase instead.
constexpr size_t kMaxIndexedWords = 63;

std::string ReadFile(const std::filesystem::path& p, bool* ok) {
  std::ifstream in(p, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status ParseTriggers(const std::filesystem::path& file, const std::string& content, LangRules* rules) {
  std::istringstream in(content);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::string col;
    std::istringstream ls(line);
    while (std::getline(ls, col, '\t')) cols.push_back(col);
    const std::string where = file.string() + ":" + std::to_string(n);
    if (cols.size() < 3) return Status::InvalidArgument(where + ": expected phrase, code, frame[, flags]");
    auto norm = NormalizeNfc(cols[0]);
    if (!norm.ok()) return Status::InvalidArgument(where + ": " + norm.status().message());
    TriggerDef t;
    t.keys = PhraseKeys(*norm);
    t.cameo = cols[1];
    if (t.keys.empty()) return Status::InvalidArgument(where + ": empty phrase");
    if (t.cameo.size() < 2 || t.cameo.size() > 4 ||
        !std::all_of(t.cameo.begin(), t.cameo.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return Status::InvalidArgument(where + ": CAMEO code must be 2-4 digits");
    if (cols[2] == "say") {
      t.frame = Frame::kSay;
    } else if (cols[2] == "directed") {
      t.frame = Frame::kDirected;
    } else if (cols[2] == "symmetric") {
      t.frame = Frame::kSymmetric;
    } else {
      return Status::InvalidArgument(where + ": frame must be say, directed or symmetric");
    }
    if (cols.size() > 3 && cols[3] != "-") {
      std::istringstream fs(cols[3]);
      std::string flag;
      while (std::getline(fs, flag, ',')) {
        if (flag == "noun") {
          t.noun = true;
        } else if (flag == "anaphoric") {
          t.anaphoric = true;
        } else if (flag == "weak") {
          t.weak = true;
        } else if (flag == "effect") {
          t.effect = true;
        } else if (flag == "topic") {
          t.topic = true;
        } else {
          return Status::InvalidArgument(where + ": unknown flag '" + flag + "'");
        }
      }
    }
    rules->triggers.push_back(std::move(t));
  }
  for (size_t i = 0; i < rules->triggers.size(); ++i) rules->by_first[rules->triggers[i].keys[0]].push_back(i);
  for (auto& [k, v] : rules->by_first) {
    std::stable_sort(v.begin(), v.end(), [&](size_t a, size_t b) {
      return rules->triggers[a].keys.size() > rules->triggers[b].keys.size();
    });
  }
  return Status::Ok();
}

Status ParseCues(const std::filesystem::path& file, const std::string& content, LangRules* rules) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(content);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(file.string() + ": " + e.what());
  }
  if (!j.is_object()) return Status::InvalidArgument(file.string() + ": expected a JSON object");
  if (auto it = j.find("word_order"); it != j.end() && it->is_string()) rules->vso = it->get<std::string>() == "VSO";
  if (auto it = j.find("genitive_needs_marker"); it != j.end() && it->is_boolean())
    rules->genitive_needs_marker = it->get<bool>();
  for (size_t slot = 0; slot < kCueSlots; ++slot) {
    const auto& [name, member] = kCueLists[slot];
    CueList* list = &(rules->*member);
    list->slot = slot;
    auto it = j.find(name);
    if (it == j.end()) continue;
    if (!it->is_array()) return Status::InvalidArgument(file.string() + ": '" + name + "' must be a list of strings");
    for (const auto& v : *it) {
      if (!v.is_string()) return Status::InvalidArgument(file.string() + ": '" + name + "' must be a list of strings");
      auto norm = NormalizeNfc(v.get<std::string>());
      if (!norm.ok()) return Status::InvalidArgument(file.string() + ": " + norm.status().message());
      Phrase p = PhraseKeys(*norm);
      if (!p.empty()) list->phrases.push_back(std::move(p));
    }
    list->Sort();
    for (size_t k = 0; k < list->phrases.size(); ++k) rules->cues_by_first[list->phrases[k][0]].push_back({slot, k});
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// One sentence being analysed.

struct MentionInfo {
  const EntityMention* m = nullptr;
  size_t first = 0, last = 0;  // token range [first, last]
  EntityFacts facts;
  bool known = false;
  bool location = false;  // consumed by a location phrase
  bool reported = false;  // inside a reported-speech attribution
};

struct TriggerHit {
  const TriggerDef* def = nullptr;
  size_t first = 0, last = 0;  // token range [first, last] of the trigger words
  size_t anchor = 0;           // where the verb stands (a light verb before a noun trigger)
  bool verbal = true;          // a verb, or a noun carried by a light verb
  bool purpose = false;        // introduced by a purpose marker ("để", "to", "لـ")
  bool temporal = false;       // object of "before" / "after": a time anchor, its own cluster
  bool inert = false;          // a trigger that reports nothing here (a truce merely named)
  bool quoted = false;         // inside quotation marks: words of a speaker, not the report
  int cluster = -1;
};

struct LocationCand {
  std::string id;
  size_t token = 0;
  bool is_country = false;
};

class SentenceAnalysis {
 public:
  SentenceAnalysis(const LangRules& r, const SentenceInput& in, const EntityFactsFn& facts) : r_(r), in_(in) {
    for (const Token& t : *in.tokens) {
      if (!t.key.empty() && t.key != " ") toks_.push_back(&t);
    }
    for (const EntityMention& m : *in.entities) {
      MentionInfo mi;
      mi.m = &m;
      bool found = false;
      for (size_t i = 0; i < toks_.size(); ++i) {
        if (toks_[i]->span.Overlaps(m.span)) {
          if (!found) mi.first = i;
          mi.last = i;
          found = true;
        }
      }
      if (!found) continue;
      if (auto f = facts(m.entity_id)) {
        mi.facts = std::move(*f);
        mi.known = true;
      }
      mentions_.push_back(std::move(mi));
    }
    mention_at_.assign(toks_.size(), -1);
    for (size_t k = 0; k < mentions_.size(); ++k)
      for (size_t i = mentions_[k].first; i <= mentions_[k].last; ++i) mention_at_[i] = static_cast<int>(k);
    reported_.assign(toks_.size(), false);
    in_location_.assign(toks_.size(), false);
  }

  SentenceEvents Run() {
    SentenceEvents out;
    if (toks_.empty()) return out;
    out.is_clause = IsClause();
    MarkReported();
    MarkLocations();
    FindTriggers();
    for (TriggerHit& h : hits_)
      if (h.def->effect && !EffectCueNear(h)) h.inert = true;
    MarkQuoted();
    for (size_t i = 0; i < toks_.size() && !out.anterior; ++i) out.anterior = MatchAt(r_.anterior, i) > 0;
    if (!out.is_clause || hits_.empty()) {
      out.narrative_date = NarrativeDate({});
      return out;
    }
    ApplyLightVerbs();
    Cluster();
    out.events = BuildEvents();
    out.narrative_date = NarrativeDate(out.events);
    return out;
  }

 private:
  // Does cue list `l` match at token i? Returns the number of tokens matched (0: no). The first
  // word may carry Arabic proclitics ("وفي" matches "في").
  size_t MatchAt(const CueList& l, size_t i) const {
    if (l.phrases.empty() || i >= toks_.size()) return 0;
    if (l.longest > kMaxIndexedWords) {
      for (const Phrase& p : l.phrases) {
        if (MatchPhrase(p, i, nullptr)) return p.size();
      }
      return 0;
    }
    const uint64_t lengths = CueLengths(l, i);
    return lengths ? static_cast<size_t>(std::bit_width(lengths)) - 1 : 0;  // the longest
  }
  // Bit n set: a phrase of `l` with n words matches at token i. Every cue list's matches at a
  // token are found together, on the first question about that token (windows, gaps and cue
  // groups ask about the same tokens many times).
  uint64_t CueLengths(const CueList& l, size_t i) const {
    if (cue_lengths_.empty()) cue_lengths_.assign(toks_.size() * (kCueSlots + 1), 0);
    uint64_t* at = &cue_lengths_[i * (kCueSlots + 1)];
    if (!at[kCueSlots]) {  // the last entry flags "computed"
      at[kCueSlots] = 1;
      for (const std::string& v : Variants(i)) {
        auto it = r_.cues_by_first.find(v);
        if (it == r_.cues_by_first.end()) continue;
        for (const CueRef& ref : it->second) {
          const Phrase& p = (r_.*kCueLists[ref.slot].second).phrases[ref.phrase];
          if (p.size() <= kMaxIndexedWords && MatchPhrase(p, i, nullptr)) at[ref.slot] |= uint64_t{1} << p.size();
        }
      }
    }
    return at[l.slot];
  }
  bool MatchPhrase(const Phrase& p, size_t i, std::string* prefix) const {
    if (i + p.size() > toks_.size()) return false;
    for (size_t j = 1; j < p.size(); ++j)
      if (toks_[i + j]->key != p[j]) return false;
    const std::string& k = toks_[i]->key;
    if (k == p[0]) {
      if (prefix) prefix->clear();
      return true;
    }
    for (const std::string& v : Variants(i)) {
      if (v == p[0] && k.size() > v.size() && k.compare(k.size() - v.size(), v.size(), v) == 0) {
        if (prefix) *prefix = k.substr(0, k.size() - v.size());
        return true;
      }
    }
    return false;
  }
  // "a truce took effect", "بدء سريان اتفاق وقف إطلاق النار": the cue stands within a few words.
  bool EffectCueNear(const TriggerHit& h) const {
    // Verb-first languages put "takes effect" well before its subject ("ويسري في غزة منذ ... وقف").
    const size_t lo = h.first > 12 ? h.first - 12 : 0, hi = std::min(toks_.size(), h.last + 7);
    for (size_t i = lo; i < hi; ++i)
      if (!reported_[i] && MatchAt(r_.effect_cues, i)) return true;
    return false;
  }
  // Quotation marks: curly ones open and close; straight ones toggle. A sentence whose only quote
  // mark closes it began inside a quotation.
  // A pair of quotes around a few words only ("قالن", “quốc gia bảo đảm”) marks a name or a
  // term, not speech.
  void MarkQuoted() {
    std::vector<bool>& inside = quoted_;
    inside.assign(toks_.size(), false);
    bool in = false;
    size_t straight = 0, last_quote = SIZE_MAX, open = 0;
    for (size_t i = 0; i < toks_.size(); ++i) {
      const std::string_view w = toks_[i]->span.In(in_.text);
      const bool opens = w == "“" || w == "«" || (w == "\"" && !in);
      const bool closes = w == "”" || w == "»" || (w == "\"" && in);
      if (w == "\"") ++straight, last_quote = i;
      if (opens) {
        in = true;
        open = i;
      } else if (closes) {
        in = false;
        if (i - open <= 5)
          for (size_t j = open; j < i; ++j) inside[j] = false;
      }
      inside[i] = in;
    }
    if (straight == 1) {
      bool only_punct_after = true;
      for (size_t i = last_quote + 1; i < toks_.size(); ++i) only_punct_after &= IsPunct(i);
      if (only_punct_after)
        for (size_t i = 0; i < last_quote; ++i) inside[i] = true;
    }
    for (TriggerHit& h : hits_) h.quoted = inside[h.first];
  }
  bool IsPunct(size_t i) const { return !toks_[i]->is_word; }
  bool IsQuoteMark(size_t i) const {
    const std::string_view w = toks_[i]->span.In(in_.text);
    return w == "\"" || w == "“" || w == "”" || w == "«" || w == "»";
  }

  // Headings and captions without a verb phrase ("Miami meeting") end without terminal
  // punctuation and are short; they report no event of their own.
  bool IsClause() const {
    size_t words = 0;
    for (const Token* t : toks_) words += t->is_word ? 1 : 0;
    const std::string_view last = toks_.back()->span.In(in_.text);
    static constexpr std::string_view kTerminal[] = {".", "!", "?", "؟", "…", "\"", "”", "»", ":"};
    const bool terminal = std::find(std::begin(kTerminal), std::end(kTerminal), last) != std::end(kTerminal);
    return terminal || words > 8;
  }

  // "Theo X, ...", "according to X", "بحسب ما نقلته وكالة X": the attribution up to the next
  // comma (or the end) names sources, not actors, and reports no event.
  void MarkReported() {
    for (size_t i = 0; i < toks_.size(); ++i) {
      if (i > 0 && !IsPunct(i - 1)) continue;  // "tiếp theo" (next) is not an attribution
      const size_t n = MatchAt(r_.reported, i);
      if (!n) continue;
      size_t j = i;
      for (; j < toks_.size(); ++j) {
        if (j >= i + n && IsPunct(j) && (toks_[j]->key == "," || toks_[j]->key == "،" || toks_[j]->key == ".")) break;
        if (j >= i + n && MatchAt(r_.reported_end, j)) break;  // "ذكرت وكالة X أن ...": the report starts
        reported_[j] = true;
      }
      i = j;
    }
    for (MentionInfo& m : mentions_) m.reported = reported_[m.first];
  }

  bool IsPlace(const MentionInfo& m) const {
    return m.known && (m.facts.type == v1::ENTITY_TYPE_GPE || m.facts.type == v1::ENTITY_TYPE_LOC) &&
           m.m->kind != MentionKind::kAdjective;
  }

  // A location phrase: a location preposition, optional filler words ("thành phố", "مدينة") or
  // demonyms ("العاصمة الفنلندية"), then places separated by punctuation or a filler
  // ("Miami (Mỹ)", "ميامي بولاية فلوريدا"). Every place in it is consumed: none is an actor.
  void MarkLocations() {
    // A dateline ("إسطنبول - صفا", "GAZA CITY -") says where the report was filed: no actor.
    if (!mention_at_.empty() && mention_at_[0] >= 0) {
      MentionInfo& m = mentions_[mention_at_[0]];
      if (IsPlace(m) && m.last + 1 < toks_.size()) {
        const std::string_view w = toks_[m.last + 1]->span.In(in_.text);
        if (w == "-" || w == "–" || w == "—") m.location = true;
      }
    }
    for (size_t i = 0; i < toks_.size(); ++i) {
      const size_t n = MatchAt(r_.location, i);
      if (!n || reported_[i]) continue;
      size_t j = i + n, end = j;
      bool any = false;
      int fillers = 0;
      std::vector<size_t> adjectives;  // "العاصمة الفنلندية هلسنكي", "إسطنبول التركية"
      while (j < toks_.size()) {
        const int k = mention_at_[j];
        if (k >= 0 && IsPlace(mentions_[k])) {
          MentionInfo& m = mentions_[k];
          m.location = true;
          if (!any || !m.facts.is_country) locations_.push_back({m.m->entity_id, m.first, m.facts.is_country});
          any = true;
          j = end = m.last + 1;
          fillers = 0;
          continue;
        }
        if (k >= 0 && mentions_[k].m->kind == MentionKind::kAdjective && fillers < 3) {
          adjectives.push_back(static_cast<size_t>(k));
          j = mentions_[k].last + 1;
          if (any) end = j;
          ++fillers;
          continue;
        }
        if (const size_t f = MatchAt(r_.location_fillers, j); f && fillers < 3) {
          j += f;
          ++fillers;
          continue;
        }
        if (any && IsPunct(j) && toks_[j]->key != "." && fillers < 3) {
          ++j;
          ++fillers;
          continue;
        }
        // "Istanbul, Thổ Nhĩ Kỳ" / "ميامي بولاية": one filler word between two places.
        if (any && fillers < 1 && j + 1 < toks_.size() && mention_at_[j + 1] >= 0 && IsPlace(mentions_[mention_at_[j + 1]])) {
          ++j;
          ++fillers;
          continue;
        }
        break;
      }
      if (!any) continue;  // "في إطار الاتفاق": a preposition, not a place
      for (size_t k : adjectives)
        if (mentions_[k].last < end) mentions_[k].location = true;
      for (size_t t = i; t < end; ++t) in_location_[t] = true;
    }
  }

  void FindTriggers() {
    for (size_t i = 0; i < toks_.size();) {
      if (reported_[i] || IsPunct(i)) {
        ++i;
        continue;
      }
      const TriggerDef* best = nullptr;
      std::string prefix;
      auto try_key = [&](const std::string& key) {
        auto it = r_.by_first.find(key);
        if (it == r_.by_first.end()) return;
        for (size_t idx : it->second) {
          const TriggerDef& t = r_.triggers[idx];
          std::string pre;
          if (best && best->keys.size() >= t.keys.size()) break;
          if (MatchPhrase(t.keys, i, &pre)) {
            best = &t;
            prefix = pre;
            break;
          }
        }
      };
      for (const std::string& v : Variants(i)) try_key(v);
      if (!best) {
        ++i;
        continue;
      }
      const size_t last = i + best->keys.size() - 1;
      bool overlaps_name = false;
      for (size_t j = i; j <= last; ++j) overlaps_name |= mention_at_[j] >= 0;
      if (overlaps_name) {  // part of a name ("Hội đồng Bảo an"): not a trigger
        ++i;
        continue;
      }
      TriggerHit h;
      h.def = best;
      h.first = i;
      h.last = last;
      h.anchor = i;
      h.verbal = !best->noun;
      // A verb never carries the article: "القصف" (the shelling) is a noun like "الاجتماع".
      for (const Phrase& a : r_.definite_article.phrases)
        if (a.size() == 1 && prefix.size() >= a[0].size() &&
            prefix.compare(prefix.size() - a[0].size(), a[0].size(), a[0]) == 0)
          h.verbal = false;
      // Purpose: the marker before the trigger, or an Arabic proclitic lām ("لبحث").
      if (i > 0 && IsPurposeMarkerBefore(i)) h.purpose = true;
      if (IsCueBefore(r_.temporal, i)) h.temporal = true;
      // The proclitics before the matched word, without the article ("الاجتماع" is not "لـ").
      std::string clitics = prefix;
      for (const Phrase& a : r_.definite_article.phrases)
        if (a.size() == 1 && clitics.size() >= a[0].size() &&
            clitics.compare(clitics.size() - a[0].size(), a[0].size(), a[0]) == 0)
          clitics.resize(clitics.size() - a[0].size());
      for (const Phrase& p : r_.purpose.phrases) {
        if (p.size() == 1 && !clitics.empty() && clitics.size() >= p[0].size() &&
            clitics.compare(clitics.size() - p[0].size(), p[0].size(), p[0]) == 0)
          h.purpose = true;
      }
      hits_.push_back(h);
      i = last + 1;
    }
  }
  // A phrase of `l` ends right before token i ("sau cuộc gặp", "وقبل اجتماع").
  bool IsCueBefore(const CueList& l, size_t i) const {
    if (l.longest > kMaxIndexedWords) {
      for (const Phrase& p : l.phrases)
        if (p.size() <= i && MatchPhrase(p, i - p.size(), nullptr)) return true;
      return false;
    }
    for (size_t n = 1; n <= std::min(i, l.longest); ++n)
      if (CueLengths(l, i - n) & (uint64_t{1} << n)) return true;
    return false;
  }
  bool IsPurposeMarkerBefore(size_t i) const { return IsCueBefore(r_.purpose, i); }

  // A noun trigger after a light verb ("tiến hành các cuộc tiếp xúc", "عقد لقاءً", "held talks")
  // behaves as a verb standing where the light verb stands.
  void ApplyLightVerbs() {
    for (size_t h = 0; h < hits_.size(); ++h) {
      TriggerHit& t = hits_[h];
      if (t.verbal) continue;
      const size_t lo = t.first > 6 ? t.first - 6 : 0;
      const size_t prev_end = h > 0 ? hits_[h - 1].last + 1 : 0;
      for (size_t q = t.first; q-- > std::max(lo, prev_end);) {
        if (IsPunct(q) && toks_[q]->key != "\"") break;
        if (MatchAt(r_.clause_breaks, q)) break;
        if (MatchAt(r_.light_verbs, q)) {
          t.anchor = q;
          t.verbal = true;
          if (t.first - q <= 3) t.first = q;
          break;
        }
      }
    }
  }

  static std::string Root(const TriggerDef* d) { return d->cameo.substr(0, 2); }

  // One cluster per event: triggers of one CAMEO root in a sentence are one event ("gặp ... thảo
  // luận"); a purpose clause ("để thảo luận", "to discuss") belongs to the event it serves; a
  // trigger right after another is its object ("khẳng định cam kết").
  void Cluster() {
    int next = 0;
    for (size_t h = 0; h < hits_.size(); ++h) {
      TriggerHit& t = hits_[h];
      if (t.inert || t.temporal) {  // boundaries and time anchors: clusters of their own
        t.cluster = next++;
        continue;
      }
      for (size_t g = 0; g < h && t.cluster < 0; ++g)
        if (Root(hits_[g].def) == Root(t.def) && !hits_[g].inert && !hits_[g].temporal) t.cluster = hits_[g].cluster;
      if (t.cluster < 0 && h > 0 && !hits_[h - 1].inert && (t.purpose || hits_[h - 1].last + 1 == t.first))
        t.cluster = hits_[h - 1].cluster;
      if (t.cluster < 0) t.cluster = next++;
    }
    clusters_ = next;
  }

  bool IsStop(size_t i) const {
    if (mention_at_[i] >= 0) return false;
    if (MatchAt(r_.clause_breaks, i) || MatchAt(r_.location, i) || MatchAt(r_.with, i) ||
        MatchAt(r_.passive_before, i) || MatchAt(r_.passive_after, i))
      return true;
    for (const TriggerHit& h : hits_)
      if (i >= h.first && i <= h.last && (h.cluster != current_cluster_ || h.purpose)) return true;
    return false;
  }
  bool Eligible(const MentionInfo& m) const {
    if (!quoted_.empty() && quoted_[m.first]) return false;  // named inside someone's words
    return m.known && !m.location && !m.reported && m.facts.type != v1::ENTITY_TYPE_LOC &&
           m.facts.type != v1::ENTITY_TYPE_UNSPECIFIED;
  }

  // Gap between token a (exclusive end of one mention) and b (start of the next): the number of
  // words that are not coordinators (a mention counts as one), or -1 if a stop lies in it.
  int Gap(size_t a, size_t b, bool skip_places = false) const {
    int units = 0;
    for (size_t i = a; i < b;) {
      if (skip_places && in_location_[i]) {  // "استقبل X في أنقرة وفدا": the place does not separate verb and object
        ++i;
        continue;
      }
      if (const int k = mention_at_[i]; k >= 0) {
        ++units;
        i = mentions_[k].last + 1;
        continue;
      }
      if (const size_t c = MatchAt(r_.coordinators, i)) {
        i += c;
        continue;
      }
      if (IsPunct(i)) {
        if (toks_[i]->key == ";" || toks_[i]->key == "؛" || toks_[i]->key == "." || toks_[i]->key == ":") return -1;
        ++i;
        continue;
      }
      if (IsStop(i)) return -1;
      ++units;
      ++i;
    }
    return units;
  }

  // A coordination group around mention k ("Thổ Nhĩ Kỳ, Mỹ, Qatar và Ai Cập", "تركيا والسعودية
  // وقطر", "Trưởng đoàn ... Hamas Khalil Al-Hayya"), within tokens [lo, hi).
  // With `coordinated`, two names in a row are two phrases unless a coordinator joins them or the
  // second is a person the first is an affiliation of: in verb-first order "دعت فرنسا الأمم
  // المتحدة" is subject then object, "رئيس الجهاز التركي إبراهيم قالن" one apposition.
  std::vector<size_t> GroupFrom(size_t k, size_t lo, size_t hi, bool coordinated = false) const {
    std::vector<size_t> g{k};
    for (size_t j = k + 1; j < mentions_.size() && mentions_[j].last < hi; ++j) {
      if (!Eligible(mentions_[j]) && mentions_[j].m->kind != MentionKind::kAdjective) continue;
      const int gap = Gap(mentions_[g.back()].last + 1, mentions_[j].first);
      if (gap < 0 || gap > 3) break;
      if (coordinated && !Coordinated(g.back(), j)) break;
      if (Eligible(mentions_[j])) g.push_back(j);
    }
    for (size_t j = k; j-- > 0 && mentions_[j].first >= lo;) {
      if (!Eligible(mentions_[j])) continue;
      const int gap = Gap(mentions_[j].last + 1, mentions_[g.front()].first);
      if (gap < 0 || gap > 3) break;
      g.insert(g.begin(), j);
    }
    return g;
  }

  bool Coordinated(size_t a, size_t b) const {
    for (size_t i = mentions_[a].last + 1; i < mentions_[b].first; ++i)
      if (MatchAt(r_.coordinators, i) && !IsPunct(i)) return true;
    const std::string& key = toks_[mentions_[b].first]->key;  // "وتركيا": a proclitic coordinator
    for (const Phrase& c : r_.coordinators.phrases)
      if (c.size() == 1 && key.size() > c[0].size() && key.compare(0, c[0].size(), c[0]) == 0 &&
          std::find(mentions_[b].facts.affiliations.begin(), mentions_[b].facts.affiliations.end(),
                    mentions_[a].m->entity_id) == mentions_[b].facts.affiliations.end()) {
        const auto variants = ArabicCliticVariants(key);
        if (std::find(variants.begin(), variants.end(), key.substr(c[0].size())) != variants.end()) return true;
      }
    const MentionInfo& mb = mentions_[b];
    if (mb.m->kind == MentionKind::kAdjective) return true;  // "جهاز الاستخبارات التركي"
    bool only_punct = true;  // "المتحدث باسم الخارجية، أونجو كيشيلي": apposition
    for (size_t i = mentions_[a].last + 1; i < mb.first; ++i) only_punct &= IsPunct(i);
    if (mb.facts.type == v1::ENTITY_TYPE_PER && only_punct && mb.first > mentions_[a].last + 1) return true;
    if (mb.facts.type == v1::ENTITY_TYPE_PER) {
      const auto& aff = mb.facts.affiliations;
      if (std::find(aff.begin(), aff.end(), mentions_[a].m->entity_id) != aff.end()) return true;
      if (mentions_[a].m->kind == MentionKind::kAdjective || mentions_[a].m->kind == MentionKind::kTitle) return true;
    }
    return mentions_[a].m->kind == MentionKind::kTitle && mentions_[a].m->entity_id == mb.m->entity_id;
  }

  // The first eligible mention starting in [from, hi) within `max_gap` words, not across a stop.
  std::optional<size_t> FirstRight(size_t from, size_t hi, int max_gap, bool stop_at_punct) const {
    for (size_t k = 0; k < mentions_.size(); ++k) {
      const MentionInfo& m = mentions_[k];
      if (m.first < from || m.first >= hi) continue;
      if (!Eligible(m)) continue;
      const int gap = Gap(from, m.first, true);
      if (gap < 0 || gap > max_gap) return std::nullopt;
      if (stop_at_punct) {
        for (size_t i = from; i < m.first; ++i)
          if (IsPunct(i) && MatchAt(r_.object_gap_stops, i)) return std::nullopt;
      }
      return k;
    }
    return std::nullopt;
  }
  // The nearest eligible mention ending in [lo, to), at most `max_words` words before `to` (a
  // mention counts as one word): a subject far to the left belongs to another clause.
  std::optional<size_t> LastLeft(size_t lo, size_t to, int max_words = 1000) const {
    for (size_t k = mentions_.size(); k-- > 0;) {
      const MentionInfo& m = mentions_[k];
      if (m.last >= to || m.first < lo) continue;
      if (!Eligible(m)) continue;
      if (WordDistance(m.last + 1, to) > max_words) return std::nullopt;
      return k;
    }
    return std::nullopt;
  }
  int WordDistance(size_t a, size_t b) const {
    int n = 0;
    for (size_t i = a; i < b;) {
      if (const int k = mention_at_[i]; k >= 0) {
        ++n;
        i = mentions_[k].last + 1;
        continue;
      }
      n += toks_[i]->is_word ? 1 : 0;
      ++i;
    }
    return n;
  }

  // Token bounds of trigger h's clause: from the previous trigger of another cluster (or a clause
  // break) to the next one.
  std::pair<size_t, size_t> Window(size_t h) const {
    const TriggerHit& t = hits_[h];
    size_t lo = 0, hi = toks_.size();
    for (size_t g = 0; g < hits_.size(); ++g) {
      if (hits_[g].cluster == t.cluster) continue;
      if (hits_[g].last < t.anchor) lo = std::max(lo, hits_[g].last + 1);
      if (hits_[g].first > t.last) hi = std::min(hi, hits_[g].anchor);
    }
    for (size_t i = lo; i < t.anchor; ++i)
      if (MatchAt(r_.clause_breaks, i)) lo = i + 1;
    for (size_t i = t.last + 1; i < hi; ++i)
      if (MatchAt(r_.clause_breaks, i)) {
        hi = i;
        break;
      }
    return {lo, hi};
  }

  bool TrailingAttribution(const TriggerHit& t) const {
    for (size_t i = t.last + 1; i < toks_.size(); ++i)
      if (!IsPunct(i) || IsQuoteMark(i)) return false;
    size_t words = 0;
    for (size_t i = t.anchor; i-- > 0;) {
      if (mention_at_[i] >= 0) return false;
      if (toks_[i]->key == "," || toks_[i]->key == "،") return words > 0 && words <= 3;
      if (IsPunct(i)) return false;
      if (++words > 3) return false;
    }
    return false;
  }

  bool SharedSubjectBefore(size_t lo, size_t anchor) const {
    const size_t from = lo >= 3 ? lo - 3 : 0;
    for (size_t i = from; i < anchor; ++i)
      if (MatchAt(r_.shared_subject, i)) return true;
    return false;
  }

  struct Roles {
    std::vector<size_t> subject, object, with;  // mention indices
    size_t subject_first = SIZE_MAX;            // token where the subject starts
    bool passive = false;
  };

  void AddGroup(std::vector<size_t>* out, const std::vector<size_t>& g) const {
    for (size_t k : g)
      if (std::find(out->begin(), out->end(), k) == out->end()) out->push_back(k);
  }

  // Groups introduced by "with" / "between" / participation cues after the trigger.
  void CueGroups(size_t from, size_t hi, Roles* r) const {
    for (size_t i = from; i < hi; ++i) {
      size_t n = MatchAt(r_.with, i);
      int gap = 6;
      if (!n && i <= from + 1) n = MatchAt(r_.between, i);
      if (!n) {
        n = MatchAt(r_.participation, i);
        gap = 4;
      }
      if (!n) {
        n = MatchAt(r_.mediation, i);
        gap = 1;
      }
      if (!n) continue;
      if (auto k = FirstRight(i + n, hi, gap, false)) AddGroup(&r->with, GroupFrom(*k, i + n, hi));
      i += n - 1;
    }
  }

  Roles AssignRoles(size_t h) const {
    const TriggerHit& t = hits_[h];
    current_cluster_ = t.cluster;
    const auto [lo, hi] = Window(h);
    Roles r;
    const size_t after = t.last + 1;
    if (!t.verbal) {
      // A noun: its own genitive ("viện trợ của Thổ Nhĩ Kỳ", "اجتماع رئيس مخابرات تركيا") unless
      // definite-anaphoric, then the cue groups; failing all, the nearest subject on the left.
      if (!t.def->anaphoric) {
        const size_t marker = MatchAt(r_.genitive_markers, after < toks_.size() ? after : 0);
        if (!r_.genitive_needs_marker || (after < toks_.size() && marker)) {
          const size_t from = r_.genitive_needs_marker ? after + marker : after;
          if (auto k = FirstRight(from, hi, 3, true)) AddGroup(&r.subject, GroupFrom(*k, from, hi));
        }
      }
      CueGroups(after, hi, &r);
      // "تشارك في اجتماع 7 دول هي A وB": a participation cue right before the noun.
      if (IsCueBefore(r_.participation, t.first))
        if (auto k = FirstRight(after, hi, 4, false)) AddGroup(&r.with, GroupFrom(*k, after, hi));
      // "Israel and Hamas agreed to a ceasefire": the parties stand before the cue that makes it
      // an event.
      if (t.def->effect && r.subject.empty() && r.with.empty()) {
        for (size_t i = t.first; i-- > lo;) {
          if (!MatchAt(r_.effect_cues, i)) continue;
          if (auto k = LastLeft(lo, i, 4)) {
            r.subject = GroupFrom(*k, lo, i);
            r.subject_first = mentions_[r.subject.front()].first;
          }
          break;
        }
      }
      // A weak noun ("aid", "المساعدات") is too often part of another clause's object to take a
      // subject from its left.
      if (r.subject.empty() && r.with.empty() && !t.def->anaphoric && !t.def->effect && !t.def->weak) {
        if (auto k = LastLeft(lo, t.first, 3)) {
          r.subject = GroupFrom(*k, lo, t.first);
          r.subject_first = mentions_[r.subject.front()].first;
        }
      }
      return r;
    }
    // A purpose clause ("لبحث تطورات غزة", "to discuss X") has the main clause's subject, on
    // its left; what follows it is its topic.
    if (t.purpose) {
      if (auto k = LastLeft(lo, t.anchor, 8)) {
        r.subject = GroupFrom(*k, lo, t.anchor);
        r.subject_first = mentions_[r.subject.front()].first;
      }
      return r;
    }
    // Passive with the agent before the verb: "S bị X cáo buộc".
    for (size_t i = lo; i < t.anchor; ++i) {
      if (!MatchAt(r_.passive_before, i)) continue;
      if (auto k = LastLeft(i + 1, t.anchor)) {
        r.subject = GroupFrom(*k, i + 1, t.anchor);
        r.passive = true;
        if (auto o = LastLeft(lo, i)) r.object = GroupFrom(*o, lo, i);
        r.subject_first = i;
        CueGroups(after, hi, &r);
        return r;
      }
    }
    // Passive with the agent after: "accused by X", "من قبل X".
    for (size_t i = after; i < std::min(hi, after + 3); ++i) {
      const size_t n = MatchAt(r_.passive_after, i);
      if (!n) continue;
      if (auto k = FirstRight(i + n, hi, 3, false)) {
        r.subject = GroupFrom(*k, i + n, hi);
        if (auto o = LastLeft(lo, t.first)) r.object = GroupFrom(*o, lo, t.first);
        r.passive = true;
        r.subject_first = i;
        return r;
      }
    }
    // Verb-subject-object: the subject right after the verb (a title may precede the name) -
    // unless a name stands right before the verb ("أن قالن قد التقى"): then subject first.
    bool subject_first_order = false;
    if (auto k = LastLeft(lo, t.anchor, 2)) {
      subject_first_order = true;
      for (size_t i = mentions_[*k].last + 1; i < t.anchor; ++i)
        subject_first_order &= !IsPunct(i) || IsQuoteMark(i);
    }
    if (r_.vso && !subject_first_order) {
      const size_t from = t.anchor < t.first ? t.anchor + 1 : after;
      const size_t subj_hi = t.anchor < t.first ? t.first : hi;
      if (auto k = FirstRight(from, subj_hi, 3, true)) {
        r.subject = GroupFrom(*k, from, subj_hi, true);
        r.subject_first = mentions_[r.subject.front()].first;
        const size_t obj_from = std::max(mentions_[r.subject.back()].last + 1, after);
        if (auto o = FirstRight(obj_from, hi, 8, true)) r.object = GroupFrom(*o, obj_from, hi, true);
        CueGroups(obj_from, hi, &r);
        return r;
      }
    }
    // "..., officials said.": a trailing attribution to someone unnamed.
    if (t.def->frame == Frame::kSay && TrailingAttribution(t)) return r;
    // Subject-verb-object (and the Arabic subject-first order).
    if (auto k = LastLeft(lo, t.anchor, t.def->weak ? 4 : 8)) {
      r.subject = GroupFrom(*k, lo, t.anchor);
      r.subject_first = mentions_[r.subject.front()].first;
    } else if (SharedSubjectBefore(lo, t.anchor)) {
      // "X cảnh báo ..., đồng thời kêu gọi Y": the coordinated verb keeps the sentence's subject,
      // taken as its first person (the likeliest agent of speech acts).
      for (size_t k = 0; k < mentions_.size(); ++k)
        if (Eligible(mentions_[k]) && mentions_[k].facts.type == v1::ENTITY_TYPE_PER && mentions_[k].last < lo) {
          r.subject = {k};
          r.subject_first = mentions_[k].first;
          break;
        }
    }
    if (r.subject.empty() && t.def->frame == Frame::kSay) {
      // "\"...,\" said Ana Lima": the speaker after the verb.
      if (auto k = FirstRight(after, hi, 2, true)) {
        r.subject = GroupFrom(*k, after, hi);
        r.subject_first = mentions_[r.subject.front()].first;
        return r;
      }
    }
    if (auto o = FirstRight(after, hi, 8, true)) r.object = GroupFrom(*o, after, hi);
    CueGroups(after, hi, &r);
    return r;
  }

  // Drops modifiers a person stands for ("Ngoại trưởng Thổ Nhĩ Kỳ Hakan Fidan": Turkey comes
  // along in Fidan's affiliations, it is not a second actor).
  void FoldAffiliations(std::vector<size_t>* g) const {
    std::set<std::string> covered;
    for (size_t k : *g) {
      const MentionInfo& m = mentions_[k];
      if (m.facts.type == v1::ENTITY_TYPE_PER) covered.insert(m.facts.affiliations.begin(), m.facts.affiliations.end());
    }
    std::erase_if(*g, [&](size_t k) {
      const MentionInfo& m = mentions_[k];
      return m.facts.type != v1::ENTITY_TYPE_PER && covered.count(m.m->entity_id) > 0;
    });
  }

  size_t DatePos(const DateMention& d) const {
    for (size_t i = 0; i < toks_.size(); ++i)
      if (toks_[i]->span.Overlaps(d.span)) return i;
    return toks_.size();
  }
  static size_t Dist(size_t pos, size_t anchor, size_t first, size_t last) {
    if (pos < std::min(anchor, first)) return std::min(anchor, first) - pos;
    if (pos > last) return pos - last;
    return 0;
  }
  // Each date belongs to the nearest trigger (ties: the earlier one), so "اجتماع اليوم" keeps
  // "today" for that meeting and "محادثات ... يوم السبت" gets Saturday. -1: nobody's.
  std::vector<int> DateOwners() const {
    std::vector<int> owner;
    for (const DateMention& d : *in_.dates) {
      const size_t pos = DatePos(d);
      int best = -1;
      size_t best_dist = SIZE_MAX;
      if (pos < toks_.size() && !reported_[pos]) {
        for (const TriggerHit& h : hits_) {
          if (InSinceClauseAfter(h.last, pos)) continue;
          const size_t dist = Dist(pos, h.anchor, h.first, h.last);
          if (dist < best_dist) best = h.cluster, best_dist = dist;
        }
      }
      owner.push_back(best);
    }
    return owner;
  }
  std::optional<DateMention> DateFor(int cluster, const std::vector<int>& owner, size_t anchor, size_t first) const {
    std::optional<DateMention> best;
    size_t best_dist = SIZE_MAX;
    for (size_t i = 0; i < in_.dates->size(); ++i) {
      if (owner[i] != cluster) continue;
      const DateMention& d = (*in_.dates)[i];
      const size_t dist = Dist(DatePos(d), anchor, first, first);
      if (dist < best_dist) best = d, best_dist = dist;
    }
    return best;
  }
  // A date in a "since" clause that starts after the trigger dates something else ("accused
  // Israel of violations since the truce took effect in October").
  bool InSinceClauseAfter(size_t trigger_last, size_t pos) const {
    for (size_t i = trigger_last + 1; i < pos; ++i)
      if (MatchAt(r_.since, i)) return true;
    return false;
  }

  // The sentence's narrative date: the last day-precision date its events took, else its last
  // day-precision date outside "since" clauses.
  std::optional<DateMention> NarrativeDate(const std::vector<RecognizedEvent>& events) const {
    std::optional<DateMention> out;
    for (const RecognizedEvent& e : events)
      if (e.date && e.date->precision == v1::DATE_PRECISION_DAY) out = e.date;
    if (out) return out;
    for (const DateMention& d : *in_.dates) {
      if (d.precision != v1::DATE_PRECISION_DAY) continue;
      bool since = false;
      for (size_t i = 0; i < toks_.size() && toks_[i]->span.end <= d.span.begin; ++i)
        if (toks_[i]->span.begin + 12 >= d.span.begin && MatchAt(r_.since, i)) since = true;
      if (!since) out = d;
    }
    return out;
  }

  std::vector<RecognizedEvent> BuildEvents() {
    struct Built {
      RecognizedEvent ev;
      std::vector<size_t> subject;  // mentions of the subject, for subject sharing
      size_t subject_first = SIZE_MAX;
      size_t head_last = 0;
      bool has_subject = false;
      bool left_subject = false;  // the subject stands before a verb: a main-clause subject
      bool temporal = false;
      bool weak = false;
      Frame frame = Frame::kSay;
      bool effect = false;
      int location_words = 0;  // words between the trigger and its place
      int cluster = -1;
      size_t head = 0;
      int nearest_actor_words = 1000;  // evidence strength: how close its parties stand
    };
    std::vector<Built> built;
    const std::vector<int> date_owner = DateOwners();
    for (int c = 0; c < clusters_; ++c) {
      std::vector<size_t> members;
      for (size_t h = 0; h < hits_.size(); ++h)
        if (hits_[h].cluster == c) members.push_back(h);
      if (members.empty() || hits_[members.front()].inert || hits_[members.front()].quoted) continue;
      // The head: a verb before a noun, a strong trigger before a weak one, never a purpose clause.
      size_t head = members.front();
      int best_rank = -1;
      for (size_t h : members) {
        const TriggerHit& m = hits_[h];
        const int rank = (m.purpose ? 0 : 4) + (m.def->weak ? 0 : 2) + (m.verbal ? 1 : 0);
        if (rank > best_rank) head = h, best_rank = rank;
      }
      Built b;
      const TriggerHit& ht = hits_[head];
      b.cluster = c;
      b.head = head;
      b.frame = ht.def->frame;
      b.effect = ht.def->effect;
      b.head_last = ht.last;
      b.ev.cameo_code = ht.def->cameo;
      b.ev.trigger = {toks_[ht.first]->span.begin, toks_[ht.last]->span.end};
      b.ev.anaphoric = ht.def->anaphoric && !ht.verbal;
      std::vector<size_t> subject, object, with;
      bool all_anaphoric = true;
      for (size_t h : members) {
        if (h != head && Root(hits_[h].def) != Root(ht.def)) continue;  // a purpose clause: its goal only
        Roles r = AssignRoles(h);
        if (hits_[h].def->topic) r.object.clear();
        all_anaphoric &= hits_[h].def->anaphoric && !hits_[h].verbal;
        FoldAffiliations(&r.subject);
        FoldAffiliations(&r.object);
        FoldAffiliations(&r.with);
        AddGroup(&subject, r.subject);
        AddGroup(&object, r.object);
        AddGroup(&with, r.with);
        if (!r.subject.empty() && r.subject_first < b.subject_first) b.subject_first = r.subject_first;
        if (!r.subject.empty() && hits_[h].verbal && r.subject_first < hits_[h].anchor) b.left_subject = true;
      }
      b.ev.anaphoric = all_anaphoric || (ht.def->anaphoric && !ht.verbal);
      b.temporal = ht.temporal;
      b.weak = ht.def->weak;
      b.subject = subject;
      b.has_subject = !subject.empty();
      std::set<std::string> seen;
      auto add = [&](const std::vector<size_t>& g, v1::ActorRole role) {
        for (size_t k : g) {
          const std::string& id = mentions_[k].m->entity_id;
          if (seen.insert(id).second) b.ev.actors.push_back({id, role});
          const MentionInfo& m = mentions_[k];
          const int d = m.last < ht.first ? WordDistance(m.last + 1, ht.first) : WordDistance(ht.last + 1, m.first);
          b.nearest_actor_words = std::min(b.nearest_actor_words, d);
        }
      };
      switch (b.frame) {
        case Frame::kSymmetric:
          add(subject, v1::ACTOR_ROLE_PARTICIPANT);
          add(object, v1::ACTOR_ROLE_PARTICIPANT);
          add(with, v1::ACTOR_ROLE_PARTICIPANT);
          break;
        case Frame::kDirected:
          add(subject, v1::ACTOR_ROLE_SOURCE);
          add(object, v1::ACTOR_ROLE_TARGET);
          add(with, v1::ACTOR_ROLE_TARGET);
          break;
        case Frame::kSay:
          add(subject, v1::ACTOR_ROLE_SOURCE);
          break;
      }
      // Location: a place of a location phrase inside the head's clause; cities and regions
      // before countries ("Miami (Mỹ)"), then the nearest.
      const auto [lo, hi] = Window(head);
      const LocationCand* loc = nullptr;
      size_t loc_dist = SIZE_MAX;
      for (const LocationCand& l : locations_) {
        if (l.token < lo || l.token >= hi) continue;
        const size_t dist = l.token < ht.anchor ? ht.anchor - l.token : l.token - ht.last;
        if (!loc || (loc->is_country && !l.is_country) || (loc->is_country == l.is_country && dist < loc_dist)) {
          loc = &l;
          loc_dist = dist;
        }
      }
      if (loc) {
        b.ev.location_id = loc->id;
        b.location_words = WordDistance(std::min(loc->token, ht.last), std::max(loc->token, ht.first));
      }
      b.ev.date = DateFor(c, date_owner, ht.anchor, ht.first);
      built.push_back(std::move(b));
    }
    // A fronted phrase shares the main clause's subject: "After the meeting with Caine, Katz said"
    // makes Katz a party to the meeting.
    for (size_t i = 0; i < built.size(); ++i) {
      Built& b = built[i];
      if (b.frame != Frame::kSymmetric || b.has_subject || b.effect || (b.ev.anaphoric && b.ev.actors.empty())) continue;
      for (size_t j = 0; j < built.size(); ++j) {
        if (j == i || !built[j].left_subject || built[j].subject_first <= b.head_last) continue;
        for (size_t k : built[j].subject) {
          const std::string& id = mentions_[k].m->entity_id;
          if (std::none_of(b.ev.actors.begin(), b.ev.actors.end(), [&](const EventActorRef& a) { return a.entity_id == id; }))
            b.ev.actors.push_back({id, v1::ACTOR_ROLE_PARTICIPANT});
        }
        break;
      }
    }
    std::vector<RecognizedEvent> out;
    std::vector<size_t> kept_heads;  // the head trigger of each kept event
    std::vector<int> kept_clusters;
    for (Built& b : built) {
      const bool has_source = std::any_of(b.ev.actors.begin(), b.ev.actors.end(),
                                          [](const EventActorRef& a) { return a.role == v1::ACTOR_ROLE_SOURCE; });
      // An event needs someone who acts; a statement needs its speaker. Meetings, agreements and
      // truces without named parties still count when the text anchors them to a place (or, for
      // agreements that took effect, a date); an anaphoric mention may complete an earlier one.
      bool keep = false;
      // "after the truce", "before today's meeting": a time anchor is an event only with parties.
      if (b.temporal && b.ev.actors.empty()) continue;
      switch (b.frame) {
        case Frame::kSay: keep = has_source; break;
        case Frame::kDirected: keep = !b.ev.actors.empty(); break;
        case Frame::kSymmetric:
          keep = !b.ev.actors.empty() || (!b.ev.location_id.empty() && b.location_words <= 8) || b.ev.anaphoric ||
                 (b.effect && b.ev.date);
          break;
      }
      if (!keep) continue;
      // Confidence: trigger strength x how many parties (two make an interaction) x how close the
      // nearest one stands, plus a little for a stated place.
      const float strength = b.weak ? 0.6f : 0.9f;
      const float actors = std::min<size_t>(b.ev.actors.size(), 2) * 0.2f + 0.6f;
      const float distance = b.nearest_actor_words <= 3 ? 1.0f : b.nearest_actor_words <= 8 ? 0.9f : 0.8f;
      b.ev.confidence =
          std::min(1.0f, strength * actors * distance + (b.ev.location_id.empty() ? 0.0f : 0.05f));
      out.push_back(std::move(b.ev));
      kept_heads.push_back(b.head);
      kept_clusters.push_back(b.cluster);
    }
    // A date whose nearest trigger reported nothing ("met ... on Sunday, officials said") goes
    // to the nearest event that has none.
    for (size_t i = 0; i < in_.dates->size(); ++i) {
      if (date_owner[i] >= 0 &&
          std::find(kept_clusters.begin(), kept_clusters.end(), date_owner[i]) != kept_clusters.end())
        continue;
      const size_t pos = DatePos((*in_.dates)[i]);
      if (pos >= toks_.size() || reported_[pos]) continue;
      size_t best = SIZE_MAX, best_dist = SIZE_MAX;
      for (size_t e = 0; e < out.size(); ++e) {
        if (out[e].date) continue;
        const TriggerHit& h = hits_[kept_heads[e]];
        if (InSinceClauseAfter(h.last, pos)) continue;
        const size_t dist = Dist(pos, h.anchor, h.first, h.last);
        if (dist < best_dist) best = e, best_dist = dist;
      }
      if (best != SIZE_MAX) out[best].date = (*in_.dates)[i];
    }
    return out;
  }

  const LangRules& r_;
  const SentenceInput& in_;
  std::vector<const Token*> toks_;
  // ArabicCliticVariants of each token's key, computed on first use (MatchPhrase asks for the
  // same token once per cue phrase and per trigger window).
  mutable std::vector<std::optional<std::vector<std::string>>> variants_;
  mutable std::vector<uint64_t> cue_lengths_;  // CueLengths: per token, kCueSlots masks + "computed"
  std::span<const std::string> Variants(size_t i) const {
    const std::string& key = toks_[i]->key;
    // Only a key led by 0xD8..0xDB (Arabic letters) has readings other than itself: the others
    // need no copy.
    const unsigned char lead = key.empty() ? 0 : static_cast<unsigned char>(key[0]);
    if (lead < 0xD8 || lead > 0xDB) return {&key, 1};
    if (variants_.size() < toks_.size()) variants_.resize(toks_.size());
    if (!variants_[i]) variants_[i] = ArabicCliticVariants(key);
    return *variants_[i];
  }
  std::vector<MentionInfo> mentions_;
  std::vector<int> mention_at_;
  std::vector<bool> reported_;
  std::vector<LocationCand> locations_;
  std::vector<TriggerHit> hits_;
  int clusters_ = 0;
  // The cluster whose roles are being assigned: its own words ("đoàn đàm phán" inside "gặp
  // Trưởng đoàn đàm phán của Hamas") do not end its phrases.
  mutable int current_cluster_ = -1;
  std::vector<bool> quoted_;  // per token: inside a quotation (speech)
  std::vector<bool> in_location_;  // per token: part of a location phrase ("في مدينة إسطنبول")
};

}  // namespace

struct EventRecognizer::Impl {
  std::map<std::string, LangRules, std::less<>> langs;
  std::string fingerprint;
};

EventRecognizer::EventRecognizer(PassKey) : impl_(std::make_unique<Impl>()) {}
EventRecognizer::~EventRecognizer() = default;

Result<std::unique_ptr<EventRecognizer>> EventRecognizer::Load(const std::filesystem::path& kb_dir) {
  auto r = std::make_unique<EventRecognizer>(PassKey{});
  const std::filesystem::path lang_dir = kb_dir / "lang";
  std::error_code ec;
  if (!std::filesystem::is_directory(lang_dir, ec))
    return Status::InvalidArgument("no language data folder: " + lang_dir.string());
  std::vector<std::filesystem::path> dirs;
  for (const auto& e : std::filesystem::directory_iterator(lang_dir, ec))
    if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());  // deterministic fingerprint
  std::string all;
  for (const auto& d : dirs) {
    bool ok = false;
    const std::string triggers = ReadFile(d / "triggers.tsv", &ok);
    if (!ok) continue;
    LangRules rules;
    if (Status s = ParseTriggers(d / "triggers.tsv", triggers, &rules); !s.ok()) return s;
    const std::string cues = ReadFile(d / "events.json", &ok);
    if (ok) {
      if (Status s = ParseCues(d / "events.json", cues, &rules); !s.ok()) return s;
    }
    all += d.filename().string() + '\x1f' + triggers + '\x1f' + cues + '\x1e';
    r->impl_->langs.emplace(d.filename().string(), std::move(rules));
  }
  r->impl_->fingerprint = HexId(StableHash64(all));
  return r;
}

bool EventRecognizer::Supports(std::string_view lang) const { return impl_->langs.find(lang) != impl_->langs.end(); }
const std::string& EventRecognizer::fingerprint() const { return impl_->fingerprint; }

SentenceEvents EventRecognizer::Find(const SentenceInput& in, std::string_view lang, const EntityFactsFn& facts) const {
  auto it = impl_->langs.find(lang);
  if (it == impl_->langs.end() || !in.tokens || !in.entities || !in.dates) return {};
  SentenceAnalysis a(it->second, in, facts);
  return a.Run();
}

// ---------------------------------------------------------------------------------------------

v1::EventDate ToEventDate(const DateMention& d, std::string_view body) {
  v1::EventDate out;
  out.set_iso(FormatIsoDate(d.date, d.precision));
  out.set_precision(d.precision);
  out.set_resolution(d.resolution);
  if (d.span.end <= body.size()) out.set_surface(std::string(d.span.In(body)));
  return out;
}

ArticleEventCollector::ArticleEventCollector(std::string_view body, std::optional<v1::EventDate> publication,
                                             SideFn side)
    : body_(body), publication_(std::move(publication)), side_(std::move(side)) {}

std::optional<v1::EventDate> ArticleEventCollector::DateOf(const std::optional<DateMention>& own,
                                                          bool anterior) const {
  if (own) return ToEventDate(*own, body_);
  if (anterior) return std::nullopt;
  if (narrative_) {
    v1::EventDate d = ToEventDate(*narrative_, body_);
    d.clear_surface();
    if (narrative_->resolution != v1::DATE_RESOLUTION_RELATIVE_CLOCK) d.set_resolution(v1::DATE_RESOLUTION_INHERITED);
    return d;
  }
  return publication_;
}

bool ArticleEventCollector::Compatible(const ArticleEvent& earlier, const RecognizedEvent& later) const {
  if (earlier.event.cameo_code.substr(0, 2) != later.cameo_code.substr(0, 2)) return false;
  if (!earlier.event.location_id.empty() && !later.location_id.empty() &&
      earlier.event.location_id != later.location_id)
    return false;
  if (later.date && earlier.date && ToEventDate(*later.date, body_).iso() != earlier.date->iso()) return false;
  if (later.anaphoric) return true;
  // A report without parties ("the meeting in Istanbul") and one naming them complete each other.
  if (earlier.event.actors.empty() || later.actors.empty()) return true;
  std::set<std::string> sides;
  for (const EventActorRef& a : earlier.event.actors) sides.insert(side_(a.entity_id));
  for (const EventActorRef& a : later.actors)
    if (sides.count(side_(a.entity_id))) return true;
  return false;
}

void ArticleEventCollector::Add(Span sentence, SentenceEvents se) {
  const int idx = sentence_index_++;
  for (RecognizedEvent& ev : se.events) {
    Slot* target = nullptr;
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (idx - it->last_sentence > 2) continue;
      if (it->last_sentence == idx) continue;  // one sentence's clusters are distinct events
      if (Compatible(it->ev, ev)) {
        target = &*it;
        break;
      }
    }
    if (target) {
      RecognizedEvent& e = target->ev.event;
      for (const EventActorRef& a : ev.actors)
        if (std::none_of(e.actors.begin(), e.actors.end(), [&](const EventActorRef& b) { return b.entity_id == a.entity_id; }))
          e.actors.push_back(a);
      if (e.location_id.empty()) e.location_id = ev.location_id;
      if (!e.date && ev.date) {
        e.date = ev.date;
        target->ev.date = ToEventDate(*ev.date, body_);
      }
      e.anaphoric = false;
      e.confidence = std::min(1.0f, std::max(e.confidence, ev.confidence) + 0.05f);
      target->last_sentence = idx;
      continue;
    }
    if (ev.anaphoric && ev.actors.empty() && ev.location_id.empty()) continue;  // refers to nothing we hold
    Slot s;
    s.ev.date = DateOf(ev.date, se.anterior);
    s.ev.event = std::move(ev);
    s.ev.sentence = sentence;
    s.last_sentence = idx;
    events_.push_back(std::move(s));
  }
  if (se.narrative_date) narrative_ = se.narrative_date;
}

std::vector<ArticleEvent> ArticleEventCollector::Take() {
  std::vector<ArticleEvent> out;
  for (Slot& s : events_) {
    // An event still without any actor is kept only when a place anchors it.
    if (s.ev.event.actors.empty() && s.ev.event.location_id.empty() && !s.ev.event.date) continue;
    out.push_back(std::move(s.ev));
  }
  events_.clear();
  return out;
}

}  // namespace newsflow::extract
