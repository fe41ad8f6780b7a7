-- History of the engine, written by actors through their outboxes (upsert by id).
CREATE TABLE orders (
  id TEXT PRIMARY KEY,            -- client order id, deterministic per position and purpose
  portfolio TEXT NOT NULL,
  position_id TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,             -- buy | sell
  purpose TEXT NOT NULL,          -- entry | exit
  status TEXT NOT NULL,           -- intent | submitted | filled | rejected
  quote_qty REAL,
  qty REAL,
  fill_price REAL,
  filled_qty REAL,
  fee REAL,
  reason TEXT,
  reject_reason TEXT,
  created_at INTEGER NOT NULL,
  submitted_at INTEGER,
  filled_at INTEGER
);
CREATE INDEX orders_position ON orders (position_id);
CREATE INDEX orders_portfolio_created ON orders (portfolio, created_at);

CREATE TABLE positions (
  id TEXT PRIMARY KEY,
  portfolio TEXT NOT NULL,
  symbol TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  agent TEXT NOT NULL,
  status TEXT NOT NULL,           -- pending_entry | open | exiting | closed | failed
  entry_reason TEXT,
  requested_notional REAL,
  qty REAL,
  entry_price REAL,
  entry_fee REAL,
  opened_at INTEGER,
  last_price REAL,
  exit_kind TEXT,
  exit_reason TEXT,
  exit_price REAL,
  exit_fee REAL,
  closed_at INTEGER,
  pnl REAL,
  created_at INTEGER NOT NULL
);
CREATE INDEX positions_portfolio_status ON positions (portfolio, status);

-- One row per closed round trip.
CREATE TABLE trades (
  id TEXT PRIMARY KEY,            -- the position id
  portfolio TEXT NOT NULL,
  symbol TEXT NOT NULL,
  agent TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  side TEXT NOT NULL,
  qty REAL NOT NULL,
  entry_price REAL NOT NULL,
  exit_price REAL NOT NULL,
  entry_at INTEGER NOT NULL,
  exit_at INTEGER NOT NULL,
  fees REAL NOT NULL,
  pnl REAL NOT NULL,
  pnl_pct REAL NOT NULL,
  exit_kind TEXT NOT NULL,
  exit_reason TEXT,
  entry_reason TEXT
);
CREATE INDEX trades_portfolio_exit ON trades (portfolio, exit_at);

CREATE TABLE gate_events (
  id TEXT PRIMARY KEY,
  portfolio TEXT NOT NULL,
  at INTEGER NOT NULL,
  layer TEXT NOT NULL,
  opened INTEGER NOT NULL,
  suppressed INTEGER NOT NULL,
  reason TEXT NOT NULL,
  decision_id TEXT
);
CREATE INDEX gate_events_portfolio_at ON gate_events (portfolio, at);

CREATE TABLE decisions (
  id TEXT PRIMARY KEY,
  portfolio TEXT NOT NULL,
  at INTEGER NOT NULL,
  trigger_layer TEXT NOT NULL,
  trigger_reason TEXT NOT NULL,
  decider TEXT NOT NULL,
  status TEXT NOT NULL,           -- decided | executed | failed
  snapshot_hash TEXT,
  snapshot_json TEXT,
  decision_json TEXT,
  outcome_json TEXT,
  error TEXT,
  completed_at INTEGER
);
CREATE INDEX decisions_portfolio_at ON decisions (portfolio, at);

CREATE TABLE equity_snapshots (
  id TEXT PRIMARY KEY,
  portfolio TEXT NOT NULL,
  at INTEGER NOT NULL,
  cash REAL NOT NULL,
  equity REAL NOT NULL,
  exposure REAL NOT NULL,
  realized_pnl REAL NOT NULL,
  fees_paid REAL NOT NULL,
  open_positions INTEGER NOT NULL,
  trading_state TEXT NOT NULL
);
CREATE INDEX equity_portfolio_at ON equity_snapshots (portfolio, at);
