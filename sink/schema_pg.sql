-- The newsflow event store (PostgreSQL). Schema version 2: the same tables, columns and meaning
-- as schema.sql (SQLite), which comments them column by column; only the types are PostgreSQL's.
-- Embedded into newsflow_sink at build time and applied by OpenStore under an advisory lock;
-- idempotent (IF NOT EXISTS), so every sink start runs it.
-- Dates stay ISO 8601 TEXT (days at their precision "YYYY-MM-DD" / "YYYY-MM" / "YYYY", instants
-- "YYYY-MM-DDTHH:MM:SSZ"): a partial date is not a timestamp, and both stores read alike.
-- JSON columns are JSONB (query with jsonb_array_elements, ->>, @>; GIN-indexable).

CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS articles (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  outlet TEXT NOT NULL,
  title TEXT NOT NULL,
  language TEXT NOT NULL,
  published_at TEXT,
  published_precision TEXT,
  ingested_at TEXT,
  origin TEXT NOT NULL,
  body TEXT NOT NULL,
  extractor_version TEXT NOT NULL,
  event_ids JSONB NOT NULL             -- array of report ids
);

CREATE TABLE IF NOT EXISTS entities (
  id TEXT PRIMARY KEY,
  canonical_name TEXT NOT NULL,
  type TEXT NOT NULL,
  from_kb BIGINT NOT NULL,             -- 1 for knowledge-base entities (an integer, as in SQLite)
  affiliations JSONB NOT NULL          -- array of entity ids, principal first
);

CREATE TABLE IF NOT EXISTS article_entities (
  article_id TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  PRIMARY KEY (article_id, entity_id)
);

CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  fusion_key TEXT NOT NULL,
  anchor TEXT NOT NULL,
  cameo_code TEXT NOT NULL,
  root_code TEXT NOT NULL,
  location_id TEXT,
  location_name TEXT,
  date_iso TEXT,
  date_precision TEXT,
  date_basis TEXT NOT NULL,
  core_first TEXT,
  core_last TEXT,
  mention_count BIGINT NOT NULL,
  article_count BIGINT NOT NULL,
  languages TEXT NOT NULL,
  evidence_mention_id TEXT NOT NULL,
  first_published_at TEXT,
  first_ingested_at TEXT
);

CREATE TABLE IF NOT EXISTS event_actors (
  event_id TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  role TEXT NOT NULL,
  canonical_name TEXT NOT NULL,
  PRIMARY KEY (event_id, entity_id, role)
);

CREATE TABLE IF NOT EXISTS mentions (
  id TEXT PRIMARY KEY,
  event_id TEXT,
  fusion_key TEXT NOT NULL,
  article_id TEXT NOT NULL,
  language TEXT NOT NULL,
  outlet TEXT NOT NULL,
  published_at TEXT,
  sentence TEXT NOT NULL,
  sentence_begin BIGINT NOT NULL,
  sentence_end BIGINT NOT NULL,
  trigger TEXT NOT NULL,
  trigger_begin BIGINT NOT NULL,
  trigger_end BIGINT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  cameo_code TEXT NOT NULL,
  date_iso TEXT,
  date_precision TEXT,
  date_resolution TEXT,
  date_surface TEXT,
  actors JSONB NOT NULL,               -- [{"id","name","type","role","affiliations","from_kb"}]
  location JSONB,                      -- {"id","name","type","affiliations","from_kb"} or NULL
  fusion_input TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS fusion_groups (
  fusion_key TEXT PRIMARY KEY,
  version BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS consumer_offsets (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition BIGINT NOT NULL,
  next_offset BIGINT NOT NULL,
  PRIMARY KEY (consumer_group, topic, partition)
);

-- The indexes (schema_indexes.sql, shared with SQLite) are appended at build time.

INSERT INTO schema_version (version) SELECT 2 WHERE NOT EXISTS (SELECT 1 FROM schema_version);
