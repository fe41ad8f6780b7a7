import type { RecentTrade } from "../decide/snapshot-schema";

/** A closed trade as the learner keeps it (one per position). */
export type TradeRecord = RecentTrade;

/** One agent's closed trades: how many, won (P&L above zero), lost, and their summed P&L. */
export interface AgentRecord {
  agent: string;
  trades: number;
  wins: number;
  losses: number;
  pnl: number;
}

/** The record the learner keeps of a close (the backtester keeps the same). */
export function tradeRecordOf(c: Omit<TradeRecord, "side"> & { side?: string | undefined }): TradeRecord {
  const record: TradeRecord = { symbol: c.symbol, agent: c.agent, pnl: c.pnl, pnlPct: c.pnlPct, exitKind: c.exitKind, openedAt: c.openedAt, closedAt: c.closedAt };
  if (c.side === "short") record.side = "short";
  return record;
}

/** Each agent's record over `trades` (in the order they were recorded), by agent name. */
export function agentRecords(trades: readonly Pick<TradeRecord, "agent" | "pnl">[]): AgentRecord[] {
  const by = new Map<string, AgentRecord>();
  for (const t of trades) {
    let r = by.get(t.agent);
    if (!r) by.set(t.agent, (r = { agent: t.agent, trades: 0, wins: 0, losses: 0, pnl: 0 }));
    r.trades++;
    if (t.pnl > 0) r.wins++;
    else r.losses++;
    r.pnl += t.pnl;
  }
  return [...by.values()].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
}

/** The newest `limit` of `trades` (in the order they were recorded), newest close first. */
export function recentTrades(trades: readonly TradeRecord[], limit: number): TradeRecord[] {
  return [...trades].sort((a, b) => b.closedAt - a.closedAt).slice(0, limit);
}
