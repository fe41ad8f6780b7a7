-- Futures and shorts: a position's side, venue (spot | futures), leverage, the funding settled into it and its
-- liquidation price (null on spot); a trade's funding (in its pnl). Rows written before keep the spot long defaults.
ALTER TABLE positions ADD COLUMN side TEXT NOT NULL DEFAULT 'long'; -- long | short
ALTER TABLE positions ADD COLUMN venue TEXT NOT NULL DEFAULT 'spot'; -- spot | futures
ALTER TABLE positions ADD COLUMN leverage REAL NOT NULL DEFAULT 1;
ALTER TABLE positions ADD COLUMN funding REAL NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN liquidation_price REAL;
ALTER TABLE trades ADD COLUMN funding REAL NOT NULL DEFAULT 0;
