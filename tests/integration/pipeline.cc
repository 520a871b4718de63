#include "pipeline.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "newsflow/common/topics.h"
#include "newsflow/sink/store.h"

namespace newsflow::testing {
namespace {
// Sends `request` to 127.0.0.1:port and returns the reply: its first line (without the newline)
// when `one_line`, else everything until the peer closes. "" when nothing could be exchanged.
std::string Exchange(int port, const std::string& request, bool one_line) {
  struct Socket {
    int fd;
    ~Socket() {
      if (fd >= 0) close(fd);
    }
  } sock{socket(AF_INET, SOCK_STREAM, 0)};
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  std::string reply;
  if (sock.fd < 0 || connect(sock.fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
      write(sock.fd, request.data(), request.size()) != static_cast<ssize_t>(request.size()))
    return reply;
  char buf[4096];
  for (ssize_t n; (n = read(sock.fd, buf, one_line ? 1 : sizeof buf)) > 0;) {
    if (one_line && buf[0] == '\n') break;
    reply.append(buf, static_cast<size_t>(n));
  }
  return reply;
}

int64_t Sum(const std::vector<PartitionOffset>& v) {
  int64_t s = 0;
  for (const auto& p : v) s += p.offset > 0 ? p.offset : 0;
  return s;
}
}  // namespace

Pipeline::Pipeline(PipelineOptions options) : options_(options) {}

Pipeline::~Pipeline() { StopAll(); }

bool Pipeline::StartBroker() {
  const std::string addr = dir() + "/broker.addr";
  std::vector<std::string> argv = {NEWSFLOW_BROKER_BIN, "--address-file", addr, "--partitions",
                                   std::to_string(options_.partitions), "--brokers-count",
                                   std::to_string(options_.brokers)};
  if (options_.control) argv.insert(argv.end(), {"--control-port", "0"});
  broker_ = std::make_unique<Process>("broker", argv, dir());
  bool up = WaitUntil([&] { return !ReadFile(addr).empty() && ReadFile(addr).back() == '\n'; }, std::chrono::seconds(20));
  if (!up) return false;
  std::string a = ReadFile(addr);
  kafka_.brokers = a.substr(0, a.find('\n'));
  return true;
}

void Pipeline::StartSink() {
  std::vector<std::string> argv = {NEWSFLOW_SINK_BIN, "--brokers", kafka_.brokers, "--store", store_path()};
  if (options_.metrics) argv.insert(argv.end(), {"--metrics-port", "0"});
  for (const auto& x : options_.extra_kafka) argv.insert(argv.end(), {"-X", x});
  sink_ = std::make_unique<Process>("sink", argv, dir());
}

size_t Pipeline::StartExtractor() {
  extractors_.emplace_back();
  StartExtractor(extractors_.size() - 1);
  return extractors_.size() - 1;
}

void Pipeline::StartExtractor(size_t i) {
  std::vector<std::string> argv = {NEWSFLOW_EXTRACT_BIN, "--brokers", kafka_.brokers, "--kb", NEWSFLOW_KB_DIR};
  if (options_.metrics) argv.insert(argv.end(), {"--metrics-port", "0"});
  for (const auto& x : options_.extra_kafka) argv.insert(argv.end(), {"-X", x});
  extractors_[i] = std::make_unique<Process>("extract-" + std::to_string(i), argv, dir());
}

std::unique_ptr<Process> Pipeline::StartIngest(std::vector<std::string> args) {
  std::vector<std::string> argv = {NEWSFLOW_INGEST_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--brokers", kafka_.brokers, "--kb", NEWSFLOW_KB_DIR});
  for (const auto& x : options_.extra_kafka) argv.insert(argv.end(), {"-X", x});
  return std::make_unique<Process>("ingest-" + std::to_string(ingest_runs_++), argv, dir());
}

int Pipeline::Ingest(std::vector<std::string> args, std::chrono::seconds timeout) {
  auto ingest = StartIngest(std::move(args));
  auto rc = ingest->Wait(timeout);
  return rc ? *rc : -1;
}

std::string Pipeline::Control(const std::string& command) {
  std::string addr = ReadFile(dir() + "/broker.addr.control");
  addr = addr.substr(0, addr.find('\n'));
  const auto colon = addr.rfind(':');
  if (colon == std::string::npos) return "error: no control address";
  const std::string reply = Exchange(std::stoi(addr.substr(colon + 1)), command + "\n", /*one_line=*/true);
  return reply.empty() ? "error: no reply" : reply;
}

bool Pipeline::Drained() {
  using namespace std::chrono_literals;
  auto articles_end = QueryHighWatermarks(kafka_, topics::kArticles, 5s);
  auto extracted = QueryCommitted(kafka_, "newsflow-extract", topics::kArticles, 5s);
  auto events_end = QueryHighWatermarks(kafka_, topics::kEvents, 5s);
  if (!articles_end.ok() || !extracted.ok() || !events_end.ok()) return false;
  if (Sum(*extracted) < Sum(*articles_end)) return false;
  auto store = sink::OpenStore(store_path());
  if (!store.ok()) return false;
  auto stored = (*store)->LoadOffsets("newsflow-sink");
  return stored.ok() && Sum(*stored) >= Sum(*events_end);
}

bool Pipeline::WaitDrained(std::chrono::seconds timeout) { return WaitUntil([&] { return Drained(); }, timeout); }

bool Pipeline::StopAll() {
  bool ok = true;
  auto stop = [&](Process* p) {
    if (p == nullptr || !p->Running()) return;
    p->Signal(SIGTERM);
    auto rc = p->Wait(std::chrono::seconds(30));
    if (!rc || *rc != 0) ok = false;
  };
  stop(sink_.get());
  for (auto& e : extractors_) stop(e.get());
  stop(broker_.get());
  return ok;
}

int MetricsPort(const Process& p) {
  const std::string err = p.Stderr();
  const std::string key = "metrics_listening port=";
  const auto at = err.find(key);
  return at == std::string::npos ? 0 : std::atoi(err.c_str() + at + key.size());
}

std::string HttpGet(int port, const std::string& path) {
  const std::string resp = Exchange(
      port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", /*one_line=*/false);
  if (resp.size() < 12) return "";
  const auto body = resp.find("\r\n\r\n");
  return resp.substr(9, 3) + " " + (body == std::string::npos ? "" : resp.substr(body + 4));
}

std::vector<std::vector<std::string>> QuerySqlite(const std::string& db_path, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(raw);
    return rows;
  }
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  sqlite3_busy_timeout(db.get(), 2000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return rows;
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(st, &sqlite3_finalize);
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt.get()); ++i) {
      const unsigned char* t = sqlite3_column_text(stmt.get(), i);
      row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  auto rows = QuerySqlite(db_path, sql);
  if (rows.empty() || rows[0].empty() || rows[0][0].empty()) return -1;
  return std::stoll(rows[0][0]);
}

}  // namespace newsflow::testing
