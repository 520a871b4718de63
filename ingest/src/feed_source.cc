#include <algorithm>
#include <map>

#include "newsflow/common/ids.h"
#include "newsflow/common/log.h"
#include "newsflow/ingest/feed.h"
#include "newsflow/ingest/metrics.h"
#include "newsflow/ingest/state.h"

namespace newsflow::ingest {
namespace {

class FeedSource : public ArticleSource {
 public:
  explicit FeedSource(FeedOptions options) : options_(std::move(options)) {}

  Status Run(ArticleSink& sink) override {
    auto state = IngestState::Load(options_.state_path);
    if (!state.ok()) return state.status();
    state_ = std::move(*state);
    for (;;) {
      bool all_fetched = true;
      for (const std::string& url : options_.urls) {
        Retry& retry = retries_[url];
        if (retry.skip > 0) {
          --retry.skip;
          continue;
        }
        const Outcome o = Poll(url, sink);
        if (o == Outcome::kFetchFailed) {
          all_fetched = false;
          ++retry.failures;
          retry.skip = (1 << std::min(retry.failures - 1, 4)) - 1;  // 0, 1, 3, 7, 15 rounds skipped
        } else {
          retry.failures = 0;
        }
        if (o == Outcome::kFatal) return fatal_;
        if (o == Outcome::kStop) return Status::Ok();
      }
      if (options_.once)
        return all_fetched ? Status::Ok() : Status::Unavailable("some feeds could not be fetched");
      if (!sink.Wait(options_.interval)) return Status::Ok();
    }
  }

 private:
  enum class Outcome { kDone, kFetchFailed, kStop, kFatal };
  struct Retry {
    int failures = 0, skip = 0;
  };

  Outcome Poll(const std::string& url, ArticleSink& sink) {
    IngestMetrics* m = options_.metrics;
    FeedState& fs = state_.Feed(url);
    if (m) m->feed_polls.Add();
    auto response = HttpGet(url, fs.etag, fs.last_modified, options_.http);
    if (!response.ok() || (response->status != 200 && response->status != 304)) {
      const std::string why = response.ok() ? "HTTP " + std::to_string(response->status) : response.status().message();
      Log(LogLevel::kWarn, "feed_fetch_failed", {{"url", url}, {"error", why}});
      if (m) m->feed_errors.Add();
      return Outcome::kFetchFailed;
    }
    if (response->status == 304) {
      if (m) m->feed_not_modified.Add();
      return Outcome::kDone;
    }
    if (m) m->feed_bytes.Add(static_cast<int64_t>(response->body.size()));
    auto feed = ParseFeed(response->body);
    if (!feed.ok()) {
      // The same broken body is dead-lettered once, not every interval.
      const std::string hash = HexId(StableHash64(response->body));
      if (hash == fs.bad) return Outcome::kDone;
      Log(LogLevel::kWarn, "bad_feed", {{"url", url}, {"reason", feed.status().message()}});
      if (m) m->bad_feeds.Add();
      if (!sink.Reject("bad_feed", feed.status().message(), response->body, url)) return Outcome::kStop;
      return Commit(sink, url, *response, {}, hash);
    }
    std::vector<std::string> fresh;
    for (const FeedItem& item : feed->items) {
      if (fs.Seen(item.id) || std::find(fresh.begin(), fresh.end(), item.id) != fresh.end()) {
        if (m) m->duplicates.Add();
        continue;
      }
      RawArticle raw;
      raw.bytes = item.text;
      raw.url = item.link.empty() ? url + "#" + item.id : item.link;
      raw.origin = v1::ORIGIN_FEED;
      raw.title = item.title;
      raw.outlet = item.outlet;
      raw.language = item.language;
      raw.published_at = item.published;
      if (!sink.Accept(raw)) {
        // What was handed over is still recorded once acknowledged; the rest comes next time.
        return Commit(sink, url, HttpResponse{}, fresh, fs.bad) == Outcome::kFatal ? Outcome::kFatal : Outcome::kStop;
      }
      fresh.push_back(item.id);
    }
    return Commit(sink, url, *response, fresh, "");
  }

  // Records `ids` (and the validators, so the next request is conditional) once the sink says
  // everything handed over is acknowledged. Not acknowledged: nothing recorded, all comes again.
  Outcome Commit(ArticleSink& sink, const std::string& url, const HttpResponse& response,
                 const std::vector<std::string>& ids, const std::string& bad) {
    if (Status s = sink.Checkpoint(); !s.ok()) {
      Log(LogLevel::kError, "feed_not_acknowledged", {{"url", url}, {"error", s.message()}});
      return Outcome::kFetchFailed;
    }
    FeedState& fs = state_.Feed(url);
    for (const auto& id : ids) fs.Remember(id, options_.max_seen);
    if (response.status != 0) {
      fs.etag = response.etag;
      fs.last_modified = response.last_modified;
      fs.bad = bad;
    }
    if (Status s = state_.Save(); !s.ok()) {
      fatal_ = s;
      return Outcome::kFatal;
    }
    return Outcome::kDone;
  }

  FeedOptions options_;
  IngestState state_;
  std::map<std::string, Retry> retries_;
  Status fatal_;
};

}  // namespace

std::unique_ptr<ArticleSource> MakeFeedSource(FeedOptions options) {
  return std::make_unique<FeedSource>(std::move(options));
}

}  // namespace newsflow::ingest
