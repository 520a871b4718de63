#include "sql_store.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "group_cache.h"

namespace newsflow::sink {
namespace {

constexpr int kSchemaVersion = 2;
// Reports held in memory across all cached groups (a few hundred bytes each): enough for every
// active story of a large feed; a group evicted is read back from the store when touched again.
constexpr size_t kCachedReports = 200000;
const TableColumns kGroupVersionColumns = {"fusion_groups", {"fusion_key", "version"}, 1};
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

// The groups a batch touches (see GroupsToRefuse).
struct BatchGroups {
  std::set<std::string> fuse;  // whose reports change: re-fused
  std::set<std::string> lock;  // fuse, and the groups of the batch's articles (their record times change)
  std::map<std::string, std::string> stored_key;  // report id -> its group in the store, for stored reports
  // The batch's articles the store did not hold, and those it held with another ingest time.
  std::vector<std::string> new_articles, retimed_articles;
};

// What happens to the record times (first publication and ingest of the reporting articles).
struct TimeChanges {
  std::set<std::string> full;  // recomputed from all the record's reports
  // (record id, report id): a report joined the record, which lost none: the times can only go down.
  std::vector<Params> joined;
};

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
  Status ApplyInTransaction(BatchRows& batch, const std::vector<PartitionOffset>& offsets,
                            const std::string& consumer_group, std::set<std::string>* touched);
  Result<BatchGroups> GroupsToRefuse(const BatchRows& batch);
  Status Refuse(const BatchRows& batch, const BatchGroups& groups);
  // The groups' state as of the store (the batch's rows included): the cached one when its
  // version is current, with the batch's reports applied, else read back. `read_back` lists the
  // groups read back, whose stored records are unknown here.
  Status CurrentGroups(const BatchRows& batch, const BatchGroups& groups, std::map<std::string, CachedGroup*>* held,
                       std::map<std::string, CachedGroup>* read_back, std::map<std::string, int64_t>* versions);
  Status UpdateTimes(const BatchGroups& groups, TimeChanges times);
  Status LinkMentions(std::vector<Params> links);
  // Runs `rows` in as few statements as the dialect allows; `sql_for(n)` is the statement for n
  // rows (n * row width parameters, at most max_params).
  Status RunChunks(std::vector<Params> rows, size_t max_params, const std::function<std::string(size_t rows)>& sql_for,
                   const char* what, std::vector<Row>* out);
  // Runs `head VALUES (..), (..) tail` over `rows`, as few statements as the dialect allows.
  Status RunRows(const std::string& head, const std::string& tail, std::vector<Params> rows, const char* what,
                 std::vector<Row>* out = nullptr);
  // Runs `head IN (..) tail` over `values`: one statement with a list parameter where the dialect
  // has one, else as few statements as the dialect allows.
  Status RunList(const std::string& head, const std::string& tail, const std::vector<std::string>& values,
                 const char* what, std::vector<Row>* out = nullptr);
  Result<int64_t> QueryInt(const std::string& sql, const char* what);

  std::unique_ptr<SqlSession> db_;
  SqlDialect d_;
  bool read_only_;
  GroupCache cache_{kCachedReports};
};

// The rows of a map keyed by primary key, in key order, moved out.
std::vector<Params> Values(std::map<std::string, Params>& m) {
  std::vector<Params> out;
  out.reserve(m.size());
  for (auto& [key, row] : m) out.push_back(std::move(row));
  return out;
}

Status SqlStore::RunChunks(std::vector<Params> rows, size_t max_params,
                           const std::function<std::string(size_t rows)>& sql_for, const char* what,
                           std::vector<Row>* out) {
  if (rows.empty()) return Status::Ok();
  const size_t width = std::max<size_t>(1, rows.front().size());
  const size_t per_statement = std::max<size_t>(1, std::min(d_.max_rows_per_statement, max_params / width));
  std::string sql;  // the statement for `sql_rows` rows; rebuilt only when that number changes
  size_t sql_rows = 0;
  for (size_t begin = 0; begin < rows.size(); begin += per_statement) {
    const size_t end = std::min(rows.size(), begin + per_statement);
    if (end - begin != sql_rows) {
      sql_rows = end - begin;
      sql = sql_for(sql_rows);
    }
    Params params;
    params.reserve(sql_rows * width);
    for (size_t r = begin; r < end; ++r)
      for (Param& p : rows[r]) params.push_back(std::move(p));
    auto result = db_->Query(sql, params, what);
    if (!result.ok()) return result.status();
    if (out != nullptr)
      out->insert(out->end(), std::make_move_iterator(result->begin()), std::make_move_iterator(result->end()));
  }
  return Status::Ok();
}

Status SqlStore::RunRows(const std::string& head, const std::string& tail, std::vector<Params> rows,
                         const char* what, std::vector<Row>* out) {
  const size_t width = rows.empty() ? 0 : rows.front().size();
  return RunChunks(
      std::move(rows), kMaxParams,
      [&](size_t n) {
        std::string sql = head + " VALUES ";
        for (size_t r = 0, p = 1; r < n; ++r) {
          sql += r == 0 ? "(" : ", (";
          for (size_t c = 0; c < width; ++c, ++p) sql += (c ? ", " : "") + Placeholder(d_, p);
          sql += ")";
        }
        return sql + " " + tail;
      },
      what, out);
}

Status SqlStore::RunList(const std::string& head, const std::string& tail, const std::vector<std::string>& values,
                         const char* what, std::vector<Row>* out) {
  if (values.empty()) return Status::Ok();
  if (*d_.json_values) {
    std::string list;
    if (JsonTextArray(values, &list)) {
      auto result = db_->Query(head + " IN (SELECT value FROM " + d_.json_values + "(" + Placeholder(d_, 1) + ")) " + tail,
                               {std::move(list)}, what);
      if (!result.ok()) return result.status();
      if (out != nullptr)
        out->insert(out->end(), std::make_move_iterator(result->begin()), std::make_move_iterator(result->end()));
      return Status::Ok();
    }
  }
  std::vector<Params> rows;
  rows.reserve(values.size());
  for (const std::string& v : values) rows.push_back({v});
  return RunChunks(
      std::move(rows), kMaxParams,
      [&](size_t n) {
        std::string sql = head + " IN (";
        for (size_t i = 1; i <= n; ++i) sql += (i == 1 ? "" : ", ") + Placeholder(d_, i);
        return sql + ") " + tail;
      },
      what, out);
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
  const std::string found = "store schema version " + std::to_string(*version);
  const std::string ours = std::to_string(kSchemaVersion);
  if (*version < kSchemaVersion)
    return Status::InvalidArgument(found + " is older than this sink's " + ours +
                                   " (written by an earlier newsflow-sink; there is no migration: store into a new"
                                   " file or database, and replay the topics into it)");
  if (*version > kSchemaVersion)
    return Status::InvalidArgument(found + " is newer than this sink's " + ours + ": use a newer newsflow-sink");
  return Status::Ok();
}

Status SqlStore::Apply(const std::vector<v1::ExtractOutput>& records, const std::vector<PartitionOffset>& offsets,
                       const std::string& consumer_group) {
  if (read_only_) return Status::Unavailable("store opened read-only");
  auto batch = RowsOfBatch(records);
  if (!batch.ok()) return batch.status();
  std::set<std::string> touched;  // groups whose cached state the transaction changes
  // Rows and offsets go together, or neither does.
  Status s = db_->InTransaction(true, [&] { return ApplyInTransaction(*batch, offsets, consumer_group, &touched); });
  // Rolled back: the cache may be ahead of the store for these groups; they are read back when
  // next touched.
  if (!s.ok())
    for (const std::string& key : touched) cache_.Erase(key);
  cache_.Trim();
  return s;
}

// The groups whose records change: those the batch's reports join and those they leave (a
// re-extracted report may move); and the groups the batch's articles report in, whose records
// take their articles' times (an article arriving after its reports updates their records: the
// result does not depend on arrival order). Read before any write, so "leave" sees the old keys.
Result<BatchGroups> SqlStore::GroupsToRefuse(const BatchRows& batch) {
  BatchGroups g;
  g.fuse = batch.fusion_keys;
  std::vector<std::string> mention_ids, article_ids;
  for (const auto& [id, row] : batch.mentions) mention_ids.push_back(id);
  for (const auto& [id, row] : batch.articles) article_ids.push_back(id);
  std::vector<Row> rows;
  if (Status s = RunList("SELECT id, fusion_key FROM mentions WHERE id", "", mention_ids, "groups of reports", &rows);
      !s.ok())
    return s;
  for (const Row& r : rows) {
    g.stored_key[TextOf(r, 0)] = TextOf(r, 1);
    g.fuse.insert(TextOf(r, 1));
  }
  g.lock = g.fuse;
  rows.clear();
  if (Status s = RunList("SELECT DISTINCT fusion_key FROM mentions WHERE article_id", "", article_ids,
                         "groups of articles", &rows);
      !s.ok())
    return s;
  for (const Row& r : rows)
    if (!r.empty() && r[0]) g.lock.insert(*r[0]);
  rows.clear();
  if (Status s = RunList("SELECT id, ingested_at FROM articles WHERE id", "", article_ids, "stored articles", &rows);
      !s.ok())
    return s;
  std::map<std::string, std::optional<std::string>> stored;
  for (const Row& r : rows) stored[TextOf(r, 0)] = r.size() > 1 ? r[1] : std::nullopt;
  for (const auto& [id, row] : batch.articles) {
    auto it = stored.find(id);
    if (it == stored.end()) {
      g.new_articles.push_back(id);
      continue;
    }
    const Param& ingested = row.at(7);  // kArticleColumns: ingested_at
    const std::string* now = std::get_if<std::string>(&ingested);
    if (it->second.has_value() != (now != nullptr) || (now != nullptr && *now != *it->second))
      g.retimed_articles.push_back(id);
  }
  return g;
}

Status SqlStore::ApplyInTransaction(BatchRows& batch, const std::vector<PartitionOffset>& offsets,
                                    const std::string& consumer_group, std::set<std::string>* touched) {
  auto groups = GroupsToRefuse(batch);
  if (!groups.ok()) return groups.status();
  *touched = groups->fuse;
  // Group locks come before any row lock, so two writers never wait on each other in a cycle;
  // the rows below are visited in key order for the same reason.
  if (*d_.lock_groups && !groups->lock.empty()) {
    std::string sql = d_.lock_groups;
    const size_t at = sql.find("{values}");
    std::vector<Params> keys;
    for (const std::string& k : groups->lock) keys.push_back({k});
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
  // Where statements go one row at a time, an article's entities go as one list parameter.
  const std::string list_links = *d_.json_values ? InsertHead(kArticleEntityColumns) + " SELECT " +
                                                       Placeholder(d_, 1) + ", value FROM " + d_.json_values + "(" +
                                                       Placeholder(d_, 2) + ") WHERE true " +
                                                       UpsertTail(kArticleEntityColumns)
                                                 : "";
  std::vector<Params> listed;
  for (const auto& [article, entities] : batch.article_entities) {
    article_ids.push_back(article);
    std::string list;
    if (!list_links.empty() && JsonTextArray(std::vector<std::string>(entities.begin(), entities.end()), &list)) {
      listed.push_back({article, std::move(list)});
      continue;
    }
    for (const std::string& e : entities) links.push_back({article, e});
  }
  if (Status s = RunList("DELETE FROM article_entities WHERE article_id", "", article_ids, "unlink article entities");
      !s.ok())
    return s;
  if (Status s = RunRows(InsertHead(kArticleEntityColumns), UpsertTail(kArticleEntityColumns), links,
                         "link article entities");
      !s.ok())
    return s;
  for (const Params& p : listed)
    if (auto r = db_->Query(list_links, p, "link article entities"); !r.ok()) return r.status();
  if (Status s = RunRows(InsertHead(kMentionColumns), UpsertTail(kMentionColumns), Values(batch.mentions),
                         "upsert mentions");
      !s.ok())
    return s;
  if (Status s = Refuse(batch, *groups); !s.ok()) return s;

  std::vector<Params> saved;
  for (const PartitionOffset& o : offsets)
    saved.push_back({consumer_group, o.topic, static_cast<int64_t>(o.partition), o.offset});
  // A replayed batch never moves an offset back.
  return RunRows(InsertHead(kOffsetColumns),
                 UpsertTail(kOffsetColumns).substr(0, UpsertTail(kOffsetColumns).find(" SET ")) +
                     " SET next_offset = " + d_.greatest + "(consumer_offsets.next_offset, excluded.next_offset)",
                 saved, "save offsets");
}

Status SqlStore::CurrentGroups(const BatchRows& batch, const BatchGroups& groups,
                               std::map<std::string, CachedGroup*>* held,
                               std::map<std::string, CachedGroup>* read_back, std::map<std::string, int64_t>* versions) {
  const std::vector<std::string> keys(groups.fuse.begin(), groups.fuse.end());
  std::vector<Row> rows;
  if (Status s = RunList("SELECT fusion_key, version FROM fusion_groups WHERE fusion_key", "", keys, "group versions",
                         &rows);
      !s.ok())
    return s;
  for (const std::string& k : keys) (*versions)[k] = 0;
  for (const Row& r : rows) (*versions)[TextOf(r, 0)] = IntOf(r.size() > 1 ? r[1] : std::nullopt);
  std::vector<std::string> missing;
  for (const std::string& k : keys) {
    CachedGroup* g = cache_.Find(k);
    // Never re-fused (no version yet): the store holds none of its reports or records but the
    // batch's, so there is nothing to read back.
    if ((*versions)[k] == 0) g = &cache_.Put(k, CachedGroup{});
    // Another writer (a second sink, a rolled-back attempt) re-fused it since: read it back.
    if (g != nullptr && g->version == (*versions)[k]) {
      (*held)[k] = g;
    } else {
      cache_.Erase(k);
      missing.push_back(k);
      (*read_back)[k];
    }
  }
  // The batch's reports, moved as the mention upserts moved them.
  for (const auto& [id, key] : groups.stored_key)
    if (auto it = held->find(key); it != held->end()) it->second->reports.erase(id);
  for (const auto& [id, r] : batch.reports)
    if (auto it = held->find(r.fusion_key); it != held->end()) it->second->reports[id] = r.report;

  rows.clear();
  if (Status s = RunList(std::string("SELECT ") + kGroupColumns + " FROM mentions WHERE fusion_key", "", missing,
                         "load fusion groups", &rows);
      !s.ok())
    return s;
  for (const Row& r : rows) {
    const std::string& id = TextOf(r, 1);
    DecodeFusionInput(id, TextOf(r, 2), &(*read_back)[TextOf(r, 0)].reports[id]);
  }
  return Status::Ok();
}

// Every record of the groups is recomputed from all their reports with Fuse(): the same reports
// give the same records, whatever the order and batching they arrived in. Only what changed is
// written: records compared with those the cache says are stored (a group read back has its
// records rewritten whole), links only for reports whose record changed.
Status SqlStore::Refuse(const BatchRows& batch, const BatchGroups& groups) {
  TimeChanges times;
  if (groups.fuse.empty()) return UpdateTimes(groups, std::move(times));
  std::map<std::string, CachedGroup*> held;
  std::map<std::string, CachedGroup> read_back;
  std::map<std::string, int64_t> versions;
  if (Status s = CurrentGroups(batch, groups, &held, &read_back, &versions); !s.ok()) return s;

  std::map<std::string, std::vector<const FusionReport*>> batch_reports;  // by group
  for (const auto& [id, r] : batch.reports) batch_reports[r.fusion_key].push_back(&r.report);
  RecordRows writes;
  std::vector<std::string> gone, restaffed;  // records whose rows go; whose actor rows are rewritten
  for (const std::string& key : groups.fuse) {
    auto h = held.find(key);
    CachedGroup& g = h != held.end() ? *h->second : read_back[key];
    std::vector<const FusionReport*> reports;
    reports.reserve(g.reports.size());
    for (const auto& [id, r] : g.reports) reports.push_back(&r);
    std::vector<EventRecord> now = FuseDigested(key, reports);
    if (h == held.end()) {
      for (const EventRecord& r : now) {
        AppendRecordRows(r, &writes);
        times.full.insert(r.id);
      }
    } else {
      // Both sorted by id: a merge.
      auto old = g.records.begin();
      for (const EventRecord& r : now) {
        for (; old != g.records.end() && old->id < r.id; ++old) gone.push_back(old->id);
        const EventRecord* before = old != g.records.end() && old->id == r.id ? &*old++ : nullptr;
        if (before != nullptr && *before == r) continue;
        const bool new_actors = before == nullptr || before->actors != r.actors;
        if (before != nullptr && new_actors) restaffed.push_back(r.id);
        AppendRecordRows(r, &writes, before != nullptr ? &before->mention_ids : nullptr, new_actors);
        if (before == nullptr ||
            !std::includes(r.mention_ids.begin(), r.mention_ids.end(), before->mention_ids.begin(),
                           before->mention_ids.end())) {
          times.full.insert(r.id);
          continue;
        }
        std::vector<std::string> joined;
        std::set_difference(r.mention_ids.begin(), r.mention_ids.end(), before->mention_ids.begin(),
                            before->mention_ids.end(), std::back_inserter(joined));
        for (std::string& m : joined) times.joined.push_back({r.id, std::move(m)});
      }
      for (; old != g.records.end(); ++old) gone.push_back(old->id);
    }
    // A report stored again may carry another publication time, whether or not its record changed.
    for (const FusionReport* report : batch_reports[key]) {
      if (!groups.stored_key.count(report->id)) continue;
      for (const EventRecord& r : now)
        if (std::binary_search(r.mention_ids.begin(), r.mention_ids.end(), report->id)) {
          times.full.insert(r.id);
          break;
        }
    }
    g.records = std::move(now);
    g.version = versions[key] + 1;
  }

  std::vector<std::string> rewritten;  // groups read back: their stored records are unknown here
  for (const auto& [key, g] : read_back) rewritten.push_back(key);
  if (Status s = RunList("DELETE FROM event_actors WHERE event_id IN (SELECT id FROM events WHERE fusion_key", ")",
                         rewritten, "delete record actors");
      !s.ok())
    return s;
  if (Status s = RunList("DELETE FROM events WHERE fusion_key", "", rewritten, "delete records"); !s.ok()) return s;
  restaffed.insert(restaffed.end(), gone.begin(), gone.end());
  if (Status s = RunList("DELETE FROM event_actors WHERE event_id", "", restaffed, "delete changed record actors");
      !s.ok())
    return s;
  if (Status s = RunList("DELETE FROM events WHERE id", "", gone, "delete gone records"); !s.ok()) return s;
  // A changed record keeps its row (and its times until UpdateTimes): an upsert.
  if (Status s = RunRows(InsertHead(kEventColumns), UpsertTail(kEventColumns), std::move(writes.events),
                         "write records");
      !s.ok())
    return s;
  if (Status s = RunRows(InsertHead(kEventActorColumns), "", std::move(writes.actors), "insert record actors");
      !s.ok())
    return s;
  if (Status s = LinkMentions(std::move(writes.links)); !s.ok()) return s;
  if (Status s = UpdateTimes(groups, std::move(times)); !s.ok()) return s;

  std::vector<Params> bumped;
  for (const auto& [key, version] : versions) bumped.push_back({key, version + 1});
  if (Status s = RunRows(InsertHead(kGroupVersionColumns), UpsertTail(kGroupVersionColumns), std::move(bumped),
                         "bump group versions");
      !s.ok())
    return s;
  for (auto& [key, g] : read_back) cache_.Put(key, std::move(g));
  return Status::Ok();
}

// The record times are the earliest publication of their reports and the earliest ingest of
// their reports' articles, kept equal to that aggregate without re-reading big records: a record
// that only gained reports, or whose article just arrived, takes the minimum of its times and the
// newcomers'; any other change (a report left, a stored report or article sent again with other
// times, a new record) recomputes the aggregate over all its reports.
Status SqlStore::UpdateTimes(const BatchGroups& groups, TimeChanges times) {
  // The smaller of column `c` and value `v`, NULL counting as no value (as min() does).
  auto least = [&](const std::string& c, const std::string& v) {
    return "CASE WHEN " + v + " IS NULL OR (" + c + " IS NOT NULL AND " + c + " <= " + v + d_.bytewise + ") THEN " + c +
           " ELSE " + v + " END";
  };
  const std::string set = "UPDATE events SET first_published_at = " + least("events.first_published_at", "t.p") +
                          ", first_ingested_at = " + least("events.first_ingested_at", "t.i");
  std::string list;
  if (d_.max_rows_per_statement == 1 && *d_.json_values && !times.joined.empty() &&
      JsonTextRows(times.joined, &list)) {
    // All the batch's (record, report) pairs as one list parameter: one statement, each record
    // taking the minimum over its newcomers (the same as taking them one at a time).
    const std::string sql = set + " FROM (SELECT json_extract(j.value, '$[0]') AS id, min(m.published_at" +
                            d_.bytewise + ") AS p, min(a.ingested_at" + d_.bytewise + ") AS i FROM " +
                            d_.json_values + "(" + Placeholder(d_, 1) +
                            ") AS j JOIN mentions m ON m.id = json_extract(j.value, '$[1]') LEFT JOIN articles a"
                            " ON a.id = m.article_id GROUP BY 1) AS t WHERE events.id = t.id";
    if (auto r = db_->Query(sql, {std::move(list)}, "record times of new reports"); !r.ok()) return r.status();
  } else if (d_.max_rows_per_statement == 1) {
    const std::string sql = set +
                            " FROM (SELECT m.published_at AS p, a.ingested_at AS i FROM mentions m LEFT JOIN articles a"
                            " ON a.id = m.article_id WHERE m.id = " +
                            Placeholder(d_, 2) + ") AS t WHERE events.id = " + Placeholder(d_, 1);
    for (const Params& joined : times.joined)
      if (auto r = db_->Query(sql, joined, "record times of new reports"); !r.ok()) return r.status();
  } else if (Status s = RunRows(set + " FROM (SELECT v.column1 AS id, min(m.published_at" + d_.bytewise +
                                    ") AS p, min(a.ingested_at" + d_.bytewise + ") AS i FROM (",
                                ") AS v JOIN mentions m ON m.id = v.column2 LEFT JOIN articles a ON a.id = m.article_id"
                                " GROUP BY v.column1) AS t WHERE events.id = t.id",
                                std::move(times.joined), "record times of new reports");
             !s.ok()) {
    return s;
  }
  const std::string article_sql = "UPDATE events SET first_ingested_at = " + least("events.first_ingested_at", "t.i") +
                                  " FROM (SELECT ingested_at AS i FROM articles WHERE id = " + Placeholder(d_, 1) +
                                  ") AS t WHERE events.id IN (SELECT event_id FROM mentions WHERE article_id = " +
                                  Placeholder(d_, 1) + ")";
  for (const std::string& article : groups.new_articles)
    if (auto r = db_->Query(article_sql, {article}, "record times of new articles"); !r.ok()) return r.status();
  std::vector<Row> rows;
  if (Status s = RunList("SELECT DISTINCT event_id FROM mentions WHERE event_id IS NOT NULL AND article_id", "",
                         groups.retimed_articles, "records of re-timed articles", &rows);
      !s.ok())
    return s;
  for (const Row& r : rows) times.full.insert(TextOf(r, 0));
  // One aggregate over the records' reports rather than a subquery per record: its plan stays an
  // index scan even before the server has statistics on a young table.
  return RunList(std::string("UPDATE events SET first_published_at = t.published, first_ingested_at = t.ingested"
                             " FROM (SELECT m.event_id AS id, min(m.published_at") +
                     d_.bytewise + ") AS published, min(a.ingested_at" + d_.bytewise +
                     ") AS ingested FROM mentions m LEFT JOIN articles a ON a.id = m.article_id WHERE m.event_id",
                 "GROUP BY m.event_id) AS t WHERE events.id = t.id",
                 std::vector<std::string>(times.full.begin(), times.full.end()), "record times");
}

// Sets mentions.event_id from (mention id, record id) rows, writing only the rows that change (on
// PostgreSQL every write is a new row version). One row at a time, a plain UPDATE; several, an
// UPDATE joined to a VALUES list, which SQLite would materialize into a temporary table on
// every statement.
Status SqlStore::LinkMentions(std::vector<Params> links) {
  std::string list;
  if (d_.max_rows_per_statement == 1 && *d_.json_values && !links.empty() && JsonTextRows(links, &list)) {
    // One statement over a list parameter, joined to the table function SQLite reads in place.
    const std::string sql = std::string("UPDATE mentions SET event_id = json_extract(j.value, '$[1]') FROM ") +
                            d_.json_values + "(" + Placeholder(d_, 1) +
                            ") AS j WHERE mentions.id = json_extract(j.value, '$[0]')"
                            " AND mentions.event_id IS DISTINCT FROM json_extract(j.value, '$[1]')";
    if (auto r = db_->Query(sql, {std::move(list)}, "link mentions"); !r.ok()) return r.status();
    return Status::Ok();
  }
  if (d_.max_rows_per_statement == 1) {
    const std::string sql = "UPDATE mentions SET event_id = " + Placeholder(d_, 2) + " WHERE id = " +
                            Placeholder(d_, 1) + " AND event_id IS DISTINCT FROM " + Placeholder(d_, 2);
    for (const Params& link : links)
      if (auto r = db_->Query(sql, link, "link mentions"); !r.ok()) return r.status();
    return Status::Ok();
  }
  return RunRows("UPDATE mentions SET event_id = v.column2 FROM (",
                 ") AS v WHERE mentions.id = v.column1 AND mentions.event_id IS DISTINCT FROM v.column2",
                 std::move(links), "link mentions");
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
  std::vector<std::vector<Row>> parts;
  Status s = db_->InTransaction(false, [&] {
    for (const char* sql : {kListEventsSql, kListActorsSql, kListMentionsSql}) {
      auto rows = db_->Query(sql, {}, "list events");
      if (!rows.ok()) return rows.status();
      parts.push_back(std::move(*rows));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return AssembleEvents(parts[0], parts[1], parts[2]);
}

}  // namespace

Result<std::unique_ptr<Store>> MakeSqlStore(std::unique_ptr<SqlSession> session, SqlDialect dialect, bool read_only) {
  auto store = std::make_unique<SqlStore>(std::move(session), dialect, read_only);
  if (Status s = store->CheckVersion(); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace newsflow::sink
