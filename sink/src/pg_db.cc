#include "pg_db.h"

#include <cstdio>

namespace newsflow::sink {
namespace {

// A server that answers neither fast nor at all is "down": retry rather than hang.
constexpr const char* kConnectTimeoutS = "5";
// Waiting on another sink's group lock longer than this means something is stuck: give up,
// roll back and let the batch loop retry.
constexpr const char* kLockTimeout = "SET lock_timeout = '10s'";

std::string TextOf(const Param& p) {
  struct {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", v);  // round-trips exactly
      return buf;
    }
  } visitor;
  return std::visit(visitor, p);
}

std::string Trimmed(const char* message) {
  std::string m = message == nullptr ? "" : message;
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

bool IsTransientSqlState(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return true;  // no SQLSTATE: the connection failed before an answer
  const std::string_view cls = sqlstate.substr(0, 2);
  return cls == "08"                                            // connection exception
         || cls == "40"                                         // serialization failure, deadlock
         || cls == "53"                                         // insufficient resources
         || cls == "57"                                         // admin shutdown, crash, cannot connect now
         || sqlstate == "55P03"                                 // lock not available
         || sqlstate == "25006";                                // read-only transaction (a standby)
}

Result<std::unique_ptr<PgSession>> PgSession::Connect(const std::string& uri, bool read_only) {
  // Keywords before dbname are defaults the URI may override.
  const char* keywords[] = {"connect_timeout", "client_encoding", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutS, "UTF8", uri.c_str(), nullptr};
  PgConnHandle conn(PQconnectdbParams(keywords, values, 1));
  if (conn == nullptr) return Status::Unavailable("postgresql: out of memory connecting");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    const std::string msg = "postgresql connect: " + Trimmed(PQerrorMessage(conn.get()));
    // A malformed URI is the caller's mistake; anything else may heal.
    if (msg.find("invalid") != std::string::npos && msg.find("URI") != std::string::npos)
      return Status::InvalidArgument(msg);
    return Status::Unavailable(msg);
  }
  auto session = std::make_unique<PgSession>(std::move(conn), read_only);
  if (Status s = session->Setup(); !s.ok()) return s;
  return session;
}

Status PgSession::Setup() {
  if (Status s = Script(kLockTimeout, "set lock timeout"); !s.ok()) return s;
  if (read_only_)
    if (Status s = Script("SET default_transaction_read_only = on", "set read only"); !s.ok()) return s;
  return Status::Ok();
}

Status PgSession::EnsureConnected() {
  if (PQstatus(conn_.get()) == CONNECTION_OK) return Status::Ok();
  if (in_transaction_) return Status::Unavailable("postgresql: connection lost inside a transaction");
  PQreset(conn_.get());
  if (PQstatus(conn_.get()) != CONNECTION_OK)
    return Status::Unavailable("postgresql reconnect: " + Trimmed(PQerrorMessage(conn_.get())));
  return Setup();
}

Result<std::vector<Row>> PgSession::Check(PgResultHandle result, const char* what) {
  const ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    std::vector<Row> rows(static_cast<size_t>(PQntuples(result.get())));
    const int columns = PQnfields(result.get());
    for (size_t r = 0; r < rows.size(); ++r) {
      rows[r].resize(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c)
        if (!PQgetisnull(result.get(), static_cast<int>(r), c))
          rows[r][c] = std::string(PQgetvalue(result.get(), static_cast<int>(r), c),
                                   static_cast<size_t>(PQgetlength(result.get(), static_cast<int>(r), c)));
    }
    return rows;
  }
  const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state == nullptr ? "" : state;
  std::string msg = "postgresql " + std::string(what) + ": " +
                    Trimmed(result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_.get()));
  if (msg.back() == ' ' || msg.back() == ':') msg += Trimmed(PQerrorMessage(conn_.get()));
  if (!sqlstate.empty()) msg += " [" + sqlstate + "]";
  const bool lost = PQstatus(conn_.get()) != CONNECTION_OK;
  return lost || IsTransientSqlState(sqlstate) ? Status::Unavailable(msg) : Status::Internal(msg);
}

Status PgSession::Script(const std::string& sql, const char* what) {
  if (Status s = EnsureConnected(); !s.ok()) return s;
  return Check(PgResultHandle(PQexec(conn_.get(), sql.c_str())), what).status();
}

Status PgSession::Begin(bool write) {
  if (Status s = EnsureConnected(); !s.ok()) return s;
  // READ COMMITTED for writers: each statement after the group locks sees what the previous
  // holder committed, which re-fusion needs. Readers take one snapshot for all their queries.
  Status s = Script(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin");
  in_transaction_ = s.ok();
  return s;
}

Status PgSession::Commit() {
  PgResultHandle result(PQexec(conn_.get(), "COMMIT"));
  in_transaction_ = false;
  // A COMMIT of a failed transaction answers ROLLBACK without an error: not a success.
  if (result && PQresultStatus(result.get()) == PGRES_COMMAND_OK && std::string_view(PQcmdStatus(result.get())) != "COMMIT")
    return Status::Unavailable("postgresql commit: the transaction was rolled back");
  return Check(std::move(result), "commit").status();
}

void PgSession::Rollback() {
  in_transaction_ = false;
  if (PQstatus(conn_.get()) == CONNECTION_OK) PgResultHandle(PQexec(conn_.get(), "ROLLBACK"));
}

Result<std::vector<Row>> PgSession::Query(const std::string& sql, const Params& params, const char* what) {
  if (Status s = EnsureConnected(); !s.ok()) return s;
  std::vector<std::string> texts;
  std::vector<const char*> values;
  texts.reserve(params.size());
  values.reserve(params.size());
  for (const Param& p : params) {
    texts.push_back(TextOf(p));
    values.push_back(std::holds_alternative<std::monostate>(p) ? nullptr : texts.back().c_str());
  }
  return Check(PgResultHandle(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                           values.data(), nullptr, nullptr, 0)),
               what);
}

}  // namespace newsflow::sink
