import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, EngineConfigSchema } from "../../../src/lib/config";
import { buildSnapshot, snapshotLimits } from "../../../src/lib/decide/snapshot";
import { decideByStrategy } from "../../../src/lib/decide/strategy-decider";
import type { Signal } from "../../../src/lib/strategy/strategy";
import { snapshotInput } from "./fixtures";

const T = Date.UTC(2025, 0, 1);
const ticker = (symbol: string) => ({ symbol, candles: {}, price: { value: 100, at: T }, features: null, funding: [] });
const signal = (symbol: string, action: Signal["action"]): Signal => ({ strategy: "rsi-mean-reversion", symbol, action, confidence: 0.8, reason: `${action} reason`, metadata: {}, at: T });
const futures = EngineConfigSchema.parse({ market: { type: "futures" } });

function snapshot(limits: ReturnType<typeof snapshotLimits>, held: { symbol: string; side?: "long" | "short" }[] = []) {
  const positions = held.map((h, i) => ({ id: `p${i}`, symbol: h.symbol, qty: 1, entryPrice: 100, lastPrice: 100, openedAt: T - 1, ...(h.side ? { side: h.side, leverage: 2, funding: 0 } : {}) }));
  return buildSnapshot(
    snapshotInput(["BTC/USDT", "ETH/USDT", "SOL/USDT"].map(ticker), { limits, account: { cash: 10_000, equity: 10_000, exposure: 0, tradingState: "ACTIVE", positions, at: T } }),
    T,
  );
}

describe("one strategy deciding alone, in both directions", () => {
  it("on spot a SHORT signal only sells a held long", () => {
    const d = decideByStrategy(
      snapshot(snapshotLimits(DEFAULT_CONFIG), [{ symbol: "ETH/USDT" }]),
      { "BTC/USDT": signal("BTC/USDT", "SHORT"), "ETH/USDT": signal("ETH/USDT", "SHORT") },
      DEFAULT_CONFIG,
    );
    expect(d.decisions.map((x) => x.action)).toEqual(["HOLD", "SELL", "HOLD"]);
  });

  it("on futures with shorts a SHORT signal opens a short when flat; LONG or CLOSE covers it; LONG never adds to a short", () => {
    const s = snapshot(snapshotLimits(futures), [
      { symbol: "ETH/USDT", side: "short" },
      { symbol: "SOL/USDT", side: "short" },
    ]);
    const d = decideByStrategy(s, { "BTC/USDT": signal("BTC/USDT", "SHORT"), "ETH/USDT": signal("ETH/USDT", "LONG"), "SOL/USDT": signal("SOL/USDT", "SHORT") }, futures);
    expect(d.decisions.map((x) => [x.ticker, x.action, x.position_pct])).toEqual([
      ["BTC/USDT", "SHORT", futures.risk.positionPct],
      ["ETH/USDT", "SELL", 0],
      ["SOL/USDT", "HOLD", 0],
    ]);
    const close = decideByStrategy(s, { "ETH/USDT": signal("ETH/USDT", "CLOSE") }, futures);
    expect(close.decisions.find((x) => x.ticker === "ETH/USDT")?.action).toBe("SELL");
  });

  it("a futures market without shorts holds on a SHORT signal when flat", () => {
    const noShorts = EngineConfigSchema.parse({ market: { type: "futures", shorts: false } });
    const d = decideByStrategy(snapshot(snapshotLimits(noShorts)), { "BTC/USDT": signal("BTC/USDT", "SHORT") }, noShorts);
    expect(d.decisions[0]?.action).toBe("HOLD");
  });
});
