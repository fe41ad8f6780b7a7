-- The decision log: everything needed to audit and replay a decision or a position review.
ALTER TABLE decisions ADD COLUMN kind TEXT NOT NULL DEFAULT 'decision'; -- decision | review
ALTER TABLE decisions ADD COLUMN position_id TEXT;                       -- reviews: the position reviewed
ALTER TABLE decisions ADD COLUMN prompt_version TEXT;
ALTER TABLE decisions ADD COLUMN model TEXT;
ALTER TABLE decisions ADD COLUMN raw_response TEXT;
ALTER TABLE decisions ADD COLUMN clamps_json TEXT;
ALTER TABLE decisions ADD COLUMN input_tokens INTEGER;
ALTER TABLE decisions ADD COLUMN output_tokens INTEGER;
ALTER TABLE decisions ADD COLUMN cache_write_tokens INTEGER;
ALTER TABLE decisions ADD COLUMN cache_read_tokens INTEGER;
ALTER TABLE decisions ADD COLUMN cost_usd REAL;
ALTER TABLE decisions ADD COLUMN latency_ms INTEGER;
CREATE INDEX decisions_snapshot_hash ON decisions (snapshot_hash);
