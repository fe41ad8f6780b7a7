import { describe, expect, it } from "vitest";
import { momentumAgent } from "../../../src/lib/agents/momentum-agent";
import { loadCandles } from "../../../sim/data/candles";
import { expectClose, indexAt } from "./support";

describe("momentum agent", () => {
  const btc = loadCandles("BTCUSDT", "1d");

  it("scores 0.5·tanh(m14/0.05) + 0.5·tanh(m30/0.1) of the daily closes on every day of 2024", () => {
    const from = indexAt(btc, Date.UTC(2024, 0, 1));
    const to = indexAt(btc, Date.UTC(2025, 0, 1));
    let positive = 0;
    let negative = 0;
    for (let i = from; i < to; i++) {
      const closes = btc.slice(0, i + 1).map((c) => c.c);
      const now = btc[i]!.c;
      const m14 = now / btc[i - 14]!.c - 1;
      const m30 = now / btc[i - 30]!.c - 1;
      const expected = 0.5 * Math.tanh(m14 / 0.05) + 0.5 * Math.tanh(m30 / 0.1);
      const s = momentumAgent("BTC/USDT", closes);
      expect(s.active).toBe(true);
      expect(s.agent).toBe("momentum");
      expectClose(s.score, expected, new Date(btc[i]!.t).toISOString());
      expectClose(s.inputs["momentum14d"] as number, m14);
      if (expected > 0) positive++;
      else negative++;
    }
    // 2024 had both rallies and drawdowns: the comparison covered both signs.
    expect(positive).toBeGreaterThan(50);
    expect(negative).toBeGreaterThan(50);
  });

  it("is inactive with fewer than 31 closes and active with exactly 31", () => {
    const closes = btc.slice(0, 31).map((c) => c.c);
    expect(momentumAgent("BTC/USDT", closes.slice(0, 30))).toMatchObject({ active: false, score: 0 });
    const s = momentumAgent("BTC/USDT", closes);
    expect(s.active).toBe(true);
    expectClose(s.score, 0.5 * Math.tanh((closes[30]! / closes[16]! - 1) / 0.05) + 0.5 * Math.tanh((closes[30]! / closes[0]! - 1) / 0.1));
  });

  it("saturates toward ±1 on extreme moves and stays within [−1, 1]", () => {
    const up = Array.from({ length: 31 }, (_, i) => 100 * 1.05 ** i);
    const down = Array.from({ length: 31 }, (_, i) => 100 * 0.95 ** i);
    expect(momentumAgent("X", up).score).toBeGreaterThan(0.99);
    expect(momentumAgent("X", down).score).toBeLessThan(-0.99);
    expect(momentumAgent("X", down).score).toBeGreaterThanOrEqual(-1);
  });
});
