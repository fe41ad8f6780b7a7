-- Operator controls and the reconciliation's REDUCING, each with who and why: written by the AccountActor
-- through its outbox, upserted by id ("<portfolio>:op<n>").
CREATE TABLE operator_actions (
  id TEXT PRIMARY KEY,
  portfolio TEXT NOT NULL,
  at INTEGER NOT NULL,            -- engine time, epoch ms
  action TEXT NOT NULL,           -- pause | resume | kill | force_exit | exit_all | enter_reducing
  by TEXT NOT NULL,               -- the X-Operator header, "api", or "reconciliation"
  reason TEXT NOT NULL,
  detail_json TEXT                -- flatten and positions of a kill, what a resume cleared, the difference found
);
CREATE INDEX operator_actions_portfolio_at ON operator_actions (portfolio, at);
