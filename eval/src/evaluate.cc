#include "newsflow/eval/evaluate.h"

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "newsflow/extract/extractor.h"
#include "newsflow/extract/kb.h"
#include "newsflow/extract/text.h"
#include "newsflow/extract/types.h"
#include "newsflow/ingest/article_parser.h"
#include "newsflow/sink/store.h"

namespace newsflow::eval {
namespace {

// A private temporary directory, removed with everything in it when it goes out of scope.
class TempDir {
 public:
  static Result<TempDir> Create() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "newsflow-eval-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return Status::Unavailable("cannot create a temporary directory");
    return TempDir(tmpl);
  }
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

std::string TypeName(v1::EntityType t) {
  switch (t) {
    case v1::ENTITY_TYPE_PER: return "PER";
    case v1::ENTITY_TYPE_ORG: return "ORG";
    case v1::ENTITY_TYPE_GPE: return "GPE";
    case v1::ENTITY_TYPE_LOC: return "LOC";
    default: return "?";
  }
}

std::string DayIso(const google::protobuf::Timestamp& ts) {
  const auto tp = std::chrono::sys_seconds(std::chrono::seconds(ts.seconds()));
  return extract::FormatIsoDate(extract::CivilDate(std::chrono::floor<std::chrono::days>(tp)), v1::DATE_PRECISION_DAY);
}

// The canonical names an outlet string may stand for: each "/"-separated part as written and, when
// it is a knowledge-base alias, the entity's canonical name ("TTXVN" -> "Vietnam News Agency").
std::set<std::string> OutletNames(const std::string& outlet, const extract::KnowledgeBase& kb) {
  std::set<std::string> out;
  std::vector<std::string> parts{outlet};
  std::stringstream ss(outlet);
  std::string part;
  while (std::getline(ss, part, '/')) parts.push_back(part);
  for (std::string p : parts) {
    p.erase(0, p.find_first_not_of(" .\t"));
    p.erase(p.find_last_not_of(" .\t") + 1);
    if (p.empty()) continue;
    out.insert(NameKey(p));
    const std::string key = extract::MatchKey(p);
    for (const auto* list : {&kb.aliases(), &kb.short_forms()})
      for (const extract::KbAlias& a : *list)
        if (extract::MatchKey(a.surface) == key)
          if (const extract::KbEntity* e = kb.Find(a.entity_id)) out.insert(NameKey(e->name));
  }
  return out;
}

std::string Pct(double x) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(3) << x;
  return s.str();
}

std::string PrfLine(const Prf& p) {
  return "P=" + Pct(p.precision()) + " R=" + Pct(p.recall()) + " F1=" + Pct(p.f1()) + " (" + std::to_string(p.tp_p) +
         "/" + std::to_string(p.predicted) + " predicted, " + std::to_string(p.tp_r) + "/" + std::to_string(p.gold) +
         " gold)";
}

nlohmann::json PrfJson(const Prf& p) {
  return {{"precision", p.precision()}, {"recall", p.recall()}, {"f1", p.f1()},     {"tp_predicted", p.tp_p},
          {"predicted", p.predicted},   {"tp_gold", p.tp_r},    {"gold", p.gold}};
}

}  // namespace

Result<std::chrono::system_clock::time_point> ParseClock(std::string_view iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char tail = 0;
  const std::string s(iso);
  const int n = std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail);
  const bool date_only = n == 3 && s.size() == 10;
  const bool full = n == 7 && tail == 'Z' && s.size() == 20;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if ((!date_only && !full) || !ymd.ok() || h > 23 || mi > 59 || sec > 60)
    return Status::InvalidArgument("--clock wants YYYY-MM-DDTHH:MM:SSZ, got '" + s + "'");
  return std::chrono::system_clock::time_point(std::chrono::sys_days(ymd) + std::chrono::hours(h) +
                                               std::chrono::minutes(mi) + std::chrono::seconds(sec));
}

std::vector<std::string> Report::FloorFailures(const Thresholds& t) const {
  std::vector<std::string> f;
  if (entities.f1() < t.entity_f1) f.push_back("entity F1 " + Pct(entities.f1()) + " < " + Pct(t.entity_f1));
  if (events.f1() < t.event_f1) f.push_back("event F1 " + Pct(events.f1()) + " < " + Pct(t.event_f1));
  if (date_accuracy() < t.date_accuracy)
    f.push_back("date accuracy " + Pct(date_accuracy()) + " < " + Pct(t.date_accuracy));
  for (const FusionOutcome& o : fusion)
    if (o.pair.required && !o.held) f.push_back("fusion " + o.pair.id + " not held: " + o.detail);
  return f;
}

Result<Report> Evaluate(const EvalOptions& options) {
  auto gold = LoadGold(options.gold_dir);
  if (!gold.ok()) return gold.status();
  auto parser = ingest::ArticleParser::Create(options.kb_dir);
  if (!parser.ok()) return parser.status();
  extract::ExtractorOptions xo;
  xo.kb_dir = options.kb_dir;
  auto extractor = extract::Extractor::Create(xo);
  if (!extractor.ok()) return extractor.status();
  auto kb = extract::KnowledgeBase::Load(options.kb_dir);
  if (!kb.ok()) return kb.status();
  auto tmp = TempDir::Create();
  if (!tmp.ok()) return tmp.status();
  auto store = sink::OpenStore("sqlite:" + (tmp->path() / "eval.db").string());
  if (!store.ok()) return store.status();

  auto name_of = [&](const std::string& id) -> std::string {
    const extract::KbEntity* e = (*kb)->Find(id);
    return e ? e->name : id;
  };

  Report report;
  report.extractor_version = (*extractor)->version();
  std::vector<v1::ExtractOutput> records;
  std::map<std::string, std::vector<PredictedEvent>> predicted_by_doc;  // doc file -> events

  for (const GoldDoc& gd : gold->docs) {
    const std::filesystem::path file = options.seeds_dir / gd.doc;
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::InvalidArgument("cannot read seed " + file.string());
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ingest::RawArticle raw;
    raw.bytes = bytes;
    raw.url = file.string();
    raw.origin = v1::ORIGIN_REPLAY;
    raw.ingested_at = options.clock;
    auto article = (*parser)->Parse(raw);
    if (!article.ok()) return Status(article.status().code(), gd.doc + ": " + article.status().message());
    auto x = (*extractor)->Extract(*article);
    if (!x.ok()) return Status(x.status().code(), gd.doc + ": " + x.status().message());

    const v1::Article& a = x->article.article();
    // docs.jsonl checks.
    report.doc_checks.push_back({gd.doc, "language", a.language() == gd.language, gd.language, a.language()});
    const std::string want_title = gd.title.value_or("");
    report.doc_checks.push_back({gd.doc, "title", NameKey(a.title()) == NameKey(want_title), want_title, a.title()});
    const std::string got_pub = a.has_published_at() ? DayIso(a.published_at()) : "";
    report.doc_checks.push_back(
        {gd.doc, "published", got_pub == gd.published.value_or(""), gd.published.value_or("(none)"), got_pub.empty() ? "(none)" : got_pub});
    const std::set<std::string> outlet = OutletNames(a.outlet(), **kb);
    bool outlet_ok = outlet.count(NameKey(gd.source)) > 0;
    for (const std::string& alt : gd.source_alternatives) outlet_ok |= outlet.count(NameKey(alt)) > 0;
    report.doc_checks.push_back({gd.doc, "outlet", outlet_ok, gd.source, a.outlet()});

    DocDetail detail;
    detail.doc = gd.doc;
    detail.language = gd.language;
    std::vector<PredictedEntity> ents;
    for (const v1::Entity& e : x->article.entities()) ents.push_back({e.canonical_name(), TypeName(e.type())});
    for (const GoldEntities& ge : gold->entities) {
      if (ge.doc != gd.doc) continue;
      detail.entities = ScoreEntities(ge, ents);
    }
    for (const v1::Event& ev : x->events) {
      PredictedEvent p;
      p.id = ev.id();
      p.cameo_code = ev.cameo_code();
      for (const v1::Actor& act : ev.actors()) {
        PredictedActor pa;
        pa.name = act.entity().canonical_name();
        for (const std::string& aff : act.entity().affiliations()) pa.affiliation_names.push_back(name_of(aff));
        p.actors.push_back(std::move(pa));
      }
      p.location = ev.has_location() ? ev.location().canonical_name() : "";
      p.date_iso = ev.has_date() ? ev.date().iso() : "";
      p.confidence = ev.mention().confidence();
      p.trigger = ev.mention().trigger();
      p.sentence = ev.mention().sentence();
      detail.predicted.push_back(std::move(p));
    }
    std::vector<const GoldEvent*> gevents;
    for (const GoldEvent& ge : gold->events)
      if (ge.doc == gd.doc) gevents.push_back(&ge);
    detail.events = ScoreEvents(gevents, detail.predicted);

    report.entities.Add(detail.entities.prf);
    report.entities_by_lang[gd.language].Add(detail.entities.prf);
    report.typed += detail.entities.typed;
    report.type_correct += detail.entities.type_correct;
    report.events.Add(detail.events.prf);
    report.events_by_lang[gd.language].Add(detail.events.prf);
    report.dated += detail.events.dated;
    report.date_correct += detail.events.date_correct;
    predicted_by_doc[gd.doc] = detail.predicted;
    report.docs.push_back(std::move(detail));

    v1::ExtractOutput summary;
    *summary.mutable_article() = x->article;
    records.push_back(std::move(summary));
    for (const v1::Event& ev : x->events) {
      v1::ExtractOutput o;
      *o.mutable_event() = ev;
      records.push_back(std::move(o));
    }
  }
  if (Status s = (*store)->Apply(records, {}, "newsflow-eval"); !s.ok()) return s;

  // Fusion: each gold event of a pair is represented by its best matching prediction.
  for (const GoldFusion& f : gold->fusion) {
    FusionOutcome o;
    o.pair = f;
    std::string records_of[2];
    bool ok = true;
    const std::string ids[2] = {f.a, f.b};
    for (int i = 0; i < 2 && ok; ++i) {
      const GoldEvent* ge = nullptr;
      for (const GoldEvent& g : gold->events)
        if (g.id == ids[i]) ge = &g;
      if (!ge) {
        o.detail = ids[i] + " is not a gold event";
        ok = false;
        break;
      }
      const auto& preds = predicted_by_doc[ge->doc];
      auto best = BestMatch(*ge, preds);
      if (!best) {
        o.detail = ids[i] + " has no predicted event with an accepted code";
        ok = false;
        break;
      }
      auto rec = (*store)->RecordOfMention(preds[*best].id);
      if (!rec.ok()) {
        o.detail = ids[i] + ": " + rec.status().message();
        ok = false;
        break;
      }
      records_of[i] = *rec;
    }
    if (ok) {
      o.held = f.same ? records_of[0] == records_of[1] : records_of[0] != records_of[1];
      o.detail = "records " + records_of[0] + " / " + records_of[1];
    }
    report.fusion.push_back(std::move(o));
  }
  return report;
}

void PrintText(const Report& r, bool verbose, std::ostream& out) {
  out << "extractor " << r.extractor_version << "\n";
  out << "entities  " << PrfLine(r.entities) << "  type accuracy=" << Pct(r.type_accuracy()) << "\n";
  for (const auto& [lang, p] : r.entities_by_lang) out << "  " << lang << "      " << PrfLine(p) << "\n";
  out << "events    " << PrfLine(r.events) << "\n";
  for (const auto& [lang, p] : r.events_by_lang) out << "  " << lang << "      " << PrfLine(p) << "\n";
  out << "dates     accuracy=" << Pct(r.date_accuracy()) << " (" << r.date_correct << "/" << r.dated << ")\n";
  for (const FusionOutcome& o : r.fusion)
    out << "fusion    " << o.pair.id << " " << (o.pair.same ? "same    " : "distinct") << " " << o.pair.a << " "
        << o.pair.b << ": " << (o.held ? "held" : "NOT HELD") << " (" << o.detail << ")\n";
  for (const DocCheck& c : r.doc_checks)
    out << "doc       " << c.doc << " " << c.field << ": " << (c.ok ? "ok" : "WRONG") << " (expected \"" << c.expected
        << "\", got \"" << c.got << "\")\n";
  if (!verbose) return;
  for (const DocDetail& d : r.docs) {
    out << "\n== " << d.doc << " (" << d.language << ")\n";
    for (const std::string& s : d.entities.false_positives) out << "  entity FP   " << s << "\n";
    for (const std::string& s : d.entities.misses) out << "  entity MISS " << s << "\n";
    for (size_t i = 0; i < d.predicted.size(); ++i) {
      const PredictedEvent& p = d.predicted[i];
      const bool fp = std::find(d.events.false_positives.begin(), d.events.false_positives.end(), i) !=
                      d.events.false_positives.end();
      out << "  event " << (fp ? "FP   " : "ok   ") << p.cameo_code << " [";
      for (size_t k = 0; k < p.actors.size(); ++k) out << (k ? ", " : "") << p.actors[k].name;
      out << "] @" << (p.location.empty() ? "-" : p.location) << " " << (p.date_iso.empty() ? "-" : p.date_iso)
          << " conf=" << Pct(p.confidence) << " trigger=\"" << p.trigger << "\"\n        "
          << p.sentence.substr(0, 240) << "\n";
    }
    for (const std::string& s : d.events.misses) out << "  event MISS " << s << "\n";
    for (const std::string& s : d.events.date_errors) out << "  date WRONG " << s << "\n";
  }
}

void PrintJson(const Report& r, std::ostream& out) {
  nlohmann::json j;
  j["extractor_version"] = r.extractor_version;
  j["entities"] = PrfJson(r.entities);
  j["entities"]["type_accuracy"] = r.type_accuracy();
  for (const auto& [lang, p] : r.entities_by_lang) j["entities_by_language"][lang] = PrfJson(p);
  j["events"] = PrfJson(r.events);
  for (const auto& [lang, p] : r.events_by_lang) j["events_by_language"][lang] = PrfJson(p);
  j["date_accuracy"] = {{"accuracy", r.date_accuracy()}, {"correct", r.date_correct}, {"dated", r.dated}};
  j["fusion"] = nlohmann::json::array();
  for (const FusionOutcome& o : r.fusion)
    j["fusion"].push_back({{"id", o.pair.id},
                           {"kind", o.pair.same ? "same" : "distinct"},
                           {"events", {o.pair.a, o.pair.b}},
                           {"held", o.held},
                           {"detail", o.detail}});
  j["docs"] = nlohmann::json::array();
  for (const DocCheck& c : r.doc_checks)
    j["docs"].push_back({{"doc", c.doc}, {"field", c.field}, {"ok", c.ok}, {"expected", c.expected}, {"got", c.got}});
  j["floor_failures"] = r.FloorFailures();
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace newsflow::eval
