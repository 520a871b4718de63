// Watches one end-to-end benchmark run from the outside, without touching the pipeline's code:
//  - reads the articles topic (its own consumer group) for each article's ingested_at (ns);
//  - polls the SQLite store every --poll-ms and records when each article's row first appears
//    (so ingest-to-store latency has the poll interval as its resolution);
//  - samples /proc of the pipeline's processes (peak RSS, CPU seconds) at the same pace;
//  - stops when --articles rows are stored and every report they announce has arrived.
//   newsflow-bench-watch --brokers B --store PATH --articles N [--pid NAME=PID]... [--poll-ms 50]
// Prints `key=value` lines (scripts/bench.sh turns them into the results table).
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "newsflow/common/flags.h"
#include "newsflow/common/kafka.h"
#include "newsflow/sink/store.h"
#include "newsflow/v1/article.pb.h"
#include "percentile.h"
#include "proc_stats.h"
#include "sqlite_db.h"

namespace {

using namespace newsflow;
using WallClock = std::chrono::system_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(WallClock::now().time_since_epoch()).count();
}

// ingested_at of every article seen on the topic, filled by a consumer thread.
class IngestTimes {
 public:
  void Add(std::string id, int64_t ns, int64_t bytes) {
    std::lock_guard lock(mu_);
    if (times_.emplace(std::move(id), ns).second) bytes_ += bytes;
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return times_.size();
  }
  std::unordered_map<std::string, int64_t> Snapshot(int64_t* bytes) const {
    std::lock_guard lock(mu_);
    *bytes = bytes_;
    return times_;
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, int64_t> times_;  // guarded by mu_
  int64_t bytes_ = 0;                                // title + body bytes, guarded by mu_
};

// New article ids in the store since the last call, read by rowid (upserts keep their rowid),
// through the sink's own SQLite layer (read-only connection, cached statement).
class StorePoller {
 public:
  // Fails (the caller retries) until the sink has created the file and its schema.
  Status Open(const std::string& path) {
    auto db = sink::Database::Open(path, /*read_only=*/true);
    if (!db.ok()) return db.status();
    if (Status s = db->Exec("PRAGMA busy_timeout = 200"); !s.ok()) return s;
    if (auto q = db->Prepare(kNewArticles); !q.ok()) return q.status();  // no articles table yet
    db_.emplace(std::move(*db));
    return Status::Ok();
  }
  bool open() const { return db_.has_value(); }

  // Appends the new ids to `out`. A busy store is skipped until the next poll.
  void Poll(std::vector<std::string>& out) {
    auto q = db_->Prepare(kNewArticles);
    if (!q.ok()) return;
    q->Bind(1, last_rowid_);
    (void)db_->ForEachRow(*q, "poll articles", [&](sink::Query& row) {
      last_rowid_ = row.Int(0);
      out.push_back(row.Text(1));
    });
  }

 private:
  static constexpr const char* kNewArticles = "SELECT rowid, id FROM articles WHERE rowid > ?1 ORDER BY rowid";
  std::optional<sink::Database> db_;
  int64_t last_rowid_ = 0;
};

struct Watched {
  std::string name;
  pid_t pid = 0;
  bench::ProcStats last;  // last sample while the process was alive
};

}  // namespace

int main(int argc, char** argv) {
  KafkaOptions kafka;
  std::string store_path, topic = "newsflow.articles", group = "newsflow-bench-watch";
  int64_t articles = 0, poll_ms = 50, timeout_s = 300, settle_ms = 0;
  std::vector<std::string> pid_flags;
  std::string ready_file;
  ArgParser args("newsflow-bench-watch", "--store PATH --articles N [--pid NAME=PID]... [options]",
                 "Measures an end-to-end run: ingest-to-store latency, throughput, peak RSS and CPU per process.");
  args.AddKafka(&kafka);
  args.AddString("store", &store_path, "the sink's SQLite file", "PATH");
  args.AddInt("articles", &articles, "articles the run stores");
  args.AddInt("poll-ms", &poll_ms, "store and /proc polling interval (latency resolution)", "MS");
  args.AddInt("timeout", &timeout_s, "give up after this many seconds", "SECONDS");
  args.AddString("topic", &topic, "articles topic", "NAME");
  args.AddString("group", &group, "this watcher's consumer group", "ID");
  args.AddRepeated("pid", &pid_flags, "a process to sample (repeatable)", "NAME=PID");
  args.AddInt("settle-ms", &settle_ms,
              "also report latency without the articles ingested this long after the first (producer start-up)", "MS");
  args.AddString("ready-file", &ready_file, "created once the watcher reads the articles topic", "PATH");
  if (int rc = args.ParseOrExit(argc, argv, nullptr); rc >= 0) return rc;
  if (store_path.empty() || articles < 1 || poll_ms < 1) {
    std::fprintf(stderr, "newsflow-bench-watch: --store and --articles >= 1 are required\n");
    return 2;
  }
  std::vector<Watched> procs;
  for (const std::string& f : pid_flags) {
    const size_t eq = f.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "newsflow-bench-watch: --pid wants NAME=PID, got '%s'\n", f.c_str());
      return 2;
    }
    procs.push_back({f.substr(0, eq), static_cast<pid_t>(std::stol(f.substr(eq + 1))), {}});
  }

  auto consumer = Consumer::Create(kafka, group, {topic});
  if (!consumer.ok()) {
    std::fprintf(stderr, "newsflow-bench-watch: %s\n", consumer.status().message().c_str());
    return 1;
  }
  // Join before the run starts (the script waits for --ready-file): a watcher still joining its
  // group when the last article is stored would miss ingest times.
  const auto join_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((*consumer)->Assignment().empty() && std::chrono::steady_clock::now() < join_deadline)
    (void)(*consumer)->Poll(std::chrono::milliseconds(100));
  if ((*consumer)->Assignment().empty()) {
    std::fprintf(stderr, "newsflow-bench-watch: no partitions of %s within 30 s\n", topic.c_str());
    return 1;
  }
  if (!ready_file.empty()) std::ofstream(ready_file) << "ready\n";
  IngestTimes ingest_times;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop.load()) {
      KafkaMessage m = (*consumer)->Poll(std::chrono::milliseconds(100));
      if (!m || m->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      v1::Article a;
      if (!a.ParseFromArray(m->payload, static_cast<int>(m->len))) continue;
      ingest_times.Add(a.id(), a.ingested_at().seconds() * 1'000'000'000 + a.ingested_at().nanos(),
                       static_cast<int64_t>(a.title().size() + a.body().size()));
    }
  });

  StorePoller poller;
  std::map<std::string, int64_t> first_seen;  // article id -> wall clock ns of first sighting
  std::unique_ptr<sink::Store> store;         // for the reports-arrived check
  int64_t drained_ns = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  std::vector<std::string> fresh;
  size_t baseline = 0;
  while (drained_ns == 0 && std::chrono::steady_clock::now() < deadline) {
    const auto tick = std::chrono::steady_clock::now();
    for (Watched& p : procs)
      if (auto s = bench::ReadProcStats(p.pid)) p.last = *s;
    if (!poller.open() && poller.Open(store_path).ok()) {
      // Rows stored before the watcher started (the script's warm-up articles) are not this run's.
      fresh.clear();
      poller.Poll(fresh);
      baseline = fresh.size();
    }
    if (poller.open()) {
      fresh.clear();
      poller.Poll(fresh);
      const int64_t now = NowNs();
      for (std::string& id : fresh) first_seen.emplace(std::move(id), now);
    }
    if (static_cast<int64_t>(first_seen.size()) >= articles) {
      if (!store) {
        if (auto s = sink::OpenStoreReadOnly(store_path); s.ok()) store = std::move(*s);
      }
      if (store) {
        auto missing = store->CountMissingMentions();
        if (missing.ok() && *missing == 0) drained_ns = NowNs();
      }
    }
    std::this_thread::sleep_until(tick + std::chrono::milliseconds(poll_ms));
  }
  // The topic may still be delivering ingest times of articles already stored.
  const auto read_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ingest_times.size() < first_seen.size() && std::chrono::steady_clock::now() < read_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  reader.join();
  (void)(*consumer)->Close();

  int64_t bytes = 0;
  const auto ingested = ingest_times.Snapshot(&bytes);
  int64_t first_ingest_ns = 0;
  for (const auto& [id, ns] : ingested)
    if (first_seen.count(id) && (first_ingest_ns == 0 || ns < first_ingest_ns)) first_ingest_ns = ns;
  // Warm-up articles (stored before the watch began) have no first sighting and are left out.
  std::vector<double> latencies_ms, settled_ms;
  for (const auto& [id, ns] : ingested) {
    auto it = first_seen.find(id);
    if (it == first_seen.end()) continue;
    const double ms = static_cast<double>(it->second - ns) / 1e6;
    latencies_ms.push_back(ms);
    if (ns >= first_ingest_ns + settle_ms * 1'000'000) settled_ms.push_back(ms);
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::sort(settled_ms.begin(), settled_ms.end());
  std::printf("articles_stored=%zu\narticles_on_topic=%zu\nwarm_up_rows_ignored=%zu\n", first_seen.size(),
              ingested.size(), baseline);
  std::printf("drained=%d\n", drained_ns != 0 ? 1 : 0);
  const double seconds = drained_ns && first_ingest_ns ? static_cast<double>(drained_ns - first_ingest_ns) / 1e9 : 0;
  std::printf("end_to_end_s=%.3f\n", seconds);
  std::printf("article_bytes=%lld\n", static_cast<long long>(bytes));
  if (seconds > 0) {
    std::printf("articles_per_s=%.1f\nmb_per_s=%.3f\n", static_cast<double>(first_seen.size()) / seconds,
                static_cast<double>(bytes) / seconds / 1e6);
  }
  // From the first row seen to drained: the pipeline's steady rate, without ingest's start-up.
  int64_t first_row_ns = 0;
  for (const auto& [id, ns] : first_seen)
    if (first_row_ns == 0 || ns < first_row_ns) first_row_ns = ns;
  if (drained_ns > first_row_ns && first_seen.size() > 1)
    std::printf("steady_articles_per_s=%.1f\n", static_cast<double>(first_seen.size() - 1) /
                                                   (static_cast<double>(drained_ns - first_row_ns) / 1e9));
  std::printf("latency_samples=%zu\nlatency_resolution_ms=%lld\n", latencies_ms.size(), static_cast<long long>(poll_ms));
  using bench::Percentile;
  std::printf("latency_p50_ms=%.1f\nlatency_p99_ms=%.1f\nlatency_max_ms=%.1f\n", Percentile(latencies_ms, 0.50),
              Percentile(latencies_ms, 0.99), latencies_ms.empty() ? 0.0 : latencies_ms.back());
  std::printf("settled_samples=%zu\nsettled_p50_ms=%.1f\nsettled_p99_ms=%.1f\n", settled_ms.size(),
              Percentile(settled_ms, 0.50), Percentile(settled_ms, 0.99));
  for (const Watched& p : procs)
    std::printf("proc_%s_hwm_mb=%.1f\nproc_%s_cpu_s=%.2f\n", p.name.c_str(), p.last.hwm_mb, p.name.c_str(),
                p.last.cpu_s);
  return drained_ns != 0 ? 0 : 1;
}
