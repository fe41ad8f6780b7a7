-- Settled USD-M funding rates for backtests: written by the tickers (each derivatives poll's settlements,
-- through their outboxes) and imported with PUT /api/funding. Upserted by (symbol, t).
CREATE TABLE funding_rates (
  symbol TEXT NOT NULL,           -- unified, "BTC/USDT"
  t INTEGER NOT NULL,             -- settlement time, epoch ms
  rate REAL NOT NULL,             -- fraction per funding interval (0.0001 = 0.01 %)
  PRIMARY KEY (symbol, t)
);

-- What a stored run's reader should know about its inputs (for example symbols without funding history).
ALTER TABLE backtests ADD COLUMN notes_json TEXT;
