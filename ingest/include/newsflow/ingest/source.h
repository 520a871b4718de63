// Where articles come from. A source reads its input and hands each article to an ArticleSink;
// input it cannot even turn into an article (a malformed JSON line) is handed over as rejected,
// never dropped. Sources (`replay`, `jsonl`, `watch`, `feed`) implement ArticleSource and register
// a subcommand in main.cc; the sink (Publisher) is shared.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <functional>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/common/shutdown.h"
#include "newsflow/ingest/article_parser.h"

namespace newsflow::ingest {

class ArticleSink {
 public:
  virtual ~ArticleSink() = default;
  // One article as read. `raw.bytes` is valid only during the call. False: stop reading
  // (limit reached, shutdown requested, or a fatal error the sink keeps).
  virtual bool Accept(const RawArticle& raw) = 0;
  // Input that is not an article: `reason` is machine-readable ("bad_json"), `source` names where
  // it came from ("jsonl:feed.jsonl:12"). False: stop reading.
  virtual bool Reject(std::string_view reason, std::string_view detail, std::string_view original,
                      std::string_view source) = 0;
  // Everything handed over so far is durable (acknowledged by the broker): Ok means a source may
  // now record it as done in its state file. Sinks that buffer nothing return Ok.
  virtual Status Checkpoint() { return Status::Ok(); }
  // Waits `d` between inputs (replay pacing, polling intervals). False: stop reading (shutdown).
  // The sink owns the clock so waiting keeps its deliveries flowing and tests need no real sleep.
  virtual bool Wait(std::chrono::milliseconds d) { return !SleepUnlessShutdown(d); }
  // The number of inputs this run will hand over, when the source knows it (for progress / ETA).
  virtual void ExpectTotal(uint64_t /*total*/) {}
};

class ArticleSource {
 public:
  virtual ~ArticleSource() = default;
  // Reads until the input is exhausted or the sink says stop. Errors: the input cannot be
  // opened at all (NotFound / InvalidArgument).
  virtual Status Run(ArticleSink& sink) = 0;
};

using TimePoint = std::chrono::system_clock::time_point;

struct ReplayOptions {
  bool loop = false;  // start over after the last file (until the sink says stop)
  // Replay in publication order, sleeping the scaled gaps between publication times.
  bool by_published = false;
  double speed = 1;  // 60 = one hour of news per minute
  std::chrono::milliseconds max_gap{std::chrono::hours(1)};  // cap on one (scaled) wait
  // The publication time of a file's article (by_published only), e.g. from ArticleParser.
  std::function<std::optional<TimePoint>(const RawArticle&)> published_of;
};

// One step of a replay by publication time: hand over input `index` after waiting `wait`.
struct ReplayStep {
  size_t index = 0;
  std::chrono::milliseconds wait{0};
  bool operator==(const ReplayStep&) const = default;
};

// The order and waits of a replay by publication time. Dated inputs are sorted by date (stable),
// filling the positions dated inputs held; undated ones keep their position in input order and
// wait nothing. The wait before a dated input is the gap to the previous dated one / speed,
// capped at max_gap (the first waits nothing).
std::vector<ReplayStep> PlanReplay(const std::vector<std::optional<TimePoint>>& published, double speed,
                                   std::chrono::milliseconds max_gap);

// `replay DIR`: every regular file under DIR, recursively, in byte order of the relative path
// (so a run is reproducible), skipping names that start with '.'. One file = one article; its
// path is the url. A file that cannot be read is rejected with reason "unreadable". With
// by_published, every file is read once to date it, then again in PlanReplay order.
std::unique_ptr<ArticleSource> MakeReplaySource(std::filesystem::path dir, ReplayOptions options = {});

// `jsonl FILE|-`: one JSON object per line with "text" or "body" (string), and optionally
// "title", "url", "outlet", "language", "published" (ISO 8601 date or date-time). Blank lines are
// skipped; any other line that is not such an object is rejected with reason "bad_json" and its
// line number. The url defaults to "jsonl:<file>:<line>".
std::unique_ptr<ArticleSource> MakeJsonlSource(std::string path);

struct WatchOptions {
  std::filesystem::path state_path;  // default: DIR/.newsflow-ingest.state
  std::filesystem::path done_dir;    // move ingested files here; empty = leave them
  // Polled between inotify waits (~200 ms); the process passes ShutdownRequested.
  std::function<bool()> should_stop = ShutdownRequested;
};

// `watch DIR`: files landing in DIR (not its subdirectories) are ingested when they are complete:
// closed after writing (IN_CLOSE_WRITE) or moved in (IN_MOVED_TO). Files present at start that
// the state file does not list are ingested first, in name order. A file (name + size + mtime) is
// recorded in the state file only after the sink's Checkpoint() succeeds, so each version of a
// file is produced once across restarts (at least once if the process dies between the
// acknowledgement and the state write). Dot-files (the state file among them) are ignored.
// Runs until should_stop() or the sink says stop. Errors: DIR missing, inotify unavailable,
// unreadable / unwritable state file.
std::unique_ptr<ArticleSource> MakeWatchSource(std::filesystem::path dir, WatchOptions options = {});

// ISO 8601: "2025-11-06", "2025-11-06T10:32:00Z", "2025-11-06T10:32:00.5+07:00" (no offset = UTC).
std::optional<std::chrono::system_clock::time_point> ParseIsoTime(std::string_view s);

}  // namespace newsflow::ingest
