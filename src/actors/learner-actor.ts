import { Actor } from "./kernel/actor";
import type { Migration } from "./kernel/sqlite-schema";
import type { RecentTrade } from "../lib/decide/snapshot";
import type { PositionClosedMessage } from "./messages";

export interface AgentRecord {
  agent: string;
  trades: number;
  wins: number;
  losses: number;
  pnl: number;
}

/**
 * The learner of one portfolio. For now it records every closed trade once per position and keeps
 * per-agent tallies; the regime-aware Thompson sampling builds on these rows.
 */
export class LearnerActor extends Actor {
  protected override migrations(): Migration[] {
    return [
      {
        name: "learner-0001",
        statements: [
          "CREATE TABLE trades (position_id TEXT PRIMARY KEY, agent TEXT NOT NULL, symbol TEXT NOT NULL, decision_id TEXT NOT NULL, pnl REAL NOT NULL, pnl_pct REAL NOT NULL, exit_kind TEXT NOT NULL, closed_at INTEGER NOT NULL)",
          "CREATE INDEX trades_agent ON trades (agent)",
        ],
      },
      { name: "learner-0002", statements: ["ALTER TABLE trades ADD COLUMN opened_at INTEGER NOT NULL DEFAULT 0"] },
    ];
  }

  /** Records a closed trade; the same position twice is recorded once. Returns whether it was new. */
  recordTrade(t: PositionClosedMessage): { recorded: boolean } {
    const cursor = this.sql.exec(
      "INSERT OR IGNORE INTO trades (position_id, agent, symbol, decision_id, pnl, pnl_pct, exit_kind, closed_at, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      t.positionId,
      t.agent,
      t.symbol,
      t.decisionId,
      t.pnl,
      t.pnlPct,
      t.exitKind,
      t.closedAt,
      t.openedAt,
    );
    const recorded = cursor.rowsWritten > 0;
    if (recorded) this.log.info("learner.trade_recorded", { position: t.positionId, agent: t.agent, pnl: t.pnl });
    return { recorded };
  }

  status(): { agents: AgentRecord[]; trades: number } {
    const agents = this.sql
      .exec<{ agent: string; trades: number; wins: number; losses: number; pnl: number }>(
        "SELECT agent, COUNT(*) AS trades, SUM(pnl > 0) AS wins, SUM(pnl <= 0) AS losses, SUM(pnl) AS pnl FROM trades GROUP BY agent ORDER BY agent",
      )
      .toArray();
    return { agents, trades: agents.reduce((n, a) => n + a.trades, 0) };
  }

  /** The latest closed trades, newest first. */
  recentTrades(limit = 10): RecentTrade[] {
    return this.sql
      .exec<{ symbol: string; agent: string; pnl: number; pnl_pct: number; exit_kind: string; opened_at: number; closed_at: number }>(
        "SELECT symbol, agent, pnl, pnl_pct, exit_kind, opened_at, closed_at FROM trades ORDER BY closed_at DESC LIMIT ?",
        Math.max(1, Math.min(limit, 100)),
      )
      .toArray()
      .map((r) => ({ symbol: r.symbol, agent: r.agent, pnl: r.pnl, pnlPct: r.pnl_pct, exitKind: r.exit_kind, openedAt: r.opened_at, closedAt: r.closed_at }));
  }

  protected override async onTimer(): Promise<void> {}
}
