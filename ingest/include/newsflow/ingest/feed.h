// RSS / Atom feeds: fetching over HTTP(S) with conditional GET (libcurl), parsing the document
// (libxml2, no DTDs, no entity expansion, no network) into items, and the `feed` source that polls.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/ingest/source.h"

namespace newsflow::ingest {

struct IngestMetrics;

// ---- HTTP

struct HttpOptions {
  std::chrono::milliseconds timeout{30000};  // whole request, connection included
  std::string user_agent = "newsflow-ingest/1";
  size_t max_bytes = 4 * 1024 * 1024;  // larger bodies abort the transfer (too_large)
};

struct HttpResponse {
  long status = 0;  // 200, 304, 404, ...
  std::string body;
  std::string etag, last_modified;  // validators to send back next time (empty = none)
};

// GET `url` (http/https only, redirects followed). Non-empty `etag` / `last_modified` make the
// request conditional (If-None-Match / If-Modified-Since). Unavailable on connection errors and
// timeouts; DataLoss "too_large" past max_bytes. HTTP error statuses are a response, not an error.
Result<HttpResponse> HttpGet(const std::string& url, std::string_view etag, std::string_view last_modified,
                             const HttpOptions& options);

// ---- Documents

struct FeedItem {
  std::string id;      // guid / Atom id; else the link (what de-duplication keys on)
  std::string title;   // plain text
  std::string link;    // the article's address
  std::string text;    // content:encoded / content, else description / summary, as plain text
  std::string outlet;  // the item's <source>, else the feed's title
  std::string language;  // ISO 639 primary subtag from dc:language / xml:lang / <language>; may be empty
  std::optional<std::chrono::system_clock::time_point> published;
};

struct ParsedFeed {
  std::string title;
  std::vector<FeedItem> items;  // in document order
};

// Parses RSS 2.0 (and RSS 1.0 / RDF) or Atom 1.0. DataLoss with a one-line reason ("not_xml:
// line 3: ...", "not_a_feed: root <html>") when the bytes are neither. External entities and DTDs
// are never loaded; entity references are never expanded into text.
Result<ParsedFeed> ParseFeed(std::string_view bytes);

// HTML (a description, an Atom html content) to plain text: tags dropped, entities decoded,
// block elements become line breaks, script/style removed, white space collapsed.
std::string HtmlToText(std::string_view html);

// RFC 822 / 1123 dates as RSS writes them: "Tue, 03 Feb 2026 08:15:00 +0700", "3 Feb 26 08:15 GMT".
std::optional<std::chrono::system_clock::time_point> ParseRfc822Time(std::string_view s);

// ---- The source

struct FeedOptions {
  std::vector<std::string> urls;
  std::filesystem::path state_path;  // ETag / Last-Modified and seen ids per URL
  std::chrono::milliseconds interval{300000};  // between polling rounds
  bool once = false;                           // one round, then return
  size_t max_seen = 10000;                     // ids remembered per feed
  HttpOptions http;
  IngestMetrics* metrics = nullptr;  // must outlive the source
};

// `feed URL...`: every round fetches each URL (conditionally, once validators are known) and
// hands each item whose id was not seen for that URL to the sink as an article (origin FEED,
// title / link / outlet / language / published from the feed). A body that is not a feed is
// rejected with reason "bad_feed" (the same bytes only once) and the other URLs go on. Seen ids
// and validators are recorded in the state file only after the sink's Checkpoint() succeeds.
// Failed fetches are retried after 1, 2, 4, 8, then every 16 rounds. Between rounds the source
// calls sink.Wait(interval). Errors: unreadable / unwritable state file; with `once`, Unavailable
// when some URL could not be fetched.
std::unique_ptr<ArticleSource> MakeFeedSource(FeedOptions options);

}  // namespace newsflow::ingest
