-- Episodic memory: one episode per position that opened. The entry's fill writes what was seen (regime key,
-- features, the agents' signals) and the reasoning; the close upserts the outcome and a reflection. A decision
-- recalls the closed episodes most like each ticker's market now (src/lib/memory/episodes.ts).
CREATE TABLE episodes (
  id TEXT PRIMARY KEY,            -- the position id
  portfolio TEXT NOT NULL,
  symbol TEXT NOT NULL,
  agent TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,              -- null while the position is open
  regime_key TEXT,
  trend TEXT,                     -- trending | ranging
  features_json TEXT NOT NULL,    -- {"atrPct": …, "momentum": …}
  signals_json TEXT NOT NULL,     -- agent → signal at entry
  reasoning TEXT NOT NULL,
  pnl_pct REAL,
  exit_kind TEXT,
  held_hours REAL,
  reflection TEXT,
  reflection_source TEXT          -- deterministic | claude
);
CREATE INDEX episodes_portfolio_opened ON episodes (portfolio, opened_at);
CREATE INDEX episodes_portfolio_closed ON episodes (portfolio, closed_at);
