-- POST /api/backtests runs one backtest at a time per portfolio: the others wait here in arrival order.
-- A row holds a lease its request renews while it waits or runs; a request that died stops renewing and its row
-- is swept once the lease has run out.
CREATE TABLE backtest_queue (
  id TEXT PRIMARY KEY,
  portfolio TEXT NOT NULL,
  enqueued_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL
);
CREATE INDEX backtest_queue_portfolio ON backtest_queue (portfolio, enqueued_at);
