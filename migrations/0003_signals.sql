-- Every strategy signal the rule pipeline computed, PASS included, with the decision it fed.
CREATE TABLE signals (
  id TEXT PRIMARY KEY,            -- <decision id>:<strategy>:<symbol>
  portfolio TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  symbol TEXT NOT NULL,
  action TEXT NOT NULL,           -- LONG | SHORT | CLOSE | PASS
  confidence REAL NOT NULL,
  reason TEXT NOT NULL,
  metadata_json TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX signals_portfolio_at ON signals (portfolio, at);
CREATE INDEX signals_strategy ON signals (portfolio, strategy, at);

-- Agent scores and the synthesizer's vote per ticker per decision.
CREATE TABLE agent_votes (
  id TEXT PRIMARY KEY,            -- <decision id>:<symbol>
  portfolio TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  symbol TEXT NOT NULL,
  regime TEXT,
  weights_source TEXT NOT NULL,   -- defaults | global | regime
  weights_json TEXT NOT NULL,
  scores_json TEXT NOT NULL,
  score REAL NOT NULL,
  action TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX agent_votes_portfolio_at ON agent_votes (portfolio, at);
