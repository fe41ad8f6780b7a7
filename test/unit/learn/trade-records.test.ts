import { describe, expect, it } from "vitest";
import { agentRecords, recentTrades, tradeRecordOf, type TradeRecord } from "../../../src/lib/learn/trade-records";

const trade = (agent: string, pnl: number, closedAt: number): TradeRecord => ({ symbol: "BTC/USDT", agent, pnl, pnlPct: pnl / 1000, exitKind: "decision", openedAt: closedAt - 60_000, closedAt });

describe("the learner's record of closed trades", () => {
  const trades = [trade("rule:synthesizer", 5, 3), trade("claude:m", -2, 1), trade("rule:synthesizer", 0, 2), trade("claude:m", 0.1, 4), trade("rule:synthesizer", 0.2, 5)];

  it("sums each agent's trades, wins (P&L above zero), losses and P&L, by agent name", () => {
    expect(agentRecords(trades)).toEqual([
      { agent: "claude:m", trades: 2, wins: 1, losses: 1, pnl: -2 + 0.1 },
      { agent: "rule:synthesizer", trades: 3, wins: 2, losses: 1, pnl: 5 + 0 + 0.2 },
    ]);
    expect(agentRecords([])).toEqual([]);
  });

  it("lists the newest closes first, at most `limit`, leaving the list as it was", () => {
    const before = [...trades];
    expect(recentTrades(trades, 3).map((t) => t.closedAt)).toEqual([5, 4, 3]);
    expect(trades).toEqual(before);
  });

  it("keeps of a close report only what the learner records", () => {
    expect(tradeRecordOf({ ...trade("x", 1, 9), positionId: "p", qty: 3 } as TradeRecord)).toEqual(trade("x", 1, 9));
  });
});
