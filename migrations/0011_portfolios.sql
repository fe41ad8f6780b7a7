-- The portfolios started on this deployment (champion/challenger portfolios side by side on one feed): written by
-- each portfolio's AccountActor at every start, through its outbox, upserted by name. `?portfolio=<name>` on the API
-- addresses one of these; GET /api/portfolios compares them.
CREATE TABLE portfolios (
  name TEXT PRIMARY KEY,
  venue TEXT NOT NULL,
  symbols_json TEXT NOT NULL,     -- ["BTC/USDT", …] of the latest start
  initial_cash REAL,              -- the cash the book was created with (null for a book created before this table)
  created_at INTEGER,             -- when the book was created, wall clock epoch ms (null likewise)
  started_at INTEGER NOT NULL     -- the latest start, wall clock epoch ms
);
