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

  // Report ids announced by stored articles (ArticleExtraction.event_ids) whose Event message is
  // not stored yet: 0 once everything extracted so far has arrived.
  virtual Result<int64_t> CountMissingMentions() = 0;

  // A fused record as people read it (the `events` subcommand, the demo).
  struct EventView {
    std::string id, cameo_code, root_code;
    std::string date_iso, date_precision, date_basis;  // date_iso empty when undated
    std::string location_id, location_name;
    struct Actor {
      std::string entity_id, canonical_name, role;  // role: "source" | "target" | "participant"
    };
    std::vector<Actor> actors;
    int64_t mention_count = 0, article_count = 0;
    std::string languages;          // "ar,vi"
    std::string evidence_sentence;  // the most confident report's sentence
    std::vector<std::string> mention_ids;
  };
  // Every fused record, ordered by date (undated last), then id. Reads the whole table.
  virtual Result<std::vector<EventView>> ListEvents() = 0;
};

// Why a record cannot be stored (missing id, fusion key or CAMEO code, or no record at all), or
// Ok. Apply rejects a batch holding such a record with InvalidArgument; the sink dead-letters
// them before calling Apply.
Status ValidateRecord(const v1::ExtractOutput& record);

// Opens (creating the schema if needed) a store from a URI: a plain path or "sqlite:PATH" for
// SQLite (WAL mode; "sqlite:PATH?mode=ro" opens it read-only), "postgresql://..." or
// "postgres://..." (a libpq URI) for PostgreSQL. Unavailable when the file cannot be opened or the
// server cannot be reached (retry later); InvalidArgument for a bad URI or another schema version.
// A Store is one connection: use it from one thread at a time.
Result<std::unique_ptr<Store>> OpenStore(const std::string& uri);

// Opens an existing store for reading only (the `events`, `status` and `wait` commands): never
// creates a file or a schema; every Apply is Unavailable.
Result<std::unique_ptr<Store>> OpenStoreReadOnly(const std::string& uri);

}  // namespace newsflow::sink
