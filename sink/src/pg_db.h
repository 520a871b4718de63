// A thin RAII layer over libpq for the store: the connection (reconnected after a loss between
// transactions), parameterized statements in text format, and SQLSTATEs mapped to Status.
// Internal to newsflow_sink.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

#include "sql_store.h"

namespace newsflow::sink {

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConnHandle = std::unique_ptr<PGconn, PgConnDeleter>;
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultHandle = std::unique_ptr<PGresult, PgResultDeleter>;

// Connection failures, server shutdown, serialization failures, deadlocks, lock timeouts, lack of
// resources, a read-only server: a retry (later, or on a new connection) may succeed.
bool IsTransientSqlState(std::string_view sqlstate);

class PgSession final : public SqlSession {
 public:
  // Connects to `uri` (postgresql:// or postgres://). `read_only` makes every transaction read
  // only. Unavailable when the server cannot be reached.
  static Result<std::unique_ptr<PgSession>> Connect(const std::string& uri, bool read_only);
  // Takes a connection that is up; use Connect.
  PgSession(PgConnHandle conn, bool read_only) : conn_(std::move(conn)), read_only_(read_only) {}

  Status Begin(bool write) override;
  Status Commit() override;
  void Rollback() override;
  Result<std::vector<Row>> Query(const std::string& sql, const Params& params, const char* what) override;
  // Runs several statements without parameters (the schema script).
  Status Script(const std::string& sql, const char* what);

 private:
  // Reconnects a lost connection, but only between transactions: inside one, the loss is the
  // transaction's failure and must reach the caller (who rolls back and retries).
  Status EnsureConnected();
  Status Setup();
  Result<std::vector<Row>> Check(PgResultHandle result, const char* what);

  PgConnHandle conn_;
  bool read_only_;
  bool in_transaction_ = false;
};

}  // namespace newsflow::sink
