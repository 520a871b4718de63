-- The newsflow event store (SQLite). Schema version 2.
-- Embedded into newsflow_sink at build time and applied by OpenStore on an empty database.
-- Dates are ISO 8601 text: days "YYYY-MM-DD" (or "YYYY-MM" / "YYYY" at coarser precision),
-- instants "YYYY-MM-DDTHH:MM:SSZ" in UTC. JSON columns are JSON text (query with json_each).

CREATE TABLE schema_version (
  version INTEGER NOT NULL
);

-- One row per article, as ingest read it and extract summarized it.
CREATE TABLE articles (
  id TEXT PRIMARY KEY,                 -- hash of the normalized title and body
  url TEXT NOT NULL,                   -- file path, feed item link or "jsonl:<file>:<line>"
  outlet TEXT NOT NULL,                -- as the text names it; '' when none
  title TEXT NOT NULL,
  language TEXT NOT NULL,              -- ISO 639-1, 'und' when undetermined
  published_at TEXT,                   -- NULL when the article states no publication date
  published_precision TEXT,            -- 'day' | 'month' | 'year'
  ingested_at TEXT,                    -- the ingest clock
  origin TEXT NOT NULL,                -- 'replay' | 'watch' | 'jsonl' | 'feed'
  body TEXT NOT NULL,
  extractor_version TEXT NOT NULL,
  event_ids TEXT NOT NULL              -- JSON array of the report ids extract found in it
);

-- Canonical entities (knowledge base "kb:<slug>" or provisional "prov:<hash>").
CREATE TABLE entities (
  id TEXT PRIMARY KEY,
  canonical_name TEXT NOT NULL,
  type TEXT NOT NULL,                  -- 'per' | 'org' | 'gpe' | 'loc' | 'unspecified'
  from_kb INTEGER NOT NULL,            -- 1 for knowledge-base entities
  affiliations TEXT NOT NULL           -- JSON array of entity ids, principal first
);

-- Which entities each article mentions.
CREATE TABLE article_entities (
  article_id TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  PRIMARY KEY (article_id, entity_id)
);

-- Fused event records: one real-world event, from one or more reports (see sink/README.md).
CREATE TABLE events (
  id TEXT PRIMARY KEY,                 -- hex of StableHash64(fusion_key, anchor)
  fusion_key TEXT NOT NULL,
  anchor TEXT NOT NULL,                -- core start 'YYYY-MM-DD', or 'undated'
  cameo_code TEXT NOT NULL,            -- most frequent full CAMEO code of its reports
  root_code TEXT NOT NULL,             -- first two digits
  location_id TEXT,                    -- NULL when no report names a place
  location_name TEXT,
  date_iso TEXT,                       -- at date_precision; NULL when no report dates it
  date_precision TEXT,                 -- 'day' | 'month' | 'year'
  date_basis TEXT NOT NULL,            -- 'anchored' (the text fixes it) | 'weak' (ingest clock) | 'none'
  core_first TEXT,                     -- the interval all anchored reports agree on
  core_last TEXT,
  mention_count INTEGER NOT NULL,
  article_count INTEGER NOT NULL,
  languages TEXT NOT NULL,             -- distinct report languages, sorted, comma-separated
  evidence_mention_id TEXT NOT NULL,   -- the most confident report
  first_published_at TEXT,             -- earliest publication of a reporting article
  first_ingested_at TEXT               -- earliest ingest of a reporting article (NULL until stored)
);

-- The actors of a record: the union of its reports' actors, one role per entity.
CREATE TABLE event_actors (
  event_id TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  role TEXT NOT NULL,                  -- 'source' | 'target' | 'participant' | 'unspecified'
  canonical_name TEXT NOT NULL,
  PRIMARY KEY (event_id, entity_id, role)
);

-- The reports (evidence): one article's account of one event. Self-contained, so a fusion group
-- can be re-fused from this table alone.
CREATE TABLE mentions (
  id TEXT PRIMARY KEY,                 -- the report id (Event.id = Mention.id)
  event_id TEXT,                       -- the record it is fused into (events.id)
  fusion_key TEXT NOT NULL,
  article_id TEXT NOT NULL,
  language TEXT NOT NULL,
  outlet TEXT NOT NULL,
  published_at TEXT,
  sentence TEXT NOT NULL,
  sentence_begin INTEGER NOT NULL,     -- byte offsets into articles.body, [begin, end)
  sentence_end INTEGER NOT NULL,
  trigger TEXT NOT NULL,
  trigger_begin INTEGER NOT NULL,
  trigger_end INTEGER NOT NULL,
  confidence REAL NOT NULL,
  cameo_code TEXT NOT NULL,
  date_iso TEXT,                       -- the report's own date, NULL when it has none
  date_precision TEXT,
  date_resolution TEXT,                -- 'explicit' | 'partial_publication' | 'partial_clock' |
                                       -- 'relative_publication' | 'relative_clock' | 'inherited' | 'publication'
  date_surface TEXT,
  actors TEXT NOT NULL,                -- JSON [{"id","name","type","role","affiliations","from_kb"}]
  location TEXT,                       -- JSON {"id","name","type","affiliations","from_kb"} or NULL
  fusion_input TEXT NOT NULL           -- what fusion reads of the report, compact (store_rows.h,
                                       -- EncodeFusionInput): re-fusion never parses the JSON above
);

-- One row per fusion group re-fused so far: its version grows with every transaction that
-- re-fuses it, so a sink holding the group in memory knows when another sink changed it.
CREATE TABLE fusion_groups (
  fusion_key TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);

-- Next Kafka offset to read per consumer group and partition, written in the same transaction as
-- the rows it covers: the store, not Kafka, is the source of truth.
CREATE TABLE consumer_offsets (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  PRIMARY KEY (consumer_group, topic, partition)
);

-- The indexes (schema_indexes.sql, shared with PostgreSQL) are appended at build time.

INSERT INTO schema_version (version) VALUES (2);
