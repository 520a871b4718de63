-- The indexes of both stores (SQLite and PostgreSQL read the same statements), appended to
-- schema.sql and schema_pg.sql at build time. IF NOT EXISTS: the PostgreSQL schema runs at every start.
CREATE INDEX IF NOT EXISTS mentions_by_fusion_key ON mentions (fusion_key);
CREATE INDEX IF NOT EXISTS mentions_by_article ON mentions (article_id);
CREATE INDEX IF NOT EXISTS mentions_by_event ON mentions (event_id);
CREATE INDEX IF NOT EXISTS events_by_fusion_key ON events (fusion_key);
CREATE INDEX IF NOT EXISTS events_by_date ON events (date_iso);
CREATE INDEX IF NOT EXISTS events_by_root_code ON events (root_code, date_iso);
CREATE INDEX IF NOT EXISTS event_actors_by_entity ON event_actors (entity_id);
CREATE INDEX IF NOT EXISTS article_entities_by_entity ON article_entities (entity_id);
CREATE INDEX IF NOT EXISTS articles_by_published ON articles (published_at);

