-- The derivatives context the tickers poll beyond funding (ticker.derivativesData "all"), point in time: each point
-- as its source stamped it, the first time a poll sees it. `synthetic` = 1 when the source labelled it so (the local
-- simulator's generator): such rows are not market history. Liquidations keep side, quantity and price.
CREATE TABLE derivatives_history (
  symbol TEXT NOT NULL,           -- unified, "BTC/USDT"
  kind TEXT NOT NULL,             -- open_interest | taker_buy_sell_ratio | long_short_ratio | basis | liquidation
  t INTEGER NOT NULL,             -- the source's stamp, epoch ms
  value REAL NOT NULL,            -- open interest (base units), a ratio, the basis, or a liquidation's base quantity
  side TEXT,                      -- liquidations: BUY (a short liquidated) or SELL (a long)
  price REAL,                     -- liquidations: the average fill price
  synthetic INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (symbol, kind, t, value)
);
