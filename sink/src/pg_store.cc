// The PostgreSQL backend of the store: its connection (pg_db.h), schema creation and dialect.
// The transaction itself is sql_store.cc's, shared with SQLite.
#include "pg_store.h"

#include "newsflow/sink/schema_sql.h"
#include "pg_db.h"
#include "sql_store.h"

namespace newsflow::sink {
namespace {

// Any constant: the key of the advisory lock that serializes schema creation, so two sinks
// starting at once do not both run CREATE TABLE (IF NOT EXISTS races on the catalog).
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(7294610001)";

SqlDialect PostgresDialect() {
  SqlDialect d;
  d.placeholder = '$';
  // Each statement is a round trip: a whole batch goes in one multi-row statement per table
  // (sink/README.md has the measurements).
  d.max_rows_per_statement = 1000;
  d.greatest = "GREATEST";
  d.json_values = "";  // a multi-row IN list is one round trip already
  d.json_length = "jsonb_array_length";
  d.json_as_text = "::text";
  // Byte order, as SQLite compares: the stored rows must not depend on the server's locale.
  d.bytewise = " COLLATE \"C\"";
  d.announced_ids = "articles a, jsonb_array_elements_text(a.event_ids) AS j(value)";
  // Two sinks (different partitions) re-fusing one group must take turns, or the second would
  // fuse without the first's uncommitted reports and overwrite its records. One lock per key
  // hash, taken in hash order so that two batches never wait on each other in a cycle.
  d.lock_groups =
      "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(column1) AS h FROM ({values}) AS v) AS k"
      " ORDER BY h";
  return d;
}

Status CreateSchema(PgSession& db) {
  return db.InTransaction(true, [&] {
    Status s = db.Script(kSchemaLock, "schema lock");
    return s.ok() ? db.Script(kPgSchemaSql, "create schema") : s;
  });
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri, bool read_only) {
  auto session = PgSession::Connect(uri, read_only);
  if (!session.ok()) return session.status();
  if (read_only) {
    auto found = (*session)->Query("SELECT to_regclass('schema_version') IS NOT NULL", {}, "schema check");
    if (!found.ok()) return found.status();
    if (found->empty() || found->front()[0] != "t")
      return Status::InvalidArgument("store has no newsflow schema (opened read-only)");
  } else if (Status s = CreateSchema(**session); !s.ok()) {
    return s;
  }
  return MakeSqlStore(std::move(*session), PostgresDialect(), read_only);
}

}  // namespace newsflow::sink
