#include "sqlite_store.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "enum_text.h"
#include "newsflow/sink/fusion.h"
#include "newsflow/sink/schema_sql.h"
#include "sqlite_db.h"

namespace newsflow::sink {
namespace {

using nlohmann::json;

constexpr int kSchemaVersion = 1;
// Short on purpose: a busy store surfaces as Unavailable and the batch loop backs off, instead
// of the sink hanging inside SQLite while Kafka thinks it died.
constexpr int kBusyTimeoutMs = 200;

// "YYYY-MM-DDTHH:MM:SSZ", or "" for an unset timestamp (stored as NULL).
std::string Instant(const google::protobuf::Timestamp& ts, bool set) {
  if (!set) return "";
  const std::time_t t = static_cast<std::time_t>(ts.seconds());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// JSON text that never throws: invalid UTF-8 is replaced rather than rejected.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json EntityJson(const v1::Entity& e) {
  return json{{"id", e.id()},
              {"name", e.canonical_name()},
              {"type", EnumText(e.type())},
              {"affiliations", std::vector<std::string>(e.affiliations().begin(), e.affiliations().end())},
              {"from_kb", e.from_kb()}};
}

void EntityFromJson(const json& j, v1::Entity* e) {
  e->set_id(j.value("id", ""));
  e->set_canonical_name(j.value("name", ""));
  e->set_type(EnumFromText<v1::EntityType>(j.value("type", "")));
  for (const auto& a : j.value("affiliations", json::array())) e->add_affiliations(a.get<std::string>());
  e->set_from_kb(j.value("from_kb", false));
}

std::string ActorsJson(const v1::Event& e) {
  json actors = json::array();
  for (const v1::Actor& a : e.actors()) {
    json j = EntityJson(a.entity());
    j["role"] = EnumText(a.role());
    actors.push_back(std::move(j));
  }
  return Dump(actors);
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(Database db) : db_(std::move(db)) {}

  Status Init(bool read_only);

  Status Apply(const std::vector<v1::ExtractOutput>& records, const std::vector<PartitionOffset>& offsets,
               const std::string& consumer_group) override;
  Result<std::vector<PartitionOffset>> LoadOffsets(const std::string& consumer_group) override;
  Result<std::string> RecordOfMention(std::string_view mention_id) override;
  Result<Counts> CountRows() override;
  Result<int64_t> CountMissingMentions() override;
  Result<std::vector<EventView>> ListEvents() override;

 private:
  Status ApplyInTransaction(const std::vector<v1::ExtractOutput>& records, const std::vector<PartitionOffset>& offsets,
                            const std::string& consumer_group);
  Status UpsertArticle(const v1::ArticleExtraction& a, std::set<std::string>* touched);
  Status UpsertEntity(const v1::Entity& e);
  Status UpsertMention(const v1::Event& e, std::set<std::string>* touched);
  Status Refuse(const std::string& fusion_key);
  Result<std::vector<v1::Event>> LoadGroup(const std::string& fusion_key);
  Status InsertRecord(const EventRecord& r);
  Status SaveOffset(const PartitionOffset& o, const std::string& group);
  Result<int64_t> QueryInt(const std::string& sql);

  Database db_;
};

Status SqliteStore::Init(bool read_only) {
  if (Status s = db_.Exec("PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs)); !s.ok()) return s;
  if (!read_only) {
    // WAL: readers (the `events` command, tests, analysts) never block the writer, nor it them.
    if (Status s = db_.Exec("PRAGMA journal_mode = WAL"); !s.ok()) return s;
    // NORMAL in WAL mode: a power cut may lose the last commits but never corrupts; the offsets
    // saved with them are lost too, so those messages are simply read again.
    if (Status s = db_.Exec("PRAGMA synchronous = NORMAL"); !s.ok()) return s;
  }
  auto has_schema = QueryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  if (!has_schema.ok()) return has_schema.status();
  if (*has_schema == 0) {
    if (read_only) return Status::InvalidArgument("store has no newsflow schema (opened read-only)");
    if (Status s = db_.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    // Another process may have created it between the check and the lock.
    auto again = QueryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
    Status s = again.ok() ? (*again == 0 ? db_.Exec(kSchemaSql) : Status::Ok()) : again.status();
    if (s.ok()) s = db_.Exec("COMMIT");
    if (!s.ok()) {
      (void)db_.Exec("ROLLBACK");
      return s;
    }
  }
  auto version = QueryInt("SELECT max(version) FROM schema_version");
  if (!version.ok()) return version.status();
  if (*version != kSchemaVersion)
    return Status::InvalidArgument("store schema version " + std::to_string(*version) + ", this sink reads version " +
                                   std::to_string(kSchemaVersion));
  return Status::Ok();
}

Result<int64_t> SqliteStore::QueryInt(const std::string& sql) {
  auto q = db_.Prepare(sql);
  if (!q.ok()) return q.status();
  const int rc = q->Step();
  if (rc != SQLITE_ROW) return db_.Error(rc, "query");
  return q->Int(0);
}

Status SqliteStore::Apply(const std::vector<v1::ExtractOutput>& records, const std::vector<PartitionOffset>& offsets,
                          const std::string& consumer_group) {
  if (Status s = db_.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Status s = ApplyInTransaction(records, offsets, consumer_group);
  if (s.ok()) s = db_.Exec("COMMIT");
  if (!s.ok()) (void)db_.Exec("ROLLBACK");  // nothing partial stays: rows and offsets go together
  return s;
}

Status SqliteStore::ApplyInTransaction(const std::vector<v1::ExtractOutput>& records,
                                       const std::vector<PartitionOffset>& offsets, const std::string& consumer_group) {
  std::set<std::string> touched;  // fusion groups to re-fuse; ordered so the work is deterministic
  for (const v1::ExtractOutput& r : records) {
    if (Status s = ValidateRecord(r); !s.ok()) return s;
    Status s = r.has_article() ? UpsertArticle(r.article(), &touched) : UpsertMention(r.event(), &touched);
    if (!s.ok()) return s;
  }
  for (const std::string& key : touched)
    if (Status s = Refuse(key); !s.ok()) return s;
  for (const PartitionOffset& o : offsets)
    if (Status s = SaveOffset(o, consumer_group); !s.ok()) return s;
  return Status::Ok();
}

Status SqliteStore::UpsertArticle(const v1::ArticleExtraction& x, std::set<std::string>* touched) {
  const v1::Article& a = x.article();
  auto q = db_.Prepare(
      "INSERT INTO articles (id, url, outlet, title, language, published_at, published_precision, ingested_at, origin,"
      " body, extractor_version, event_ids) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
      " ON CONFLICT (id) DO UPDATE SET url = excluded.url, outlet = excluded.outlet, title = excluded.title,"
      " language = excluded.language, published_at = excluded.published_at,"
      " published_precision = excluded.published_precision, ingested_at = excluded.ingested_at,"
      " origin = excluded.origin, body = excluded.body, extractor_version = excluded.extractor_version,"
      " event_ids = excluded.event_ids");
  if (!q.ok()) return q.status();
  q->Bind(1, a.id()).Bind(2, a.url()).Bind(3, a.outlet()).Bind(4, a.title()).Bind(5, a.language());
  q->BindOrNull(6, Instant(a.published_at(), a.has_published_at()));
  q->BindOrNull(7, a.has_published_at() ? EnumText(a.published_precision()) : "");
  q->BindOrNull(8, Instant(a.ingested_at(), a.has_ingested_at()));
  q->Bind(9, EnumText(a.origin())).Bind(10, a.body()).Bind(11, x.extractor_version());
  q->Bind(12, Dump(std::vector<std::string>(x.event_ids().begin(), x.event_ids().end())));
  if (Status s = db_.Run(*q, "upsert article"); !s.ok()) return s;

  auto del = db_.Prepare("DELETE FROM article_entities WHERE article_id = ?1");
  if (!del.ok()) return del.status();
  del->Bind(1, a.id());
  if (Status s = db_.Run(*del, "delete article entities"); !s.ok()) return s;
  for (const v1::Entity& e : x.entities()) {
    if (e.id().empty()) continue;
    if (Status s = UpsertEntity(e); !s.ok()) return s;
    auto link = db_.Prepare("INSERT OR IGNORE INTO article_entities (article_id, entity_id) VALUES (?1, ?2)");
    if (!link.ok()) return link.status();
    link->Bind(1, a.id()).Bind(2, e.id());
    if (Status s = db_.Run(*link, "link article entity"); !s.ok()) return s;
  }
  // Records carry their articles' ingest times: the groups this article reports in are re-fused,
  // so the result does not depend on whether the article or its events arrived first.
  auto groups = db_.Prepare("SELECT DISTINCT fusion_key FROM mentions WHERE article_id = ?1");
  if (!groups.ok()) return groups.status();
  groups->Bind(1, a.id());
  return db_.ForEachRow(*groups, "article groups", [&](Query& q) { touched->insert(q.Text(0)); });
}

Status SqliteStore::UpsertEntity(const v1::Entity& e) {
  auto q = db_.Prepare(
      "INSERT INTO entities (id, canonical_name, type, from_kb, affiliations) VALUES (?1, ?2, ?3, ?4, ?5)"
      " ON CONFLICT (id) DO UPDATE SET canonical_name = excluded.canonical_name, type = excluded.type,"
      " from_kb = excluded.from_kb, affiliations = excluded.affiliations"
      // Articles and reports may carry differing copies of an entity (a report's actor with fewer
      // affiliations). Keeping the greatest copy under one total order (knowledge base first, then
      // more affiliations, then the text) makes the row independent of arrival order.
      " WHERE (excluded.from_kb, json_array_length(excluded.affiliations), excluded.canonical_name, excluded.type,"
      " excluded.affiliations) > (entities.from_kb, json_array_length(entities.affiliations), entities.canonical_name,"
      " entities.type, entities.affiliations)");
  if (!q.ok()) return q.status();
  json affiliations = std::vector<std::string>(e.affiliations().begin(), e.affiliations().end());
  q->Bind(1, e.id()).Bind(2, e.canonical_name()).Bind(3, EnumText(e.type()));
  q->Bind(4, static_cast<int64_t>(e.from_kb())).Bind(5, Dump(affiliations));
  return db_.Run(*q, "upsert entity");
}

Status SqliteStore::UpsertMention(const v1::Event& e, std::set<std::string>* touched) {
  touched->insert(e.fusion_key());
  // A re-extracted report may have moved to another group: the group it leaves is re-fused too.
  auto old = db_.Prepare("SELECT fusion_key FROM mentions WHERE id = ?1");
  if (!old.ok()) return old.status();
  old->Bind(1, e.id());
  if (int rc = old->Step(); rc == SQLITE_ROW) touched->insert(old->Text(0));
  else if (rc != SQLITE_DONE) return db_.Error(rc, "mention lookup");

  for (const v1::Actor& a : e.actors())
    if (!a.entity().id().empty())
      if (Status s = UpsertEntity(a.entity()); !s.ok()) return s;
  if (!e.location().id().empty())
    if (Status s = UpsertEntity(e.location()); !s.ok()) return s;

  auto q = db_.Prepare(
      "INSERT INTO mentions (id, fusion_key, article_id, language, outlet, published_at, sentence, sentence_begin,"
      " sentence_end, trigger, trigger_begin, trigger_end, confidence, cameo_code, date_iso, date_precision,"
      " date_resolution, date_surface, actors, location) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
      " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
      " ON CONFLICT (id) DO UPDATE SET fusion_key = excluded.fusion_key, article_id = excluded.article_id,"
      " language = excluded.language, outlet = excluded.outlet, published_at = excluded.published_at,"
      " sentence = excluded.sentence, sentence_begin = excluded.sentence_begin, sentence_end = excluded.sentence_end,"
      " trigger = excluded.trigger, trigger_begin = excluded.trigger_begin, trigger_end = excluded.trigger_end,"
      " confidence = excluded.confidence, cameo_code = excluded.cameo_code, date_iso = excluded.date_iso,"
      " date_precision = excluded.date_precision, date_resolution = excluded.date_resolution,"
      " date_surface = excluded.date_surface, actors = excluded.actors, location = excluded.location");
  if (!q.ok()) return q.status();
  const v1::Mention& m = e.mention();
  q->Bind(1, e.id()).Bind(2, e.fusion_key()).Bind(3, m.article_id()).Bind(4, m.language()).Bind(5, m.outlet());
  q->BindOrNull(6, Instant(m.published_at(), m.has_published_at()));
  q->Bind(7, m.sentence()).Bind(8, static_cast<int64_t>(m.sentence_begin()));
  q->Bind(9, static_cast<int64_t>(m.sentence_end())).Bind(10, m.trigger());
  q->Bind(11, static_cast<int64_t>(m.trigger_begin())).Bind(12, static_cast<int64_t>(m.trigger_end()));
  q->Bind(13, static_cast<double>(m.confidence())).Bind(14, e.cameo_code());
  if (e.has_date() && !e.date().iso().empty()) {
    q->Bind(15, e.date().iso()).Bind(16, EnumText(e.date().precision()));
    q->Bind(17, EnumText(e.date().resolution())).Bind(18, e.date().surface());
  } else {
    q->BindNull(15).BindNull(16).BindNull(17).BindNull(18);
  }
  q->Bind(19, ActorsJson(e));
  if (e.location().id().empty()) q->BindNull(20);
  else q->Bind(20, Dump(EntityJson(e.location())));
  return db_.Run(*q, "upsert mention");
}

Result<std::vector<v1::Event>> SqliteStore::LoadGroup(const std::string& fusion_key) {
  auto q = db_.Prepare(
      "SELECT id, article_id, language, outlet, sentence, confidence, cameo_code, date_iso, date_precision,"
      " date_resolution, actors, location FROM mentions WHERE fusion_key = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, fusion_key);
  std::vector<v1::Event> group;
  int rc;
  while ((rc = q->Step()) == SQLITE_ROW) {
    v1::Event& e = group.emplace_back();
    e.set_id(q->Text(0));
    e.set_fusion_key(fusion_key);
    e.mutable_mention()->set_id(e.id());
    e.mutable_mention()->set_article_id(q->Text(1));
    e.mutable_mention()->set_language(q->Text(2));
    e.mutable_mention()->set_outlet(q->Text(3));
    e.mutable_mention()->set_sentence(q->Text(4));
    e.mutable_mention()->set_confidence(static_cast<float>(q->Double(5)));
    e.set_cameo_code(q->Text(6));
    if (!q->IsNull(7)) {
      e.mutable_date()->set_iso(q->Text(7));
      e.mutable_date()->set_precision(EnumFromText<v1::DatePrecision>(q->Text(8)));
      e.mutable_date()->set_resolution(EnumFromText<v1::DateResolution>(q->Text(9)));
    }
    // The JSON columns were written by this store; a row edited by hand into something else
    // loses its actors / location for fusion rather than stopping the sink.
    try {
      json actors = json::parse(q->Text(10), nullptr, false);
      if (actors.is_array())
        for (const json& a : actors) {
          v1::Actor* actor = e.add_actors();
          EntityFromJson(a, actor->mutable_entity());
          actor->set_role(EnumFromText<v1::ActorRole>(a.value("role", "")));
        }
      if (!q->IsNull(11)) {
        json location = json::parse(q->Text(11), nullptr, false);
        if (location.is_object()) EntityFromJson(location, e.mutable_location());
      }
    } catch (const std::exception&) {
      e.clear_actors();
      e.clear_location();
    }
  }
  if (rc != SQLITE_DONE) return db_.Error(rc, "load fusion group");
  return group;
}

Status SqliteStore::Refuse(const std::string& fusion_key) {
  auto group = LoadGroup(fusion_key);
  if (!group.ok()) return group.status();
  for (const char* sql : {"DELETE FROM event_actors WHERE event_id IN (SELECT id FROM events WHERE fusion_key = ?1)",
                          "DELETE FROM events WHERE fusion_key = ?1"}) {
    auto q = db_.Prepare(sql);
    if (!q.ok()) return q.status();
    q->Bind(1, fusion_key);
    if (Status s = db_.Run(*q, "delete fusion group"); !s.ok()) return s;
  }
  for (const EventRecord& r : Fuse(fusion_key, std::move(*group)))
    if (Status s = InsertRecord(r); !s.ok()) return s;
  return Status::Ok();
}

Status SqliteStore::InsertRecord(const EventRecord& r) {
  auto q = db_.Prepare(
      "INSERT INTO events (id, fusion_key, anchor, cameo_code, root_code, location_id, location_name, date_iso,"
      " date_precision, date_basis, core_first, core_last, mention_count, article_count, languages,"
      " evidence_mention_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  if (!q.ok()) return q.status();
  static constexpr const char* kBasis[] = {"anchored", "weak", "none"};
  q->Bind(1, r.id).Bind(2, r.fusion_key).Bind(3, r.anchor).Bind(4, r.cameo_code).Bind(5, r.root_code);
  q->BindOrNull(6, r.location_id).BindOrNull(7, r.location_name).BindOrNull(8, r.date_iso);
  q->BindOrNull(9, r.date_iso.empty() ? "" : EnumText(r.date_precision));
  q->Bind(10, kBasis[static_cast<int>(r.date_basis)]);
  q->BindOrNull(11, r.core ? FormatDay(r.core->first, v1::DATE_PRECISION_DAY) : "");
  q->BindOrNull(12, r.core ? FormatDay(r.core->last, v1::DATE_PRECISION_DAY) : "");
  q->Bind(13, r.mention_count()).Bind(14, r.article_count).Bind(15, Join(r.languages, ","));
  q->Bind(16, r.evidence_mention_id);
  if (Status s = db_.Run(*q, "insert event"); !s.ok()) return s;

  for (const RecordActor& a : r.actors) {
    auto qa = db_.Prepare(
        "INSERT INTO event_actors (event_id, entity_id, role, canonical_name) VALUES (?1, ?2, ?3, ?4)");
    if (!qa.ok()) return qa.status();
    qa->Bind(1, r.id).Bind(2, a.entity_id).Bind(3, EnumText(a.role)).Bind(4, a.canonical_name);
    if (Status s = db_.Run(*qa, "insert event actor"); !s.ok()) return s;
  }
  for (const std::string& m : r.mention_ids) {
    auto qm = db_.Prepare("UPDATE mentions SET event_id = ?1 WHERE id = ?2");
    if (!qm.ok()) return qm.status();
    qm->Bind(1, r.id).Bind(2, m);
    if (Status s = db_.Run(*qm, "link mention"); !s.ok()) return s;
  }
  // Times come from the articles table, which may fill in later; the article's arrival re-fuses.
  auto qt = db_.Prepare(
      "UPDATE events SET"
      " first_published_at = (SELECT min(published_at) FROM mentions WHERE event_id = ?1),"
      " first_ingested_at = (SELECT min(a.ingested_at) FROM mentions m JOIN articles a ON a.id = m.article_id"
      " WHERE m.event_id = ?1) WHERE id = ?1");
  if (!qt.ok()) return qt.status();
  qt->Bind(1, r.id);
  return db_.Run(*qt, "event times");
}

Status SqliteStore::SaveOffset(const PartitionOffset& o, const std::string& group) {
  auto q = db_.Prepare(
      "INSERT INTO consumer_offsets (consumer_group, topic, partition, next_offset) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET"
      " next_offset = max(next_offset, excluded.next_offset)");  // a replayed batch never moves it back
  if (!q.ok()) return q.status();
  q->Bind(1, group).Bind(2, o.topic).Bind(3, static_cast<int64_t>(o.partition)).Bind(4, o.offset);
  return db_.Run(*q, "save offset");
}

Result<std::vector<PartitionOffset>> SqliteStore::LoadOffsets(const std::string& consumer_group) {
  auto q = db_.Prepare(
      "SELECT topic, partition, next_offset FROM consumer_offsets WHERE consumer_group = ?1 ORDER BY topic, partition");
  if (!q.ok()) return q.status();
  q->Bind(1, consumer_group);
  std::vector<PartitionOffset> out;
  Status s = db_.ForEachRow(*q, "load offsets", [&](Query& r) {
    out.push_back({r.Text(0), static_cast<int32_t>(r.Int(1)), r.Int(2)});
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::string> SqliteStore::RecordOfMention(std::string_view mention_id) {
  auto q = db_.Prepare("SELECT event_id FROM mentions WHERE id = ?1 AND event_id IS NOT NULL");
  if (!q.ok()) return q.status();
  q->Bind(1, mention_id);
  const int rc = q->Step();
  if (rc == SQLITE_DONE) return Status::NotFound("no stored mention " + std::string(mention_id));
  if (rc != SQLITE_ROW) return db_.Error(rc, "record of mention");
  return q->Text(0);
}

Result<Store::Counts> SqliteStore::CountRows() {
  auto q = db_.Prepare(
      "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM entities), (SELECT count(*) FROM events),"
      " (SELECT count(*) FROM mentions)");
  if (!q.ok()) return q.status();
  const int rc = q->Step();
  if (rc != SQLITE_ROW) return db_.Error(rc, "count rows");
  return Counts{q->Int(0), q->Int(1), q->Int(2), q->Int(3)};
}

Result<int64_t> SqliteStore::CountMissingMentions() {
  return QueryInt(
      "SELECT count(*) FROM articles a, json_each(a.event_ids) j"
      " WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.id = j.value)");
}

Result<std::vector<Store::EventView>> SqliteStore::ListEvents() {
  // One read transaction, so the three queries see the same snapshot.
  if (Status s = db_.Exec("BEGIN"); !s.ok()) return s;
  Result<std::vector<EventView>> out = std::vector<EventView>{};
  auto fail = [&](Status s) -> Result<std::vector<EventView>> {
    (void)db_.Exec("ROLLBACK");
    return s;
  };
  std::map<std::string, size_t> index;
  {
    auto q = db_.Prepare(
        "SELECT e.id, e.cameo_code, e.root_code, e.date_iso, e.date_precision, e.date_basis, e.location_id,"
        " e.location_name, e.mention_count, e.article_count, e.languages,"
        " (SELECT sentence FROM mentions WHERE id = e.evidence_mention_id)"
        " FROM events e ORDER BY e.date_iso IS NULL, e.date_iso, e.id");
    if (!q.ok()) return fail(q.status());
    int rc;
    while ((rc = q->Step()) == SQLITE_ROW) {
      EventView v;
      v.id = q->Text(0);
      v.cameo_code = q->Text(1);
      v.root_code = q->Text(2);
      v.date_iso = q->Text(3);
      v.date_precision = q->Text(4);
      v.date_basis = q->Text(5);
      v.location_id = q->Text(6);
      v.location_name = q->Text(7);
      v.mention_count = q->Int(8);
      v.article_count = q->Int(9);
      v.languages = q->Text(10);
      v.evidence_sentence = q->Text(11);
      index[v.id] = out->size();
      out->push_back(std::move(v));
    }
    if (rc != SQLITE_DONE) return fail(db_.Error(rc, "list events"));
  }
  {
    auto q = db_.Prepare(
        "SELECT event_id, entity_id, canonical_name, role FROM event_actors ORDER BY event_id,"
        " CASE role WHEN 'source' THEN 0 WHEN 'target' THEN 1 ELSE 2 END, canonical_name, entity_id");
    if (!q.ok()) return fail(q.status());
    Status s = db_.ForEachRow(*q, "list event actors", [&](Query& r) {
      if (auto it = index.find(r.Text(0)); it != index.end())
        (*out)[it->second].actors.push_back({r.Text(1), r.Text(2), r.Text(3)});
    });
    if (!s.ok()) return fail(s);
  }
  {
    auto q = db_.Prepare("SELECT event_id, id FROM mentions WHERE event_id IS NOT NULL ORDER BY event_id, id");
    if (!q.ok()) return fail(q.status());
    Status s = db_.ForEachRow(*q, "list event mentions", [&](Query& r) {
      if (auto it = index.find(r.Text(0)); it != index.end()) (*out)[it->second].mention_ids.push_back(r.Text(1));
    });
    if (!s.ok()) return fail(s);
  }
  if (Status s = db_.Exec("COMMIT"); !s.ok()) return fail(s);
  return out;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, bool read_only) {
  auto db = Database::Open(path, read_only);
  if (!db.ok()) return db.status();
  auto store = std::make_unique<SqliteStore>(std::move(*db));
  if (Status s = store->Init(read_only); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace newsflow::sink
