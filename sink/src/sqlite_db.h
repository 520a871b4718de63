// A thin RAII layer over the SQLite C API for the store: the connection, a cache of prepared
// statements reused across transactions, and the mapping of result codes to Status.
// Internal to newsflow_sink.
#pragma once

#include <sqlite3.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "newsflow/common/result.h"

namespace newsflow::sink {

struct SqliteDeleter {
  // close_v2 defers the close until every statement is finalized, so destruction order is safe.
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteDeleter>;
struct StatementDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

// Busy, locked, read-only, I/O, full disk, cannot open: the store is (for now) not writable, so
// the caller retries later. Anything else is a bug or a corrupt file.
bool IsTransient(int rc);

// A cached prepared statement in use. Bindings are 1-based; columns 0-based. Reset when it goes
// out of scope, so a half-read SELECT never keeps a read transaction open.
class Query {
 public:
  explicit Query(sqlite3_stmt* s) : s_(s) {}
  Query(Query&& o) noexcept : s_(o.s_), bind_rc_(o.bind_rc_) { o.s_ = nullptr; }
  Query& operator=(Query&&) = delete;
  ~Query();

  Query& Bind(int i, std::string_view text);
  // Binds without a copy: `text` must stay unchanged until the query is reset (goes out of scope).
  Query& BindStatic(int i, std::string_view text);
  Query& Bind(int i, int64_t v);
  Query& Bind(int i, double v);
  Query& BindNull(int i);
  // NULL for an empty string: optional text columns (dates, locations) stay NULL when unknown.
  Query& BindOrNull(int i, std::string_view text);

  // SQLITE_ROW, SQLITE_DONE or an error code (a failed Bind reports here).
  int Step();
  std::string Text(int col) const;
  int64_t Int(int col) const;
  double Double(int col) const;
  bool IsNull(int col) const;
  int Columns() const;

 private:
  sqlite3_stmt* s_;
  int bind_rc_ = SQLITE_OK;
};

class Database {
 public:
  // Opens (or creates, unless read_only) the file. Unavailable when it cannot be opened.
  static Result<Database> Open(const std::string& path, bool read_only);

  // The statement for `sql`, prepared on first use and reused afterwards.
  Result<Query> Prepare(const std::string& sql);
  // Runs one or more statements without results (BEGIN, COMMIT, DDL).
  Status Exec(const std::string& sql);
  // Steps a statement that returns no rows.
  Status Run(Query& q, std::string_view what);
  // Steps through every row, calling `row(q)` on each.
  template <typename F>
  Status ForEachRow(Query& q, std::string_view what, F&& row) {
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) row(q);
    return rc == SQLITE_DONE ? Status::Ok() : Error(rc, what);
  }
  // The Status for a failed call: Unavailable when transient, else Internal; names `what`.
  Status Error(int rc, std::string_view what) const;

 private:
  Database() = default;
  SqliteHandle db_;
  std::map<std::string, StatementHandle, std::less<>> cache_;
};

}  // namespace newsflow::sink
