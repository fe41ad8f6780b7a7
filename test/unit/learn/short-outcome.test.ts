import { describe, expect, it } from "vitest";
import { AGENT_NAMES } from "../../../src/lib/agents/types";
import { DEFAULT_LEARNER_CONFIG } from "../../../src/lib/learn/config";
import { emptyLearnerState } from "../../../src/lib/learn/state";
import { outcomeOfClose, recordOutcome } from "../../../src/lib/learn/update";
import { tradeRecordOf } from "../../../src/lib/learn/trade-records";
import type { PositionClosedMessage } from "../../../src/lib/execution/position-reports";

const close = (over: Partial<PositionClosedMessage>): PositionClosedMessage => ({
  positionId: "d1-BTC",
  symbol: "BTC/USDT",
  agent: "rule:synthesizer",
  decisionId: "d1",
  qty: 1,
  entryPrice: 100,
  exitPrice: 95,
  proceeds: 95,
  exitFee: 0.1,
  fees: 0.2,
  pnl: 4.8,
  pnlPct: 0.048,
  openedAt: 0,
  closedAt: 3_600_000,
  exitKind: "decision",
  exitReason: "test",
  regimeKey: "trending_down",
  agentSignals: { momentum: -0.8, market: 0.5 },
  ...over,
});

describe("the learner on shorts and carries", () => {
  it("credits the agents that called a profitable short's fall and blames the one that called a rise", () => {
    const s = recordOutcome(emptyLearnerState(AGENT_NAMES), outcomeOfClose(close({ side: "short", venue: "futures", funding: 0 })), DEFAULT_LEARNER_CONFIG);
    // momentum was bearish (−0.8) and the price fell: agreed (α up); market was bullish (+0.5): disagreed (β up).
    expect(s.global.momentum!.alpha).toBeGreaterThan(1);
    expect(s.global.momentum!.beta).toBe(1);
    expect(s.global.market!.beta).toBeGreaterThan(1);
    expect(s.global.market!.alpha).toBe(1);
    // The same signals on a profitable long: the other way round.
    const long = recordOutcome(emptyLearnerState(AGENT_NAMES), outcomeOfClose(close({ exitPrice: 105 })), DEFAULT_LEARNER_CONFIG);
    expect(long.global.momentum!.beta).toBeGreaterThan(1);
    expect(long.global.market!.alpha).toBeGreaterThan(1);
  });

  it("learns nothing from a carry's legs, and keeps a short's side in its trade record", () => {
    const leg = outcomeOfClose(close({ side: "short", venue: "futures", group: "d1-BTC-carry" }));
    expect(leg).toMatchObject({ regime: null, signals: {} });
    const s = recordOutcome(emptyLearnerState(AGENT_NAMES), leg, DEFAULT_LEARNER_CONFIG);
    expect(s.global).toEqual(emptyLearnerState(AGENT_NAMES).global);
    expect(tradeRecordOf(close({ side: "short" }))).toMatchObject({ side: "short" });
    expect(tradeRecordOf(close({}))).not.toHaveProperty("side");
  });
});
