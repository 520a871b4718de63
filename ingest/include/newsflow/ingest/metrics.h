// The ingest process's Prometheus metrics (served by common's MetricsServer with --metrics-port).
// One registry per process; the publisher and the sources count into it.
#pragma once

#include "newsflow/common/metrics.h"

namespace newsflow::ingest {

struct IngestMetrics {
  // Registers every ingest metric in `registry` (at start-up: registration is not thread-safe).
  explicit IngestMetrics(Metrics& registry);

  Counter& read;            // articles (and rejected inputs) handed to the publisher
  Counter& produced;        // articles produced to the articles topic
  Counter& dead_lettered;   // inputs produced to the dead-letter topic
  Gauge& acknowledged;      // messages the broker acknowledged so far
  Counter& article_bytes;   // bytes of the articles handed to the publisher (file, JSON text, feed item)
  Counter& feed_bytes;      // bytes of feed responses (200s)
  Counter& feed_polls;      // HTTP requests made for feeds
  Counter& feed_not_modified;  // 304 answers to conditional requests
  Counter& feed_errors;     // failed fetches (connection, timeout, HTTP status >= 400, too large)
  Counter& bad_feeds;       // responses that were not a readable RSS / Atom document
  Counter& duplicates;      // feed items or watched files skipped as already ingested
};

}  // namespace newsflow::ingest
