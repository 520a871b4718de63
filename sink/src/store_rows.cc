#include "store_rows.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <exception>
#include <tuple>

#include <nlohmann/json.hpp>

#include "enum_text.h"

namespace newsflow::sink {
namespace {

using nlohmann::json;

// "YYYY-MM-DDTHH:MM:SSZ", or NULL for an unset timestamp.
Param Instant(const google::protobuf::Timestamp& ts, bool set) {
  if (!set) return std::monostate{};
  const std::time_t t = static_cast<std::time_t>(ts.seconds());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf);
}

Param TextOrNull(std::string text) {
  if (text.empty()) return std::monostate{};
  return text;
}

// JSON text that never throws: invalid UTF-8 is replaced rather than rejected.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& r) {
  return std::vector<std::string>(r.begin(), r.end());
}

json EntityJson(const v1::Entity& e) {
  return json{{"id", e.id()},
              {"name", e.canonical_name()},
              {"type", EnumText(e.type())},
              {"affiliations", Strings(e.affiliations())},
              {"from_kb", e.from_kb()}};
}

// The fast path of the JSON columns written per report: nlohmann builds a tree per report, which
// cost a tenth of a batch. Text is written as nlohmann writes it (keys in byte order, no spaces,
// only `"` and `\` escaped) when every string is valid UTF-8 without control characters; any
// other text goes through nlohmann (control characters escaped, invalid UTF-8 replaced).
bool PlainText(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c >= 0xE0 && c <= 0xEF) n = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) n = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else return false;
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

// Appends `"s"` (PlainText strings only).
void PutString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

// Appends the entity object EntityJson builds (with "role" when given); false when a string is
// not PlainText.
bool PutEntity(const v1::Entity& e, const std::string* role, std::string* out) {
  const std::string type = EnumText(e.type());
  for (const std::string& a : e.affiliations())
    if (!PlainText(a)) return false;
  if (!PlainText(e.id()) || !PlainText(e.canonical_name()) || !PlainText(type) || (role && !PlainText(*role)))
    return false;
  out->append("{\"affiliations\":[");
  for (int i = 0; i < e.affiliations_size(); ++i) {
    if (i > 0) out->push_back(',');
    PutString(e.affiliations(i), out);
  }
  out->append(e.from_kb() ? "],\"from_kb\":true,\"id\":" : "],\"from_kb\":false,\"id\":");
  PutString(e.id(), out);
  out->append(",\"name\":");
  PutString(e.canonical_name(), out);
  if (role != nullptr) {
    out->append(",\"role\":");
    PutString(*role, out);
  }
  out->append(",\"type\":");
  PutString(type, out);
  out->push_back('}');
  return true;
}

std::string ActorsJson(const v1::Event& e) {
  std::string out = "[";
  bool plain = true;
  for (int i = 0; plain && i < e.actors_size(); ++i) {
    if (i > 0) out.push_back(',');
    const std::string role = EnumText(e.actors(i).role());
    plain = PutEntity(e.actors(i).entity(), &role, &out);
  }
  if (plain) return out + "]";
  json actors = json::array();
  for (const v1::Actor& a : e.actors()) {
    json j = EntityJson(a.entity());
    j["role"] = EnumText(a.role());
    actors.push_back(std::move(j));
  }
  return Dump(actors);
}

std::string LocationJson(const v1::Entity& location) {
  std::string out;
  return PutEntity(location, nullptr, &out) ? out : Dump(EntityJson(location));
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

// Articles and reports may carry differing copies of an entity (a report's actor with fewer
// affiliations). Stores keep the greatest copy under this total order (knowledge base first, then
// more affiliations, then the text), the same order their upsert guards compare, so a row does
// not depend on arrival order.
using EntityRank = std::tuple<int64_t, size_t, std::string, std::string, std::string>;
EntityRank RankOf(const v1::Entity& e) {
  return {e.from_kb() ? 1 : 0, static_cast<size_t>(e.affiliations_size()), e.canonical_name(), EnumText(e.type()),
          Dump(Strings(e.affiliations()))};
}

bool SameEntity(const v1::Entity& a, const v1::Entity& b) {
  return a.from_kb() == b.from_kb() && a.type() == b.type() && a.canonical_name() == b.canonical_name() &&
         std::equal(a.affiliations().begin(), a.affiliations().end(), b.affiliations().begin(), b.affiliations().end());
}

// `seen` holds the copy each rank was taken from: most copies are identical to it, and an
// identical copy ranks equal, so it is skipped without building its rank.
void AddEntity(const v1::Entity& e, std::map<std::string, EntityRank>* ranks,
               std::map<std::string_view, const v1::Entity*>* seen, BatchRows* rows) {
  if (e.id().empty()) return;
  auto s = seen->find(e.id());
  if (s != seen->end() && SameEntity(*s->second, e)) return;
  EntityRank rank = RankOf(e);
  auto it = ranks->find(e.id());
  if (it != ranks->end() && !(rank > it->second)) return;
  (*seen)[e.id()] = &e;
  const auto& [from_kb, n, name, type, affiliations] = rank;
  rows->entities[e.id()] = Params{e.id(), name, type, from_kb, affiliations};
  (*ranks)[e.id()] = std::move(rank);
}

Params ArticleRow(const v1::ArticleExtraction& x) {
  const v1::Article& a = x.article();
  return {a.id(),
          a.url(),
          a.outlet(),
          a.title(),
          a.language(),
          Instant(a.published_at(), a.has_published_at()),
          a.has_published_at() ? Param(EnumText(a.published_precision())) : Param(std::monostate{}),
          Instant(a.ingested_at(), a.has_ingested_at()),
          EnumText(a.origin()),
          a.body(),
          x.extractor_version(),
          Dump(Strings(x.event_ids()))};
}

Params MentionRow(const v1::Event& e) {
  const v1::Mention& m = e.mention();
  const bool dated = e.has_date() && !e.date().iso().empty();
  auto date_text = [&](std::string text) { return dated ? Param(std::move(text)) : Param(std::monostate{}); };
  return {e.id(),
          e.fusion_key(),
          m.article_id(),
          m.language(),
          m.outlet(),
          Instant(m.published_at(), m.has_published_at()),
          m.sentence(),
          static_cast<int64_t>(m.sentence_begin()),
          static_cast<int64_t>(m.sentence_end()),
          m.trigger(),
          static_cast<int64_t>(m.trigger_begin()),
          static_cast<int64_t>(m.trigger_end()),
          static_cast<double>(m.confidence()),
          e.cameo_code(),
          date_text(e.date().iso()),
          date_text(EnumText(e.date().precision())),
          date_text(EnumText(e.date().resolution())),
          date_text(e.date().surface()),
          ActorsJson(e),
          e.location().id().empty() ? Param(std::monostate{}) : Param(LocationJson(e.location())),
          EncodeFusionInput(DigestReport(e))};
}

void PutField(std::string_view field, std::string* out) {
  out->append(std::to_string(field.size()));
  out->push_back(':');
  out->append(field);
}

// Reads the fields PutField wrote, in order; false once the text runs out or is malformed.
class FieldReader {
 public:
  explicit FieldReader(std::string_view text) : rest_(text) {}
  bool Next(std::string_view* field) {
    size_t n = 0;
    auto [p, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), n);
    if (ec != std::errc() || p == rest_.data() + rest_.size() || *p != ':') return false;
    const size_t at = static_cast<size_t>(p - rest_.data()) + 1;
    if (rest_.size() - at < n) return false;
    *field = rest_.substr(at, n);
    rest_.remove_prefix(at + n);
    return true;
  }
  bool Next(std::string* field) {
    std::string_view v;
    if (!Next(&v)) return false;
    field->assign(v);
    return true;
  }
  template <typename T>
  bool NextNumber(T* value) {
    std::string_view v;
    if (!Next(&v)) return false;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *value);
    return ec == std::errc() && p == v.data() + v.size();
  }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

template <typename T>
void PutNumber(T value, std::string* out) {
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest text that reads back exactly
  PutField(std::string_view(buf, static_cast<size_t>(p - buf)), out);
}

}  // namespace

bool JsonTextArray(const std::vector<std::string>& values, std::string* out) {
  out->assign("[");
  for (const std::string& v : values) {
    if (!PlainText(v)) return false;
    if (out->size() > 1) out->push_back(',');
    PutString(v, out);
  }
  out->push_back(']');
  return true;
}

bool JsonTextRows(const std::vector<Params>& rows, std::string* out) {
  out->assign("[");
  for (const Params& row : rows) {
    out->append(out->size() > 1 ? ",[" : "[");
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string* v = std::get_if<std::string>(&row[c]);
      if (v == nullptr || !PlainText(*v)) return false;
      if (c > 0) out->push_back(',');
      PutString(*v, out);
    }
    out->push_back(']');
  }
  out->push_back(']');
  return true;
}

const std::string& TextOf(const Row& row, size_t i) {
  static const std::string kEmpty;
  return i < row.size() && row[i] ? *row[i] : kEmpty;
}

const TableColumns kArticleColumns = {"articles",
                                      {"id", "url", "outlet", "title", "language", "published_at",
                                       "published_precision", "ingested_at", "origin", "body", "extractor_version",
                                       "event_ids"},
                                      1};
const TableColumns kEntityColumns = {"entities", {"id", "canonical_name", "type", "from_kb", "affiliations"}, 1};
const TableColumns kArticleEntityColumns = {"article_entities", {"article_id", "entity_id"}, 2};
const TableColumns kMentionColumns = {
    "mentions",
    {"id", "fusion_key", "article_id", "language", "outlet", "published_at", "sentence", "sentence_begin",
     "sentence_end", "trigger", "trigger_begin", "trigger_end", "confidence", "cameo_code", "date_iso",
     "date_precision", "date_resolution", "date_surface", "actors", "location", "fusion_input"},
    1};
const TableColumns kEventColumns = {
    "events",
    {"id", "fusion_key", "anchor", "cameo_code", "root_code", "location_id", "location_name", "date_iso",
     "date_precision", "date_basis", "core_first", "core_last", "mention_count", "article_count", "languages",
     "evidence_mention_id"},
    1};
const TableColumns kEventActorColumns = {"event_actors", {"event_id", "entity_id", "role", "canonical_name"}, 3};
const TableColumns kOffsetColumns = {"consumer_offsets", {"consumer_group", "topic", "partition", "next_offset"}, 3};

Result<BatchRows> RowsOfBatch(const std::vector<v1::ExtractOutput>& records) {
  BatchRows rows;
  std::map<std::string, EntityRank> ranks;
  std::map<std::string_view, const v1::Entity*> seen;  // points into `records`
  for (const v1::ExtractOutput& r : records) {
    if (Status s = ValidateRecord(r); !s.ok()) return s;
    if (r.has_article()) {
      const v1::ArticleExtraction& x = r.article();
      rows.articles[x.article().id()] = ArticleRow(x);
      std::set<std::string>& links = rows.article_entities[x.article().id()];
      links.clear();  // a later copy of the article replaces its entity list too
      for (const v1::Entity& e : x.entities()) {
        if (e.id().empty()) continue;
        AddEntity(e, &ranks, &seen, &rows);
        links.insert(e.id());
      }
    } else {
      const v1::Event& e = r.event();
      for (const v1::Actor& a : e.actors()) AddEntity(a.entity(), &ranks, &seen, &rows);
      AddEntity(e.location(), &ranks, &seen, &rows);
      rows.mentions[e.id()] = MentionRow(e);
      // What the row's fusion_input reads back as (Decode(Encode(r)) == r): the cache and a
      // reload from the store see the same report.
      rows.reports[e.id()] = BatchReport{e.fusion_key(), DigestReport(e)};
      rows.fusion_keys.insert(e.fusion_key());
    }
  }
  return rows;
}

std::string EncodeFusionInput(const FusionReport& r) {
  std::string out;
  out.reserve(64 + r.article_id.size() + r.language.size() + r.date_iso.size() + 48 * r.actors.size());
  PutField(r.article_id, &out);
  PutField(r.language, &out);
  PutField(r.cameo_code, &out);
  PutNumber(r.confidence, &out);
  PutField(r.date_iso, &out);
  PutNumber(static_cast<int>(r.date_precision), &out);
  PutNumber(static_cast<int>(r.date_resolution), &out);
  PutField(r.location_id, &out);
  PutField(r.location_name, &out);
  PutNumber(r.actors.size(), &out);
  for (const RecordActor& a : r.actors) {
    PutField(a.entity_id, &out);
    PutField(a.canonical_name, &out);
    PutNumber(static_cast<int>(a.role), &out);
  }
  return out;
}

bool DecodeFusionInput(std::string_view id, std::string_view text, FusionReport* out) {
  FusionReport r;
  r.id = std::string(id);
  FieldReader in(text);
  int precision = 0, resolution = 0;
  size_t actors = 0;
  bool ok = in.Next(&r.article_id) && in.Next(&r.language) && in.Next(&r.cameo_code) &&
            in.NextNumber(&r.confidence) && in.Next(&r.date_iso) && in.NextNumber(&precision) &&
            in.NextNumber(&resolution) && in.Next(&r.location_id) && in.Next(&r.location_name) &&
            in.NextNumber(&actors) && actors <= text.size();
  r.date_precision = v1::DatePrecision_IsValid(precision) ? static_cast<v1::DatePrecision>(precision)
                                                          : v1::DATE_PRECISION_UNSPECIFIED;
  r.date_resolution = v1::DateResolution_IsValid(resolution) ? static_cast<v1::DateResolution>(resolution)
                                                             : v1::DATE_RESOLUTION_UNSPECIFIED;
  for (size_t i = 0; ok && i < actors; ++i) {
    RecordActor& a = r.actors.emplace_back();
    int role = 0;
    ok = in.Next(&a.entity_id) && in.Next(&a.canonical_name) && in.NextNumber(&role);
    a.role = v1::ActorRole_IsValid(role) ? static_cast<v1::ActorRole>(role) : v1::ACTOR_ROLE_UNSPECIFIED;
  }
  ok = ok && in.done();
  if (!ok) {
    r = FusionReport();
    r.id = std::string(id);
  }
  r.Derive();
  *out = std::move(r);
  return ok;
}

void AppendRecordRows(const EventRecord& r, RecordRows* out, const std::vector<std::string>* linked,
                      bool with_actors) {
  static constexpr const char* kBasis[] = {"anchored", "weak", "none"};
  out->events.push_back(Params{
      r.id, r.fusion_key, r.anchor, r.cameo_code, r.root_code, TextOrNull(r.location_id), TextOrNull(r.location_name),
      TextOrNull(r.date_iso), TextOrNull(r.date_iso.empty() ? "" : EnumText(r.date_precision)),
      std::string(kBasis[static_cast<int>(r.date_basis)]),
      TextOrNull(r.core ? FormatDay(r.core->first, v1::DATE_PRECISION_DAY) : ""),
      TextOrNull(r.core ? FormatDay(r.core->last, v1::DATE_PRECISION_DAY) : ""), r.mention_count(), r.article_count,
      Join(r.languages, ","), r.evidence_mention_id});
  if (with_actors)
    for (const RecordActor& a : r.actors)
      out->actors.push_back(Params{r.id, a.entity_id, EnumText(a.role), a.canonical_name});
  for (const std::string& m : r.mention_ids)
    if (linked == nullptr || !std::binary_search(linked->begin(), linked->end(), m)) out->links.push_back(Params{m, r.id});
}

int64_t IntOf(const std::optional<std::string>& cell) {
  int64_t v = 0;
  if (cell) std::from_chars(cell->data(), cell->data() + cell->size(), v);
  return v;
}

std::vector<Store::EventView> AssembleEvents(const std::vector<Row>& events, const std::vector<Row>& actors,
                                             const std::vector<Row>& mentions) {
  std::vector<Store::EventView> out;
  out.reserve(events.size());
  for (const Row& r : events) {
    Store::EventView& v = out.emplace_back();
    v.id = TextOf(r, 0);
    v.cameo_code = TextOf(r, 1);
    v.root_code = TextOf(r, 2);
    v.date_iso = TextOf(r, 3);
    v.date_precision = TextOf(r, 4);
    v.date_basis = TextOf(r, 5);
    v.location_id = TextOf(r, 6);
    v.location_name = TextOf(r, 7);
    v.mention_count = IntOf(r.size() > 8 ? r[8] : std::nullopt);
    v.article_count = IntOf(r.size() > 9 ? r[9] : std::nullopt);
    v.languages = TextOf(r, 10);
    v.evidence_sentence = TextOf(r, 11);
  }
  std::sort(out.begin(), out.end(), [](const Store::EventView& a, const Store::EventView& b) {
    return std::make_tuple(a.date_iso.empty(), std::cref(a.date_iso), std::cref(a.id)) <
           std::make_tuple(b.date_iso.empty(), std::cref(b.date_iso), std::cref(b.id));
  });
  std::map<std::string, Store::EventView*> index;
  for (Store::EventView& v : out) index[v.id] = &v;
  for (const Row& r : actors)
    if (auto it = index.find(TextOf(r, 0)); it != index.end())
      it->second->actors.push_back({TextOf(r, 1), TextOf(r, 2), TextOf(r, 3)});
  for (const Row& r : mentions)
    if (auto it = index.find(TextOf(r, 0)); it != index.end()) it->second->mention_ids.push_back(TextOf(r, 1));
  auto rank = [](const std::string& role) { return role == "source" ? 0 : role == "target" ? 1 : 2; };
  for (Store::EventView& v : out) {
    std::sort(v.actors.begin(), v.actors.end(), [&](const auto& a, const auto& b) {
      return std::make_tuple(rank(a.role), std::cref(a.canonical_name), std::cref(a.entity_id)) <
             std::make_tuple(rank(b.role), std::cref(b.canonical_name), std::cref(b.entity_id));
    });
    std::sort(v.mention_ids.begin(), v.mention_ids.end());
  }
  return out;
}

}  // namespace newsflow::sink
