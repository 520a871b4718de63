// The event store: articles, entities, events (fused records), event_actors and mentions, with
// the consumer offsets of what has been stored kept in the same transaction (exactly-once store).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/kafka.h"
#include "newsflow/common/result.h"
#include "newsflow/v1/event.pb.h"

namespace newsflow::sink {

class Store {
 public:
  virtual ~Store() = default;

  // In ONE transaction: upserts every record (articles + entities, event reports as mentions),
  // re-fuses the fusion groups the batch touched (see fusion.h), and saves `offsets` for
  // `consumer_group`. Idempotent: applying the same batch twice leaves the store unchanged.
  // Unavailable when the store is busy / read-only / down (retry later; nothing was written).
  virtual Status Apply(const std::vector<v1::ExtractOutput>& records, const std::vector<PartitionOffset>& offsets,
                       const std::string& consumer_group) = 0;

  // Offsets saved for `consumer_group` (next offset to read per topic-partition).
  virtual Result<std::vector<PartitionOffset>> LoadOffsets(const std::string& consumer_group) = 0;

  // The fused event record a mention (event report id) belongs to; NotFound when not stored.
  virtual Result<std::string> RecordOfMention(std::string_view mention_id) = 0;

  // Row counts, for tests, progress and the demo: articles, entities, events, mentions.
  struct Counts {
    int64_t articles = 0, entities = 0, events = 0, mentions = 0;
  };
  virtual Result<Counts> CountRows() = 0;
};

// Opens (creating the schema if needed) a store from a URI: a plain path or "sqlite:PATH" for
// SQLite (WAL mode), "postgresql://..." for PostgreSQL.
Result<std::unique_ptr<Store>> OpenStore(const std::string& uri);

}  // namespace newsflow::sink
