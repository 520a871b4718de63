#include "newsflow/ingest/metrics.h"

namespace newsflow::ingest {

IngestMetrics::IngestMetrics(Metrics& m)
    : read(m.AddCounter("articles_read_total", "articles and rejected inputs read")),
      produced(m.AddCounter("articles_produced_total", "articles produced to the articles topic")),
      dead_lettered(m.AddCounter("dead_letters_total", "inputs produced to the dead-letter topic")),
      acknowledged(m.AddGauge("acknowledged", "messages acknowledged by the broker")),
      article_bytes(m.AddCounter("article_bytes_total", "bytes of the articles read")),
      feed_bytes(m.AddCounter("feed_bytes_total", "bytes of feed responses")),
      feed_polls(m.AddCounter("feed_polls_total", "HTTP requests for feeds")),
      feed_not_modified(m.AddCounter("feed_not_modified_total", "304 Not Modified answers")),
      feed_errors(m.AddCounter("feed_errors_total", "failed feed fetches (network, timeout, HTTP error, too large)")),
      bad_feeds(m.AddCounter("bad_feeds_total", "feed bodies that were not RSS / Atom (dead-lettered)")),
      duplicates(m.AddCounter("duplicates_total", "feed items and files skipped as already ingested")) {}

}  // namespace newsflow::ingest
