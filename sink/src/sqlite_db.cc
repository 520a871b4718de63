#include "sqlite_db.h"

namespace newsflow::sink {

bool IsTransient(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_NOMEM:
      return true;
    default:
      return false;
  }
}

Query::~Query() {
  if (s_ == nullptr) return;
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

Query& Query::Bind(int i, std::string_view text) {
  const int rc = sqlite3_bind_text64(s_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::BindStatic(int i, std::string_view text) {
  const int rc = sqlite3_bind_text64(s_, i, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::Bind(int i, int64_t v) {
  const int rc = sqlite3_bind_int64(s_, i, v);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::Bind(int i, double v) {
  const int rc = sqlite3_bind_double(s_, i, v);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::BindNull(int i) {
  const int rc = sqlite3_bind_null(s_, i);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::BindOrNull(int i, std::string_view text) { return text.empty() ? BindNull(i) : Bind(i, text); }

int Query::Step() { return bind_rc_ != SQLITE_OK ? bind_rc_ : sqlite3_step(s_); }

std::string Query::Text(int col) const {
  const unsigned char* t = sqlite3_column_text(s_, col);
  return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s_, col));
}

int64_t Query::Int(int col) const { return sqlite3_column_int64(s_, col); }
double Query::Double(int col) const { return sqlite3_column_double(s_, col); }
bool Query::IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
int Query::Columns() const { return sqlite3_column_count(s_); }

Result<Database> Database::Open(const std::string& path, bool read_only) {
  sqlite3* raw = nullptr;
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db;
  db.db_.reset(raw);  // owned even on failure: open_v2 may allocate a handle that needs closing
  if (rc != SQLITE_OK) {
    std::string msg = "sqlite open " + path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    return IsTransient(rc) ? Status::Unavailable(msg) : Status::InvalidArgument(msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Result<Query> Database::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &raw, nullptr);
    StatementHandle stmt(raw);
    if (rc != SQLITE_OK) return Error(rc, "prepare");
    it = cache_.emplace(sql, std::move(stmt)).first;
  }
  return Query(it->second.get());
}

Status Database::Exec(const std::string& sql) {
  const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : Error(rc, sql.substr(0, sql.find_first_of(" \n;")));
}

Status Database::Run(Query& q, std::string_view what) {
  const int rc = q.Step();
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? Status::Ok() : Error(rc, what);
}

Status Database::Error(int rc, std::string_view what) const {
  std::string msg = "sqlite " + std::string(what) + ": " + sqlite3_errstr(rc);
  if (const char* detail = sqlite3_errmsg(db_.get()); detail != nullptr && msg.find(detail) == std::string::npos)
    msg += std::string(" (") + detail + ")";
  return IsTransient(rc) ? Status::Unavailable(msg) : Status::Internal(msg);
}

}  // namespace newsflow::sink
