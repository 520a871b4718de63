#include "newsflow/eval/score.h"

#include <algorithm>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace newsflow::eval {
namespace {

using nlohmann::json;

std::optional<std::string> OptString(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  for (const auto& v : *it) out.push_back(v.get<std::string>());
  return out;
}

std::vector<std::pair<std::string, std::string>> Pairs(const json& j, const char* key) {
  std::vector<std::pair<std::string, std::string>> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  for (const auto& v : *it) out.emplace_back(v.at(0).get<std::string>(), v.at(1).get<std::string>());
  return out;
}

// Calls `line_fn` for every non-empty line of a JSON Lines file; nlohmann's exceptions stay here.
Status ForEachJsonLine(const std::filesystem::path& file, const std::function<void(const json&)>& line_fn) {
  std::ifstream in(file);
  if (!in) return Status::InvalidArgument("cannot read " + file.string());
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      line_fn(json::parse(line));
    } catch (const json::exception& e) {
      return Status::InvalidArgument(file.string() + ":" + std::to_string(n) + ": " + e.what());
    }
  }
  return Status::Ok();
}

std::string Root(std::string_view code) { return std::string(code.substr(0, 2)); }

bool ActorSatisfied(const std::string& gold_name, const PredictedEvent& p) {
  const std::string k = NameKey(gold_name);
  for (const PredictedActor& a : p.actors) {
    if (NameKey(a.name) == k) return true;
    for (const std::string& aff : a.affiliation_names)
      if (NameKey(aff) == k) return true;
  }
  return false;
}

bool CodeAccepted(const GoldEvent& g, const PredictedEvent& p) {
  return std::find(g.codes.begin(), g.codes.end(), Root(p.cameo_code)) != g.codes.end();
}

}  // namespace

Result<Gold> LoadGold(const std::filesystem::path& dir) {
  Gold g;
  Status s = ForEachJsonLine(dir / "docs.jsonl", [&](const json& j) {
    GoldDoc d;
    d.doc = j.at("doc").get<std::string>();
    d.language = j.at("language").get<std::string>();
    d.title = OptString(j, "title");
    d.published = OptString(j, "published");
    d.source = j.value("source", "");
    d.source_alternatives = Strings(j, "source_alternatives");
    g.docs.push_back(std::move(d));
  });
  if (!s.ok()) return s;
  s = ForEachJsonLine(dir / "entities.jsonl", [&](const json& j) {
    GoldEntities e;
    e.doc = j.at("doc").get<std::string>();
    e.required = Pairs(j, "required");
    e.optional = Pairs(j, "optional");
    g.entities.push_back(std::move(e));
  });
  if (!s.ok()) return s;
  s = ForEachJsonLine(dir / "events.jsonl", [&](const json& j) {
    GoldEvent e;
    e.id = j.at("id").get<std::string>();
    e.doc = j.at("doc").get<std::string>();
    e.codes = Strings(j, "codes");
    e.actors = Strings(j, "actors");
    e.location = OptString(j, "location");
    e.date = OptString(j, "date");
    e.required = j.value("required", true);
    e.evidence = j.value("evidence", "");
    g.events.push_back(std::move(e));
  });
  if (!s.ok()) return s;
  s = ForEachJsonLine(dir / "fusion.jsonl", [&](const json& j) {
    GoldFusion f;
    f.id = j.at("id").get<std::string>();
    f.same = j.contains("same");
    const json& pair = f.same ? j.at("same") : j.at("distinct");
    f.a = pair.at(0).get<std::string>();
    f.b = pair.at(1).get<std::string>();
    f.required = j.value("required", true);
    f.note = j.value("note", "");
    g.fusion.push_back(std::move(f));
  });
  if (!s.ok()) return s;
  return g;
}

std::string NameKey(std::string_view name) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  if (U_SUCCESS(err)) u = nfc->normalize(u, err);
  u.foldCase();
  if (U_SUCCESS(err)) u = nfc->normalize(u, err);
  std::string out;
  u.toUTF8String(out);
  return out;
}

bool DateAgrees(std::string_view gold, std::string_view predicted) {
  if (gold.size() == 7 && gold.substr(0, 2) == "--") {  // --MM-DD
    return predicted.size() == 10 && predicted.substr(5) == gold.substr(2);
  }
  if (gold.size() == 7) return predicted.size() >= 7 && predicted.substr(0, 7) == gold;  // YYYY-MM
  if (gold.size() == 4) return predicted.size() >= 4 && predicted.substr(0, 4) == gold;
  return predicted == gold;
}

bool MatchesIgnoringDate(const GoldEvent& g, const PredictedEvent& p) {
  if (!CodeAccepted(g, p)) return false;
  for (const std::string& a : g.actors)
    if (!ActorSatisfied(a, p)) return false;
  if (g.location && NameKey(*g.location) != NameKey(p.location)) return false;
  return true;
}

bool Matches(const GoldEvent& g, const PredictedEvent& p) {
  return MatchesIgnoringDate(g, p) && (!g.date || DateAgrees(*g.date, p.date_iso));
}

std::optional<size_t> BestMatch(const GoldEvent& g, const std::vector<PredictedEvent>& predicted) {
  std::optional<size_t> best;
  std::tuple<int, float, std::string> best_key;
  for (size_t i = 0; i < predicted.size(); ++i) {
    const PredictedEvent& p = predicted[i];
    if (!CodeAccepted(g, p)) continue;
    int score = Matches(g, p) ? 1000 : 0;
    for (const std::string& a : g.actors) score += ActorSatisfied(a, p) ? 10 : 0;
    if (g.location && NameKey(*g.location) == NameKey(p.location)) score += 10;
    if (g.date && DateAgrees(*g.date, p.date_iso)) score += 5;
    // Higher score, then higher confidence, then the smaller id: deterministic.
    const auto key = std::make_tuple(score, p.confidence, p.id);
    if (!best || std::get<0>(key) > std::get<0>(best_key) ||
        (std::get<0>(key) == std::get<0>(best_key) &&
         (std::get<1>(key) > std::get<1>(best_key) ||
          (std::get<1>(key) == std::get<1>(best_key) && std::get<2>(key) < std::get<2>(best_key))))) {
      best = i;
      best_key = key;
    }
  }
  return best;
}

EntityScore ScoreEntities(const GoldEntities& gold, const std::vector<PredictedEntity>& predicted) {
  EntityScore s;
  std::map<std::string, std::string> any_type, required;  // name key -> type
  for (const auto& [n, t] : gold.required) required[NameKey(n)] = t, any_type[NameKey(n)] = t;
  for (const auto& [n, t] : gold.optional) any_type[NameKey(n)] = t;
  std::set<std::string> seen;
  for (const PredictedEntity& p : predicted) {
    const std::string k = NameKey(p.name);
    if (!seen.insert(k).second) continue;
    ++s.prf.predicted;
    auto it = any_type.find(k);
    if (it == any_type.end()) {
      s.false_positives.push_back(p.name + " (" + p.type + ")");
      continue;
    }
    ++s.prf.tp_p;
    ++s.typed;
    if (it->second == p.type) ++s.type_correct;
  }
  for (const auto& [n, t] : gold.required) {
    ++s.prf.gold;
    if (seen.count(NameKey(n))) {
      ++s.prf.tp_r;
    } else {
      s.misses.push_back(n + " (" + t + ")");
    }
  }
  return s;
}

EventScore ScoreEvents(const std::vector<const GoldEvent*>& gold, const std::vector<PredictedEvent>& predicted) {
  EventScore s;
  for (size_t i = 0; i < predicted.size(); ++i) {
    ++s.prf.predicted;
    const bool ok = std::any_of(gold.begin(), gold.end(), [&](const GoldEvent* g) { return Matches(*g, predicted[i]); });
    if (ok) {
      ++s.prf.tp_p;
    } else {
      s.false_positives.push_back(i);
    }
  }
  for (const GoldEvent* g : gold) {
    if (g->required) {
      ++s.prf.gold;
      const bool ok = std::any_of(predicted.begin(), predicted.end(), [&](const PredictedEvent& p) { return Matches(*g, p); });
      if (ok) {
        ++s.prf.tp_r;
      } else {
        s.misses.push_back(g->id);
      }
    }
    // Date accuracy: among gold events with a date that some prediction matches on everything
    // else, how often the best such prediction also has the right date.
    if (!g->date) continue;
    std::optional<size_t> rep;
    for (size_t i = 0; i < predicted.size(); ++i) {
      if (!MatchesIgnoringDate(*g, predicted[i])) continue;
      if (!rep || DateAgrees(*g->date, predicted[i].date_iso)) rep = i;
      if (DateAgrees(*g->date, predicted[i].date_iso)) break;
    }
    if (!rep) continue;
    ++s.dated;
    if (DateAgrees(*g->date, predicted[*rep].date_iso)) {
      ++s.date_correct;
    } else {
      s.date_errors.push_back(g->id + ": gold " + *g->date + ", predicted " +
                              (predicted[*rep].date_iso.empty() ? "none" : predicted[*rep].date_iso));
    }
  }
  return s;
}

}  // namespace newsflow::eval
