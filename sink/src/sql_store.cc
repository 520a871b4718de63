#include "sql_store.h"

#include <algorithm>
#include <map>
#include <set>

namespace newsflow::sink {
namespace {

constexpr int kSchemaVersion = 1;
// PostgreSQL takes at most 65535 parameters per statement; stay well below.
constexpr size_t kMaxParams = 30000;

std::string Placeholder(const SqlDialect& d, size_t i) { return d.placeholder + std::to_string(i); }

std::string ColumnList(const TableColumns& t) {
  std::string out;
  for (const char* c : t.columns) out += std::string(out.empty() ? "" : ", ") + c;
  return out;
}

// "INSERT INTO t (cols)" and its upsert tail: the latest copy replaces every non-key column.
std::string InsertHead(const TableColumns& t) { return std::string("INSERT INTO ") + t.table + " (" + ColumnList(t) + ")"; }

std::string UpsertTail(const TableColumns& t) {
  std::string keys, set;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i < t.key_columns) keys += std::string(keys.empty() ? "" : ", ") + t.columns[i];
    else set += std::string(set.empty() ? "" : ", ") + t.columns[i] + " = excluded." + t.columns[i];
  }
  return "ON CONFLICT (" + keys + ") DO " + (set.empty() ? "NOTHING" : "UPDATE SET " + set);
}

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<SqlSession> session, SqlDialect dialect, bool read_only)
      : db_(std::move(session)), d_(dialect), read_only_(read_only) {}

  Status CheckVersion();

  Status Apply(const std::vector<v1::ExtractOutput>& records, const std::vector<PartitionOffset>& offsets,
               const std::string& consumer_group) override;
  Result<std::vector<PartitionOffset>> LoadOffsets(const std::string& consumer_group) override;
  Result<std::string> RecordOfMention(std::string_view mention_id) override;
  Result<Counts> CountRows() override;
  Result<int64_t> CountMissingMentions() override;
  Result<std::vector<EventView>> ListEvents() override;

 private:
  Status ApplyInTransaction(const BatchRows& batch, const std::vector<PartitionOffset>& offsets,
                            const std::string& consumer_group);
  Result<std::set<std::string>> GroupsToRefuse(const BatchRows& batch);
  Status Refuse(const std::set<std::string>& keys);
  // Runs `head VALUES (..), (..) tail` over `rows`, as few statements as the dialect allows.
  Status RunRows(const std::string& head, const std::string& tail, const std::vector<Params>& rows, const char* what,
                 std::vector<Row>* out = nullptr);
  // Runs `head IN (..) tail` over `values`, likewise.
  Status RunList(const std::string& head, const std::string& tail, const std::vector<std::string>& values,
                 const char* what, std::vector<Row>* out = nullptr);
  Result<int64_t> QueryInt(const std::string& sql, const char* what);

  std::unique_ptr<SqlSession> db_;
  SqlDialect d_;
  bool read_only_;
};

template <typename Map>
std::vector<Params> Values(const Map& m) {
  std::vector<Params> out;
  out.reserve(m.size());
  for (const auto& [key, row] : m) out.push_back(row);
  return out;
}

Status SqlStore::RunRows(const std::string& head, const std::string& tail, const std::vector<Params>& rows,
                         const char* what, std::vector<Row>* out) {
  if (rows.empty()) return Status::Ok();
  const size_t width = rows.front().size();
  const size_t per_statement = std::max<size_t>(1, std::min(d_.max_rows_per_statement, kMaxParams / width));
  for (size_t begin = 0; begin < rows.size(); begin += per_statement) {
    const size_t end = std::min(rows.size(), begin + per_statement);
    std::string sql = head + " VALUES ";
    Params params;
    params.reserve((end - begin) * width);
    for (size_t r = begin; r < end; ++r) {
      sql += r == begin ? "(" : ", (";
      for (size_t c = 0; c < width; ++c) {
        params.push_back(rows[r][c]);
        sql += (c ? ", " : "") + Placeholder(d_, params.size());
      }
      sql += ")";
    }
    auto result = db_->Query(sql + " " + tail, params, what);
    if (!result.ok()) return result.status();
    if (out != nullptr) out->insert(out->end(), result->begin(), result->end());
  }
  return Status::Ok();
}

Status SqlStore::RunList(const std::string& head, const std::string& tail, const std::vector<std::string>& values,
                         const char* what, std::vector<Row>* out) {
  const size_t per_statement = std::max<size_t>(1, std::min(d_.max_rows_per_statement, kMaxParams));
  for (size_t begin = 0; begin < values.size(); begin += per_statement) {
    const size_t end = std::min(values.size(), begin + per_statement);
    std::string sql = head + " IN (";
    Params params;
    for (size_t i = begin; i < end; ++i) {
      params.push_back(values[i]);
      sql += (i == begin ? "" : ", ") + Placeholder(d_, params.size());
    }
    auto result = db_->Query(sql + ") " + tail, params, what);
    if (!result.ok()) return result.status();
    if (out != nullptr) out->insert(out->end(), result->begin(), result->end());
  }
  return Status::Ok();
}

Result<int64_t> SqlStore::QueryInt(const std::string& sql, const char* what) {
  auto rows = db_->Query(sql, {}, what);
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->front().empty()) return Status::Internal(std::string(what) + ": no row");
  return IntOf(rows->front().front());
}

Status SqlStore::CheckVersion() {
  auto version = QueryInt("SELECT max(version) FROM schema_version", "schema version");
  if (!version.ok()) return version.status();
  if (*version != kSchemaVersion)
    return Status::InvalidArgument("store schema version " + std::to_string(*version) + ", this sink reads version " +
                                   std::to_string(kSchemaVersion));
  return Status::Ok();
}

Status SqlStore::Apply(const std::vector<v1::ExtractOutput>& records, const std::vector<PartitionOffset>& offsets,
                       const std::string& consumer_group) {
  if (read_only_) return Status::Unavailable("store opened read-only");
  auto batch = RowsOfBatch(records);
  if (!batch.ok()) return batch.status();
  if (Status s = db_->Begin(true); !s.ok()) return s;
  Status s = ApplyInTransaction(*batch, offsets, consumer_group);
  if (s.ok()) s = db_->Commit();
  if (!s.ok()) db_->Rollback();  // nothing partial stays: rows and offsets go together
  return s;
}

// The groups whose records change: those the batch's reports join, those they leave (a
// re-extracted report may move), and those the batch's articles report in (records carry their
// articles' times, so an article arriving after its reports re-fuses their groups: the result does
// not depend on arrival order). Read before any write, so "leave" sees the old keys.
Result<std::set<std::string>> SqlStore::GroupsToRefuse(const BatchRows& batch) {
  std::set<std::string> keys = batch.fusion_keys;
  std::vector<std::string> mention_ids, article_ids;
  for (const auto& [id, row] : batch.mentions) mention_ids.push_back(id);
  for (const auto& [id, row] : batch.articles) article_ids.push_back(id);
  std::vector<Row> rows;
  if (Status s = RunList("SELECT fusion_key FROM mentions WHERE id", "", mention_ids, "groups of reports", &rows);
      !s.ok())
    return s;
  if (Status s = RunList("SELECT DISTINCT fusion_key FROM mentions WHERE article_id", "", article_ids,
                         "groups of articles", &rows);
      !s.ok())
    return s;
  for (const Row& r : rows)
    if (!r.empty() && r[0]) keys.insert(*r[0]);
  return keys;
}

Status SqlStore::ApplyInTransaction(const BatchRows& batch, const std::vector<PartitionOffset>& offsets,
                                    const std::string& consumer_group) {
  auto groups = GroupsToRefuse(batch);
  if (!groups.ok()) return groups.status();
  // Group locks come before any row lock, so two writers never wait on each other in a cycle;
  // the rows below are visited in key order for the same reason.
  if (*d_.lock_groups && !groups->empty()) {
    std::string sql = d_.lock_groups;
    const size_t at = sql.find("{values}");
    std::vector<Params> keys;
    for (const std::string& k : *groups) keys.push_back({k});
    if (Status s = RunRows(sql.substr(0, at), sql.substr(at + 8), keys, "lock fusion groups"); !s.ok()) return s;
  }

  const std::string entity_tail =
      UpsertTail(kEntityColumns) +
      // Keep the greatest copy (store_rows.cc, EntityRank): the row does not depend on arrival order.
      " WHERE (excluded.from_kb, " + d_.json_length + "(excluded.affiliations), excluded.canonical_name" +
      d_.bytewise + ", excluded.type" + d_.bytewise + ", excluded.affiliations" + d_.json_as_text + d_.bytewise +
      ") > (entities.from_kb, " + d_.json_length + "(entities.affiliations), entities.canonical_name" + d_.bytewise +
      ", entities.type" + d_.bytewise + ", entities.affiliations" + d_.json_as_text + d_.bytewise + ")";
  if (Status s = RunRows(InsertHead(kEntityColumns), entity_tail, Values(batch.entities), "upsert entities"); !s.ok())
    return s;
  if (Status s = RunRows(InsertHead(kArticleColumns), UpsertTail(kArticleColumns), Values(batch.articles),
                         "upsert articles");
      !s.ok())
    return s;
  std::vector<std::string> article_ids;
  std::vector<Params> links;
  for (const auto& [article, entities] : batch.article_entities) {
    article_ids.push_back(article);
    for (const std::string& e : entities) links.push_back({article, e});
  }
  if (Status s = RunList("DELETE FROM article_entities WHERE article_id", "", article_ids, "unlink article entities");
      !s.ok())
    return s;
  if (Status s = RunRows(InsertHead(kArticleEntityColumns), UpsertTail(kArticleEntityColumns), links,
                         "link article entities");
      !s.ok())
    return s;
  if (Status s = RunRows(InsertHead(kMentionColumns), UpsertTail(kMentionColumns), Values(batch.mentions),
                         "upsert mentions");
      !s.ok())
    return s;
  if (Status s = Refuse(*groups); !s.ok()) return s;

  std::vector<Params> saved;
  for (const PartitionOffset& o : offsets)
    saved.push_back({consumer_group, o.topic, static_cast<int64_t>(o.partition), o.offset});
  // A replayed batch never moves an offset back.
  return RunRows(InsertHead(kOffsetColumns),
                 UpsertTail(kOffsetColumns).substr(0, UpsertTail(kOffsetColumns).find(" SET ")) +
                     " SET next_offset = " + d_.greatest + "(consumer_offsets.next_offset, excluded.next_offset)",
                 saved, "save offsets");
}

// Every record of the groups is recomputed from all their stored reports with Fuse(): the same
// reports give the same records, whatever the order and batching they arrived in.
Status SqlStore::Refuse(const std::set<std::string>& keys) {
  const std::vector<std::string> key_list(keys.begin(), keys.end());
  std::vector<Row> rows;
  if (Status s = RunList(std::string("SELECT ") + kGroupColumns + " FROM mentions WHERE fusion_key", "", key_list,
                         "load fusion groups", &rows);
      !s.ok())
    return s;
  std::map<std::string, std::vector<v1::Event>> groups;
  for (const std::string& k : keys) groups[k];
  for (const Row& r : rows) {
    v1::Event e = ReportOfGroupRow(r);
    groups[e.fusion_key()].push_back(std::move(e));
  }
  if (Status s = RunList("DELETE FROM event_actors WHERE event_id IN (SELECT id FROM events WHERE fusion_key", ")",
                         key_list, "delete record actors");
      !s.ok())
    return s;
  if (Status s = RunList("DELETE FROM events WHERE fusion_key", "", key_list, "delete records"); !s.ok()) return s;
  RecordRows records;
  for (auto& [key, reports] : groups)
    for (const EventRecord& r : Fuse(key, std::move(reports))) AppendRecordRows(r, &records);
  if (Status s = RunRows(InsertHead(kEventColumns), "", records.events, "insert records"); !s.ok()) return s;
  if (Status s = RunRows(InsertHead(kEventActorColumns), "", records.actors, "insert record actors"); !s.ok()) return s;
  if (Status s = RunRows("UPDATE mentions SET event_id = v.column2 FROM (", ") AS v WHERE mentions.id = v.column1",
                         records.links, "link mentions");
      !s.ok())
    return s;
  // Times come from the articles table, which may fill in later; the article's arrival re-fuses.
  return RunList(std::string("UPDATE events SET first_published_at = (SELECT min(published_at") + d_.bytewise +
                     ") FROM mentions WHERE event_id = events.id), first_ingested_at = (SELECT min(a.ingested_at" +
                     d_.bytewise +
                     ") FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.event_id = events.id)"
                     " WHERE fusion_key",
                 "", key_list, "record times");
}

Result<std::vector<PartitionOffset>> SqlStore::LoadOffsets(const std::string& consumer_group) {
  auto rows = db_->Query("SELECT topic, partition, next_offset FROM consumer_offsets WHERE consumer_group = " +
                             Placeholder(d_, 1),
                         {consumer_group}, "load offsets");
  if (!rows.ok()) return rows.status();
  std::vector<PartitionOffset> out;
  for (const Row& r : *rows) out.push_back({r[0].value_or(""), static_cast<int32_t>(IntOf(r[1])), IntOf(r[2])});
  std::sort(out.begin(), out.end(), [](const PartitionOffset& a, const PartitionOffset& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });
  return out;
}

Result<std::string> SqlStore::RecordOfMention(std::string_view mention_id) {
  auto rows = db_->Query("SELECT event_id FROM mentions WHERE event_id IS NOT NULL AND id = " + Placeholder(d_, 1),
                         {std::string(mention_id)}, "record of mention");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no stored mention " + std::string(mention_id));
  return rows->front()[0].value_or("");
}

Result<Store::Counts> SqlStore::CountRows() {
  auto rows = db_->Query(
      "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM entities), (SELECT count(*) FROM events),"
      " (SELECT count(*) FROM mentions)",
      {}, "count rows");
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->front().size() < 4) return Status::Internal("count rows: no row");
  const Row& r = rows->front();
  return Counts{IntOf(r[0]), IntOf(r[1]), IntOf(r[2]), IntOf(r[3])};
}

Result<int64_t> SqlStore::CountMissingMentions() {
  return QueryInt(std::string("SELECT count(*) FROM ") + d_.announced_ids +
                      " WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.id = j.value)",
                  "missing mentions");
}

Result<std::vector<Store::EventView>> SqlStore::ListEvents() {
  // One snapshot, so the three queries agree.
  if (Status s = db_->Begin(false); !s.ok()) return s;
  std::vector<std::vector<Row>> parts;
  for (const char* sql : {kListEventsSql, kListActorsSql, kListMentionsSql}) {
    auto rows = db_->Query(sql, {}, "list events");
    if (!rows.ok()) {
      db_->Rollback();
      return rows.status();
    }
    parts.push_back(std::move(*rows));
  }
  if (Status s = db_->Commit(); !s.ok()) return s;
  return AssembleEvents(parts[0], parts[1], parts[2]);
}

}  // namespace

Result<std::unique_ptr<Store>> MakeSqlStore(std::unique_ptr<SqlSession> session, SqlDialect dialect, bool read_only) {
  auto store = std::make_unique<SqlStore>(std::move(session), dialect, read_only);
  if (Status s = store->CheckVersion(); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace newsflow::sink
