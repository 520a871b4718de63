// The extraction engine: text -> sentences -> dates, entities, events -> protos.
//
// Title handling: the title is analysed for entities only (it names who the article is about and
// seeds the article's name memory, so "Fidan" in the body resolves after "Hakan Fidan" in the
// title), never for events: a headline restates the lead in telegraphic form, and its words have
// no offsets in the body, which is what every Mention points into.
#include "newsflow/extract/extractor.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>

#include "newsflow/common/ids.h"
#include "newsflow/extract/dates.h"
#include "newsflow/extract/entities.h"
#include "newsflow/extract/events.h"
#include "newsflow/extract/kb.h"
#include "newsflow/extract/text.h"

namespace newsflow::extract {
namespace {

constexpr std::string_view kCodeVersion = "newsflow-extract/0.1";

CivilDate ToCivil(const google::protobuf::Timestamp& ts) {
  const auto tp = std::chrono::sys_seconds(std::chrono::seconds(ts.seconds()));
  return CivilDate(std::chrono::floor<std::chrono::days>(tp));
}

int64_t DayNumber(const CivilDate& d) { return std::chrono::sys_days(d).time_since_epoch().count(); }

std::string Join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out.push_back(sep);
    out += parts[i];
  }
  return out;
}

// A partial date ("1/11") resolved against the ingest clock can land a year off when the article
// is replayed long after it was written. When the article itself writes a full date somewhere
// ("1/11/2025" in a caption), that year is the better reference: take the year that puts the
// partial date closest to it. Resolution stays PARTIAL_CLOCK.
void ReanchorPartialDates(std::vector<std::vector<DateMention>>* per_sentence) {
  std::optional<CivilDate> anchor;
  for (const auto& ds : *per_sentence)
    for (const DateMention& d : ds)
      if (!anchor && d.absolute && !d.year_inferred && d.resolution == v1::DATE_RESOLUTION_EXPLICIT &&
          d.precision != v1::DATE_PRECISION_YEAR)
        anchor = d.date;
  if (!anchor) return;
  for (auto& ds : *per_sentence) {
    for (DateMention& d : ds) {
      if (!d.year_inferred || d.resolution != v1::DATE_RESOLUTION_PARTIAL_CLOCK) continue;
      const int ay = static_cast<int>(anchor->year());
      std::optional<CivilDate> best;
      for (int y = ay - 1; y <= ay + 1; ++y) {
        const CivilDate c{std::chrono::year(y), d.date.month(), d.date.day()};
        if (!c.ok()) continue;
        if (!best || std::abs(DayNumber(c) - DayNumber(*anchor)) < std::abs(DayNumber(*best) - DayNumber(*anchor)))
          best = c;
      }
      if (best) d.date = *best;
    }
  }
}

}  // namespace

struct Extractor::Impl {
  std::unique_ptr<KnowledgeBase> kb;
  std::unique_ptr<EntityRecognizer> entities;
  std::unique_ptr<DateParser> dates;
  std::unique_ptr<EventRecognizer> events;
  std::unique_ptr<TextAnalyzer> text;
  std::string version;

  // The principal side an entity stands for in fusion: a person -> its first affiliation's side;
  // a state organ -> its country's side; anything else -> itself.
  std::string Side(std::string_view id, const DocumentEntities& doc, int depth = 0) const {
    if (depth > 4) return std::string(id);
    auto e = Facts(id, doc);
    if (!e) return std::string(id);
    const KbEntity* k = kb->Find(id);
    const bool state = k && k->state;
    if (!e->affiliations.empty() && (e->type == v1::ENTITY_TYPE_PER || (e->type == v1::ENTITY_TYPE_ORG && state)))
      return Side(e->affiliations[0], doc, depth + 1);
    return std::string(id);
  }

  // What event recognition needs of an id: the fields of EntityRecognizer::Describe's answer,
  // read in place instead of building the proto (it is asked for every mention of every sentence).
  std::optional<EntityFacts> Facts(std::string_view id, const DocumentEntities& doc) const {
    const KbEntity* k = kb->Find(id);
    EntityFacts f;
    f.is_country = k && !k->iso.empty();
    if (k && id.substr(0, 3) == "kb:") {
      f.type = k->type;
      f.affiliations = k->affiliations;
      return f;
    }
    auto it = doc.provisional.find(std::string(id));
    if (it == doc.provisional.end()) return std::nullopt;
    f.type = it->second.type();
    f.affiliations.assign(it->second.affiliations().begin(), it->second.affiliations().end());
    return f;
  }
};

Extractor::Extractor() : impl_(std::make_unique<Impl>()) {}
Extractor::Extractor(PassKey) : Extractor() {}
Extractor::~Extractor() = default;

Result<std::unique_ptr<Extractor>> Extractor::Create(const ExtractorOptions& opts) {
  auto x = std::make_unique<Extractor>(PassKey{});
  Impl& m = *x->impl_;
  auto kb = KnowledgeBase::Load(opts.kb_dir);
  if (!kb.ok()) return kb.status();
  m.kb = std::move(kb).value();
  auto ents = EntityRecognizer::Create(*m.kb, opts.kb_dir);
  if (!ents.ok()) return ents.status();
  m.entities = std::move(ents).value();
  auto dates = DateParser::Load(opts.kb_dir);
  if (!dates.ok()) return dates.status();
  m.dates = std::move(dates).value();
  auto events = EventRecognizer::Load(opts.kb_dir);
  if (!events.ok()) return events.status();
  m.events = std::move(events).value();
  auto text = TextAnalyzer::Create();
  if (!text.ok()) return text.status();
  m.text = std::move(text).value();
  m.version = std::string(kCodeVersion) + "+kb." + HexId(StableHash64({m.kb->fingerprint(), m.events->fingerprint()}));
  return x;
}

const std::string& Extractor::version() const { return impl_->version; }

Result<Extraction> Extractor::Extract(const v1::Article& article) {
  Impl& m = *impl_;
  if (article.body().empty()) return Status::DataLoss("empty_body: the article has no body");
  if (!IsValidUtf8(article.body()) || !IsValidUtf8(article.title()))
    return Status::DataLoss("invalid_utf8: the article is not well-formed UTF-8");
  auto body_nfc = NormalizeNfc(article.body());
  auto title_nfc = NormalizeNfc(article.title());
  if (!body_nfc.ok() || !title_nfc.ok()) return Status::DataLoss("invalid_utf8: cannot normalize the article");

  Extraction out;
  v1::Article& art = *out.article.mutable_article();
  art = article;
  art.set_body(*body_nfc);  // offsets point into the NFC body we publish
  art.set_title(*title_nfc);
  const std::string& body = art.body();
  const std::string& lang = art.language();

  DateContext ctx;
  if (art.has_published_at()) ctx.published = ToCivil(art.published_at());
  ctx.clock = art.has_ingested_at() ? ToCivil(art.ingested_at()) : ctx.published.value_or(CivilDate{});

  DocumentEntities doc;
  std::vector<std::string> entity_order;
  auto note = [&](const std::vector<EntityMention>& ms) {
    for (const EntityMention& e : ms)
      if (std::find(entity_order.begin(), entity_order.end(), e.entity_id) == entity_order.end())
        entity_order.push_back(e.entity_id);
  };

  // Title: entities only (see the file comment).
  const std::string& title = art.title();
  for (const Span& s : m.text->Sentences(title)) {
    const auto tokens = m.text->Words(title, s);
    const auto dates = m.dates->Find(title, s, lang, ctx);
    std::optional<CivilDate> d = dates.empty() ? ctx.published : std::optional<CivilDate>(dates.front().date);
    note(m.entities->Find(title, tokens, lang, d, doc));
  }

  const std::vector<Span> sentences = m.text->Sentences(body);
  std::vector<std::vector<DateMention>> dates(sentences.size());
  for (size_t i = 0; i < sentences.size(); ++i) dates[i] = m.dates->Find(body, sentences[i], lang, ctx);
  if (!ctx.published) ReanchorPartialDates(&dates);

  std::optional<v1::EventDate> publication;
  if (ctx.published) {
    v1::EventDate p;
    const auto prec = art.published_precision() == v1::DATE_PRECISION_UNSPECIFIED ? v1::DATE_PRECISION_DAY
                                                                                    : art.published_precision();
    p.set_iso(FormatIsoDate(*ctx.published, prec));
    p.set_precision(prec);
    p.set_resolution(v1::DATE_RESOLUTION_PUBLICATION);
    publication = p;
  }

  const EntityFactsFn facts = [&](std::string_view id) { return m.Facts(id, doc); };
  const SideFn side = [&](std::string_view id) { return m.Side(id, doc); };
  ArticleEventCollector collector(body, publication, side);

  std::optional<CivilDate> narrative = ctx.published;
  for (size_t i = 0; i < sentences.size(); ++i) {
    const auto tokens = m.text->Words(body, sentences[i]);
    for (const DateMention& d : dates[i])
      if (d.precision == v1::DATE_PRECISION_DAY) narrative = d.date;
    const auto mentions = m.entities->Find(body, tokens, lang, narrative, doc);
    note(mentions);
    SentenceInput in{body, sentences[i], &tokens, &mentions, &dates[i]};
    collector.Add(sentences[i], m.events->Find(in, lang, facts));
  }

  for (const std::string& id : entity_order)
    if (auto e = m.entities->Describe(id, doc)) *out.article.add_entities() = std::move(*e);

  for (ArticleEvent& ae : collector.Take()) {
    const RecognizedEvent& re = ae.event;
    v1::Event ev;
    const std::string id = HexId(StableHash64({art.id(), std::to_string(ae.sentence.begin),
                                               std::to_string(re.trigger.begin), re.cameo_code}));
    ev.set_id(id);
    ev.set_cameo_code(re.cameo_code);
    std::set<std::string> sides;
    for (const EventActorRef& a : re.actors) {
      auto e = m.entities->Describe(a.entity_id, doc);
      if (!e) continue;
      v1::Actor* actor = ev.add_actors();
      *actor->mutable_entity() = std::move(*e);
      actor->set_role(a.role);
      sides.insert(side(a.entity_id));
    }
    if (!re.location_id.empty())
      if (auto e = m.entities->Describe(re.location_id, doc)) *ev.mutable_location() = std::move(*e);
    if (ae.date) *ev.mutable_date() = *ae.date;
    v1::Mention& mn = *ev.mutable_mention();
    mn.set_id(id);
    mn.set_article_id(art.id());
    mn.set_sentence(std::string(ae.sentence.In(body)));
    mn.set_sentence_begin(ae.sentence.begin);
    mn.set_sentence_end(ae.sentence.end);
    mn.set_trigger(std::string(re.trigger.In(body)));
    mn.set_trigger_begin(re.trigger.begin);
    mn.set_trigger_end(re.trigger.end);
    mn.set_confidence(re.confidence);
    mn.set_language(lang);
    mn.set_outlet(art.outlet());
    if (art.has_published_at()) *mn.mutable_published_at() = art.published_at();
    const std::vector<std::string> key_parts{re.cameo_code.substr(0, 2), re.location_id,
                                             Join({sides.begin(), sides.end()}, ',')};
    // The same bytes as StableHash64({root, location, sides}): parts joined by the unit separator.
    ev.set_fusion_key(HexId(StableHash64(Join(key_parts, '\x1f'))));
    out.article.add_event_ids(id);
    out.events.push_back(std::move(ev));
  }
  out.article.set_extractor_version(m.version);
  return out;
}

}  // namespace newsflow::extract
