-- Closed candles for backtests: written by the tickers through their outboxes (every timeframe they keep)
-- and imported with PUT /api/candles. Upserted by (symbol, timeframe, t).
CREATE TABLE candles (
  symbol TEXT NOT NULL,           -- unified, "BTC/USDT"
  timeframe TEXT NOT NULL,        -- 1m | 15m | 1h | 4h | 1d
  t INTEGER NOT NULL,             -- open time, epoch ms, aligned to the timeframe
  o REAL NOT NULL,
  h REAL NOT NULL,
  l REAL NOT NULL,
  c REAL NOT NULL,
  v REAL NOT NULL,
  PRIMARY KEY (symbol, timeframe, t)
);

-- One row per backtest run (POST /api/backtests), done or failed.
CREATE TABLE backtests (
  id TEXT PRIMARY KEY,            -- bt-<created_at ms>-<random>: ids sort by creation time (lists page by id)
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL,           -- done | failed
  spec_json TEXT NOT NULL,        -- the parsed spec, defaults filled in
  error TEXT,
  metrics_json TEXT,
  stats_json TEXT,
  trades_json TEXT,
  equity_json TEXT,               -- at most 5000 points, first and last kept
  equity_points INTEGER,          -- points of the full equity curve before downsampling
  candles INTEGER,                -- base candles replayed
  duration_ms INTEGER,
  llm_cost_usd REAL
);
