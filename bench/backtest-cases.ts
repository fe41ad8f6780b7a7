/**
 * The backtests the benchmark times and the fingerprint check pins: inputs built from the shipped data
 * (data/) the way `backtestInput` builds them (base candles in [from, to), older 1d and 4h candles as
 * warm-up, the whole funding history), with the configs named in docs/BENCHMARKS.md.
 */
import type { BacktestInput } from "../src/lib/backtest/types";
import { EngineConfigSchema } from "../src/lib/config";
import type { Candle } from "../src/lib/market/candle";
import { loadCandles, loadFunding, type ShippedTimeframe } from "../sim/data/candles";

export const D = (y: number, m: number, d = 1): number => Date.UTC(y, m - 1, d);

export const BTC_ETH_SOL = ["BTC/USDT", "ETH/USDT", "SOL/USDT"] as const;

const fileSymbol = (symbol: string): string => symbol.replace("/", "");

/** The rule pipeline as the backtest CLI runs it (synthesizer over every strategy and agent; HMM and quant ranker off), decisions on 4h closes. */
export const PIPELINE_4H = { quant: { enabled: false }, regime: { hmm: false } };

/** The engine's own default config: the pipeline with the HMM regimes and the quant ranker, decisions on 4h closes. */
export const ENGINE_DEFAULT = {};

/** One strategy decides alone, on candles of `tf`, which is also the decision timeframe. */
export const single = (strategy: string, tf: string, params: Record<string, unknown> = {}) => ({
  rules: { decider: "single-strategy", strategy },
  strategies: { [strategy]: { enabled: true, params: { timeframe: tf, ...params } } },
  gate: { decisionTimeframe: tf },
  quant: { enabled: false },
  regime: { hmm: false },
});

/** The peer's rule (bench/peer/rsi-rule.ts) as the engine's single strategy: RSI(14), enter < 25, exit > 50, on every base candle. */
export const PEER_RULE = (tf: string) => single("rsi-mean-reversion", tf, { period: 14, oversold: 25, exitLevel: 50 });

/** Shipped candles of `symbols` on `tf` with open time in [from, to); symbols without candles there are left out. */
export function shippedInput(tf: ShippedTimeframe, symbols: readonly string[], from: number, to: number, config: unknown, seed = 1): BacktestInput {
  const candles: BacktestInput["candles"] = {};
  const history: NonNullable<BacktestInput["history"]> = {};
  const funding: NonNullable<BacktestInput["funding"]> = {};
  for (const sym of symbols) {
    const inRange = loadCandles(fileSymbol(sym), tf).filter((c) => c.t >= from && c.t < to);
    if (inRange.length === 0) continue;
    candles[sym] = inRange;
    history[sym] = { "1d": before(loadCandles(fileSymbol(sym), "1d"), from), "4h": before(loadCandles(fileSymbol(sym), "4h"), from) };
    funding[sym] = loadFunding(fileSymbol(sym)).map((p) => ({ at: p.t, value: p.rate }));
  }
  return { candles, baseTimeframe: tf, history, funding, config: EngineConfigSchema.parse(config), initialCash: 10_000, seed };
}

const before = (candles: readonly Candle[], t: number): Candle[] => candles.filter((c) => c.t < t);

/** The shipped 1m weeks: [from, to) of each, and the symbols with 1m candles in it. */
export function shippedMinuteWeeks(): { label: string; from: number; to: number; symbols: string[] }[] {
  const weeks = [
    { from: D(2025, 6, 1), to: D(2025, 6, 8) },
    { from: D(2026, 3, 24), to: D(2026, 3, 31) },
  ];
  return weeks.map((w) => ({
    label: `${new Date(w.from).toISOString().slice(0, 10)}..${new Date(w.to - 86_400_000).toISOString().slice(0, 10)}`,
    ...w,
    symbols: BTC_ETH_SOL.filter((s) => loadCandles(fileSymbol(s), "1m").some((c) => c.t >= w.from && c.t < w.to)),
  }));
}

/** The shipped 15m range the benchmark replays: 2025-01-01 to 2026-02-11 (all three symbols have it). */
export const FIFTEEN_MINUTE_RANGE = { from: D(2025, 1, 1), to: D(2026, 2, 12) };
