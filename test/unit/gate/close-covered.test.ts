import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { completeDecision, evaluateGate, initialGateState, isCloseCovered, type GateState } from "../../../src/lib/gate";

const cfg = DEFAULT_CONFIG.gate;
const T0 = Date.UTC(2026, 2, 24, 4, 0, 0);
const close = (symbol: string, closeTime: number) => ({ kind: "candle_close" as const, symbol, tf: "4h" as const, closeTime });

describe("a decision-timeframe close already covered by a decision", () => {
  it("is skipped with the state unchanged, exactly when isCloseCovered says so", () => {
    const opened = evaluateGate(cfg, initialGateState(), close("BTC/USDT", T0), T0, "d1");
    const after: GateState = completeDecision(cfg, opened.state, { decisionId: "d1", nextCheckSeconds: 14_400, wakeConditions: [], prices: {} }, T0);
    expect(isCloseCovered(initialGateState(), T0)).toBe(false);
    for (const [closeTime, covered] of [
      [T0 - 14_400_000, true],
      [T0, true],
      [T0 + 14_400_000, false],
    ] as const) {
      expect(isCloseCovered(after, closeTime)).toBe(covered);
      const r = evaluateGate(cfg, after, close("ETH/USDT", closeTime), T0 + 1, "d2");
      if (covered) {
        expect(r.state).toBe(after);
        expect(r.verdict).toMatchObject({ open: false, layer: null, suppressed: false });
        expect(r.verdict.reason).toContain("already covered by the decision at 2026-03-24T04:00:00.000Z");
      } else {
        expect(r.verdict.layer).toBe("candle_close");
      }
    }
  });
});
