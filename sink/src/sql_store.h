// The Store over any SQL database: one implementation of the transaction (upserts, re-fusion of
// the touched groups, offsets) whose backends supply only a session (the connection: transactions
// and parameterized statements) and a dialect (the few spellings that differ). Internal.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/sink/store.h"
#include "store_rows.h"

namespace newsflow::sink {

// A connection to one database. Errors are Unavailable when a retry may succeed (busy, lost
// connection, serialization failure, deadlock) and Internal otherwise.
class SqlSession {
 public:
  virtual ~SqlSession() = default;
  // Starts a transaction: `write` for one that will write (taking the write lock up front where
  // the database has one), else a read-only snapshot.
  virtual Status Begin(bool write) = 0;
  virtual Status Commit() = 0;
  // Best effort: a lost connection has rolled back already.
  virtual void Rollback() = 0;
  // Runs one statement; the rows it returns (none for writes). `what` names it in errors.
  virtual Result<std::vector<Row>> Query(const std::string& sql, const Params& params, const char* what) = 0;

  // Runs `body` inside a transaction: committed when it returns Ok, else rolled back, so
  // nothing partial is ever stored. The first failure is returned.
  Status InTransaction(bool write, const std::function<Status()>& body) {
    if (Status s = Begin(write); !s.ok()) return s;
    Status s = body();
    if (s.ok()) s = Commit();
    if (!s.ok()) Rollback();
    return s;
  }
};

// How a database spells what standard SQL leaves open. Defaults are SQLite's.
struct SqlDialect {
  char placeholder = '?';  // parameters are written ?1, ?2 (SQLite) or $1, $2 (PostgreSQL)
  // Rows sent in one multi-row statement. 1 for an in-process database, whose one cached
  // statement per table costs nothing to re-run; large for a server, where each statement is a
  // round trip.
  size_t max_rows_per_statement = 1;
  const char* greatest = "max";                   // max of two values
  const char* json_length = "json_array_length";  // elements of a JSON array column
  const char* json_as_text = "";                  // suffix comparing a JSON column as its text
  const char* bytewise = "";                      // suffix ordering text by bytes
  // FROM items giving the report ids stored articles announce, as column `value`.
  const char* announced_ids = "articles a, json_each(a.event_ids) j";
  // A statement taking an exclusive transaction lock per fusion key, over `VALUES (key), ...`
  // spliced where "{values}" stands; empty when the write lock already serializes writers.
  const char* lock_groups = "";
  // The table function giving the elements of a JSON array parameter as column `value`, to send
  // a list of text values as ONE parameter where statements go one row at a time (one statement
  // per list instead of one per value); empty: the values are placeholders, as many per statement
  // as max_rows_per_statement allows.
  const char* json_values = "json_each";
};

// The store over `session`. `read_only` refuses every Apply with Unavailable. InvalidArgument
// when the database's schema version is not the one this sink writes.
Result<std::unique_ptr<Store>> MakeSqlStore(std::unique_ptr<SqlSession> session, SqlDialect dialect, bool read_only);

}  // namespace newsflow::sink
