import { describe, expect, it } from "vitest";
import { SymbolSeries } from "../../../src/lib/backtest/series";
import { EngineConfigSchema } from "../../../src/lib/config";
import { pipelineInputs, regimeKeys } from "../../../src/lib/decide/pipeline-inputs";
import { ruleDecision } from "../../../src/lib/decide/rule-decision";
import { buildSnapshot, DerivedValues, type SnapshotInput, type TickerInput } from "../../../src/lib/decide/snapshot";
import { closedBy } from "../../../src/lib/market/closed";
import type { Candle } from "../../../src/lib/market/candle";
import type { Timeframe } from "../../../src/lib/market/timeframe";
import { regimeWithModel } from "../../../src/lib/regime/regime-with-model";
import type { CombinedRegime } from "../../../src/lib/regime/types";
import { STRATEGIES } from "../../../src/lib/strategy/registry";
import { loadCandles, loadFunding } from "../../../sim/data/candles";
import { snapshotInput } from "./fixtures";

const D = (y: number, m: number, d = 1) => Date.UTC(y, m - 1, d);
const H = 3_600_000;
const candle = (t: number, c: number): Candle => ({ t, o: c, h: c, l: c, c, v: 1 });

describe("closed candles", () => {
  it("are the list itself when its last candle has closed, else the closed prefix", () => {
    const list = [candle(0, 1), candle(H, 2), candle(2 * H, 3)];
    expect(closedBy(list, "1h", 3 * H)).toBe(list);
    expect(closedBy(list, "1h", 3 * H - 1)).toEqual(list.slice(0, 2));
    expect(closedBy(list, "1h", H - 1)).toEqual([]);
    expect(closedBy(undefined, "1h", 3 * H)).toEqual([]);
  });
});

describe("derived values of a backtest run", () => {
  it("computes once per symbol, timeframe, last candle and candle count, and again when any of them changes", () => {
    const derived = new DerivedValues();
    let calls = 0;
    const count = (candles: readonly Candle[], arg: number) => (calls++, candles.length * arg);
    const a = [candle(0, 1), candle(H, 2)];
    expect(derived.get("n", "BTC/USDT", "1h", a, count, 10)).toBe(20);
    expect(derived.get("n", "BTC/USDT", "1h", [...a], count, 10)).toBe(20);
    expect(calls).toBe(1);
    derived.get("n", "BTC/USDT", "1h", [...a, candle(2 * H, 3)], count, 10);
    derived.get("n", "BTC/USDT", "1h", a.slice(1), count, 10);
    derived.get("n", "ETH/USDT", "1h", a, count, 10);
    derived.get("n", "BTC/USDT", "4h", a, count, 10);
    derived.get("m", "BTC/USDT", "1h", a, count, 10);
    expect(calls).toBe(6);
  });
});

/** BTC, ETH and SOL as a backtest sees them at every 4h close of 2025 Q1 (plus z-score-like times in between). */
function replayInputs(): { at: number; input: SnapshotInput; regimes: Record<string, CombinedRegime | null> }[] {
  const symbols = ["BTC", "ETH", "SOL"];
  const from = D(2025, 1);
  const series = symbols.map((s) => {
    const base = loadCandles(`${s}USDT`, "15m").filter((c) => c.t >= from && c.t < D(2025, 4));
    const history = { "1d": loadCandles(`${s}USDT`, "1d").filter((c) => c.t < from), "4h": loadCandles(`${s}USDT`, "4h").filter((c) => c.t < from) };
    return { symbol: `${s}/USDT`, series: new SymbolSeries(base, "15m", history), funding: loadFunding(`${s}USDT`).map((p) => ({ at: p.t, value: p.rate })) };
  });
  const out: { at: number; input: SnapshotInput; regimes: Record<string, CombinedRegime | null> }[] = [];
  for (let at = D(2025, 1, 5); at < D(2025, 3, 25); at += 4 * H + (out.length % 3) * 15 * 60_000) {
    const regimes: Record<string, CombinedRegime | null> = {};
    const tickers: TickerInput[] = series.map(({ symbol, series: s, funding }) => {
      regimes[symbol] = regimeWithModel(s.closed("1d", at, 400), at, { hmm: false, seed: 1, cached: null }).regime;
      const candles: Partial<Record<Timeframe, readonly Candle[]>> = {};
      for (const tf of ["1h", "4h", "1d"] as Timeframe[]) candles[tf] = s.closed(tf, at, tf === "1d" ? 400 : 120);
      const price = candles["1h"]!.at(-1)!.c;
      return { symbol, candles, price: { value: price, at }, features: { zRet: 0, zVol: 0, at }, funding: funding.filter((p) => p.at <= at).slice(-10), regime: regimes[symbol] };
    });
    out.push({
      at,
      input: snapshotInput(tickers, {
        account: {
          cash: 7_000,
          equity: 10_000,
          exposure: 3_000,
          tradingState: "ACTIVE",
          at,
          positions: [{ id: "p1", symbol: "ETH/USDT", qty: 1, entryPrice: 3000, lastPrice: 3000, openedAt: at - 10 * H }],
        },
      }),
      regimes,
    });
  }
  return out;
}

describe("snapshots in a backtest", () => {
  const points = replayInputs();

  it("are the same with the run's cache of derived values as without it", () => {
    const derived = new DerivedValues();
    for (const { at, input } of points) {
      expect(buildSnapshot(input, at, { indicators: "all", derived })).toEqual(buildSnapshot(input, at));
      expect(buildSnapshot(input, at, { indicators: "decision-timeframe", derived })).toEqual(buildSnapshot(input, at, { indicators: "decision-timeframe" }));
    }
  });

  it("without indicators carry no indicators nor trend reading, and fall back to the decision timeframe's close without a price", () => {
    const { at, input } = points[10]!;
    const none = buildSnapshot(input, at, { indicators: "none" });
    const all = buildSnapshot(input, at);
    expect(none.tickers.map((t) => [t.timeframes, t.regime])).toEqual(none.tickers.map(() => [{}, null]));
    expect(none.tickers.map((t) => ({ ...t, timeframes: {}, regime: null }))).toEqual(all.tickers.map((t) => ({ ...t, timeframes: {}, regime: null })));
    const noPrice = { ...input, tickers: input.tickers.map((t) => ({ ...t, price: null })) };
    const decision = buildSnapshot(noPrice, at, { indicators: "decision-timeframe" }).tickers.map((t) => t.price);
    expect(buildSnapshot(noPrice, at, { indicators: "none" }).tickers.map((t) => t.price)).toEqual(decision);
  });

  it("without indicators give the rule deciders the same decisions as full snapshots (pipeline and every strategy alone)", () => {
    const configs = [
      EngineConfigSchema.parse({}),
      ...STRATEGIES.map((s) => EngineConfigSchema.parse({ rules: { decider: "single-strategy", strategy: s.name }, strategies: { [s.name]: { enabled: true } } })),
    ];
    let decided = 0;
    for (const cfg of configs) {
      for (const { at, input, regimes } of points) {
        const decide = (indicators: "all" | "none") => {
          const snapshot = buildSnapshot(input, at, { indicators });
          const weights = Object.fromEntries(regimeKeys(snapshot, regimes).map((k) => [k, { weights: cfg.synthesizer.defaultWeights, source: "default" }]));
          return ruleDecision(snapshot, pipelineInputs(input, snapshot, regimes, weights, null, cfg.strategies), cfg);
        };
        const full = decide("all");
        expect(decide("none")).toEqual(full);
        decided += full.decision.decisions.filter((d) => d.action !== "HOLD").length;
      }
    }
    expect(decided).toBeGreaterThan(0);
  });

  it("leave a ticker with no data yet (listed later) out of the pipeline, deciding as if it were not configured", () => {
    const cfg = EngineConfigSchema.parse({});
    const { at, input, regimes } = points[10]!;
    const unlisted: TickerInput = { symbol: "NEW/USDT", candles: { "1h": [], "4h": [], "1d": [] }, price: null, features: null, funding: [], regime: null };
    const withNew = { ...input, tickers: [...input.tickers, unlisted] };
    const decide = (inp: SnapshotInput) => {
      const snapshot = buildSnapshot(inp, at, { indicators: "none" });
      const weights = Object.fromEntries(regimeKeys(snapshot, regimes).map((k) => [k, { weights: cfg.synthesizer.defaultWeights, source: "default" }]));
      const pipeline = pipelineInputs(inp, snapshot, { ...regimes, "NEW/USDT": null }, weights, null, cfg.strategies);
      return { tickers: Object.keys(pipeline.tickers), decision: ruleDecision(snapshot, pipeline, cfg) };
    };
    const got = decide(withNew);
    expect(got.tickers).toEqual(["BTC/USDT", "ETH/USDT", "SOL/USDT"]);
    expect(got).toEqual(decide(input));
  });
});
