import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { completeDecision, evaluateGate, foldLegacyCounts, initialGateState, verdictKey } from "../../../src/lib/gate";

const cfg = DEFAULT_CONFIG.gate;
const H4 = 14_400_000;
const T0 = Date.UTC(2026, 2, 24, 4, 0, 0);

describe("gate verdict counts", () => {
  it("count every covered close, at any time, under one key (the key named the close's hour before)", () => {
    let state = initialGateState();
    const keys = new Set<string>();
    for (let i = 1; i <= 50; i++) {
      const at = T0 + i * H4;
      const opened = evaluateGate(cfg, state, { kind: "candle_close", symbol: "BTC/USDT", tf: "4h", closeTime: at }, at, `d${i}`);
      expect(opened.verdict.open).toBe(true);
      state = completeDecision(cfg, opened.state, { decisionId: `d${i}`, nextCheckSeconds: 14_400, wakeConditions: [], prices: {} }, at);
      const covered = evaluateGate(cfg, state, { kind: "candle_close", symbol: "ETH/USDT", tf: "4h", closeTime: at }, at + 1, `d${i + 1}`);
      expect(covered.verdict.reason).toContain(new Date(at).toISOString());
      keys.add(verdictKey(covered.verdict));
      const other = evaluateGate(cfg, state, { kind: "candle_close", symbol: "ETH/USDT", tf: "1h", closeTime: at }, at + 1, `d${i + 1}`);
      keys.add(verdictKey(other.verdict));
      const watchdog = evaluateGate(cfg, state, { kind: "watchdog", silentForMs: i * 100 }, at + 1, `d${i + 1}`);
      keys.add(verdictKey(watchdog.verdict));
    }
    expect([...keys].sort()).toEqual(["skip:close already covered", "skip:not the decision timeframe", "skip:watchdog: ticks recent"]);
  });

  it("fold the stored reason-text keys of older versions into the fixed ones, and survive a bad stored value", () => {
    const legacy = {
      "open:candle_close": 3,
      "skip:no layer fired": 100,
      "skip:BTC/USDT 4h close already covered by the decision at 2026-03-24T04": 1,
      "skip:ETH/USDT 4h close already covered by the decision at 2026-03-24T08": 2,
      "skip:1h close is not the decision timeframe (4h)": 5,
      "skip:watchdog": 7,
      "held:timer": Number.NaN,
    };
    expect(foldLegacyCounts(legacy)).toEqual({ "open:candle_close": 3, "skip:no layer fired": 107, "skip:close already covered": 3, "skip:not the decision timeframe": 5 });
    expect(foldLegacyCounts("garbage" as never)).toEqual({});
  });
});
