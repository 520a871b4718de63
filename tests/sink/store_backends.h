// The stores the conformance tests run on, each with a side door (a second connection, as an
// analyst or a second sink would hold) to read whole tables and to sabotage the store:
//  * SQLite: files in a fresh temp dir.
//  * PostgreSQL: the server named by NEWSFLOW_TEST_PG_URI (scripts/pg.sh start prints one), one
//    fresh schema per store name, selected through the URI's search_path. Without the variable
//    the PostgreSQL tests FAIL, unless NEWSFLOW_TEST_PG_OPTIONAL=1 lets them skip.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace newsflow::sink::testing {

// Sorted rows, one line each, cells separated by \x1f, NULL as "NULL": equal dumps, equal tables.
inline std::string SortedLines(std::vector<std::string> rows) {
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (const auto& r : rows) out += r + "\n";
  return out;
}

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  // False when the backend cannot run here: the test has failed, or should skip for skip_reason.
  virtual bool SetUp() = 0;
  std::string skip_reason;
  // The URI of the store `name` (a fresh, empty one the first time within a test).
  virtual std::string Uri(const std::string& name) = 0;
  // Every row `sql` returns from store `name`, through a second connection.
  virtual std::string DumpQuery(const std::string& name, const std::string& sql) = 0;
  // Runs `sql` on store `name` through a second connection; "" or the error.
  virtual std::string Exec(const std::string& name, const std::string& sql) = 0;
  // SQL making (or no longer making) every insert into consumer_offsets fail with "offsets refused".
  virtual std::string RefuseOffsetsSql() const = 0;
  virtual std::string AllowOffsetsSql() const = 0;

  std::string Dump(const std::string& name, const std::string& table) {
    return DumpQuery(name, "SELECT * FROM " + table);
  }
  std::string DumpAll(const std::string& name, bool with_offsets = true) {
    std::string out;
    for (const char* t : {"articles", "entities", "article_entities", "events", "event_actors", "mentions"})
      out += std::string("== ") + t + "\n" + Dump(name, t);
    if (with_offsets) out += "== consumer_offsets\n" + Dump(name, "consumer_offsets");
    return out;
  }
};

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteConnection = std::unique_ptr<sqlite3, SqliteCloser>;

class SqliteBackend final : public StoreBackend {
 public:
  ~SqliteBackend() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  bool SetUp() override {
    char tmpl[] = "/tmp/newsflow-sink-test.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return false;
    }
    dir_ = tmpl;
    return true;
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name + ".db"; }
  std::string Uri(const std::string& name) override { return "sqlite:" + Path(name); }
  SqliteConnection Connect(const std::string& name) const {
    sqlite3* raw = nullptr;
    sqlite3_open_v2(Path(name).c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    return SqliteConnection(raw);
  }
  std::string DumpQuery(const std::string& name, const std::string& sql) override {
    SqliteConnection db = Connect(name);
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
      return "prepare failed: " + std::string(sqlite3_errmsg(db.get()));
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
    std::vector<std::string> rows;
    while (sqlite3_step(raw) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(raw); ++i) {
        const unsigned char* t = sqlite3_column_text(raw, i);
        row += t ? std::string(reinterpret_cast<const char*>(t)) : "NULL";
        row += "\x1f";
      }
      rows.push_back(row);
    }
    return SortedLines(std::move(rows));
  }
  std::string Exec(const std::string& name, const std::string& sql) override {
    SqliteConnection db = Connect(name);
    char* err = nullptr;
    if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return "";
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    return msg;
  }
  std::string RefuseOffsetsSql() const override {
    return "CREATE TRIGGER no_offsets BEFORE INSERT ON consumer_offsets "
           "BEGIN SELECT RAISE(ABORT, 'offsets refused'); END";
  }
  std::string AllowOffsetsSql() const override { return "DROP TRIGGER no_offsets"; }

 private:
  std::string dir_;
};

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConnection = std::unique_ptr<PGconn, PgConnCloser>;
struct PgResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultCloser>;

class PostgresBackend final : public StoreBackend {
 public:
  ~PostgresBackend() override {
    if (admin_ == nullptr) return;
    for (const std::string& schema : schemas_) Run("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }
  bool SetUp() override {
    const char* uri = std::getenv("NEWSFLOW_TEST_PG_URI");
    if (uri == nullptr || *uri == '\0') {
      const char* optional = std::getenv("NEWSFLOW_TEST_PG_OPTIONAL");
      if (optional != nullptr && std::string(optional) == "1") {
        skip_reason = "NEWSFLOW_TEST_PG_URI is unset and NEWSFLOW_TEST_PG_OPTIONAL=1: PostgreSQL store not tested";
        return false;
      }
      ADD_FAILURE() << "NEWSFLOW_TEST_PG_URI is unset: start a server with `scripts/pg.sh start` and export "
                       "NEWSFLOW_TEST_PG_URI=$(scripts/pg.sh uri) (or set NEWSFLOW_TEST_PG_OPTIONAL=1 to skip)";
      return false;
    }
    base_ = uri;
    admin_.reset(PQconnectdb(base_.c_str()));
    if (PQstatus(admin_.get()) != CONNECTION_OK) {
      ADD_FAILURE() << "cannot connect to NEWSFLOW_TEST_PG_URI=" << base_ << ": " << PQerrorMessage(admin_.get());
      admin_.reset();
      return false;
    }
    Run("SET client_min_messages = warning");  // no NOTICE per dropped table in the test log
    return true;
  }
  // The schema holding store `name` in this test: unique per process and backend instance, so
  // tests running in parallel (ctest -j) never share one.
  std::string Schema(const std::string& name) const { return prefix_ + "_" + name; }
  std::string Uri(const std::string& name) override { return UriWith(name, ""); }
  // The URI of store `name` with more connection parameters ("application_name=x").
  std::string UriWith(const std::string& name, const std::string& extra) {
    const std::string schema = Schema(name);
    if (std::find(schemas_.begin(), schemas_.end(), schema) == schemas_.end()) {
      Run("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      Run("CREATE SCHEMA " + schema);
      schemas_.push_back(schema);
    }
    return base_ + (base_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema +
           (extra.empty() ? "" : "&" + extra);
  }
  std::string DumpQuery(const std::string& name, const std::string& sql) override {
    Run("SET search_path = " + Schema(name));
    PgResult r(PQexec(admin_.get(), sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return "query failed: " + std::string(PQerrorMessage(admin_.get()));
    std::vector<std::string> rows;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      std::string row;
      for (int c = 0; c < PQnfields(r.get()); ++c)
        row += (PQgetisnull(r.get(), i, c) ? std::string("NULL") : std::string(PQgetvalue(r.get(), i, c))) + "\x1f";
      rows.push_back(row);
    }
    return SortedLines(std::move(rows));
  }
  std::string Exec(const std::string& name, const std::string& sql) override {
    Run("SET search_path = " + Schema(name));
    return Run(sql);
  }
  std::string RefuseOffsetsSql() const override {
    return "CREATE FUNCTION refuse_offsets() RETURNS trigger LANGUAGE plpgsql AS "
           "$$ BEGIN RAISE EXCEPTION 'offsets refused'; END $$;"
           "CREATE TRIGGER no_offsets BEFORE INSERT ON consumer_offsets FOR EACH ROW EXECUTE FUNCTION refuse_offsets()";
  }
  std::string AllowOffsetsSql() const override {
    return "DROP TRIGGER no_offsets ON consumer_offsets; DROP FUNCTION refuse_offsets()";
  }
  // Runs `sql` on the side connection (search_path as last set); "" or the error.
  std::string Run(const std::string& sql) {
    PgResult r(PQexec(admin_.get(), sql.c_str()));
    const ExecStatusType st = PQresultStatus(r.get());
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? "" : PQerrorMessage(admin_.get());
  }

 private:
  static std::string NewPrefix() {
    static std::atomic<int> counter{0};
    return "nf_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  }

  std::string base_;
  std::string prefix_ = NewPrefix();
  PgConnection admin_;
  std::vector<std::string> schemas_;
};

inline std::unique_ptr<StoreBackend> MakeBackend(const std::string& kind) {
  if (kind == "sqlite") return std::make_unique<SqliteBackend>();
  return std::make_unique<PostgresBackend>();
}

}  // namespace newsflow::sink::testing
