/**
 * Backtest throughput in base candles per second: `runBacktest` (one JS thread, the whole engine: gate
 * on every path point, snapshot, regimes, the rule decider, entry checks, positions, learner) timed
 * from call to result, on the shipped data. Each scenario runs once to warm up, then `runs` timed
 * passes; the figure is the median pass. A scenario over several weeks times every week's run in one
 * pass (the candles of all of them over the summed time).
 *
 * Also the engine side of the peer comparison (bench/peer): the peer's rule (RSI(14) < 25 in, > 50
 * out) as the engine's single strategy on BTC/USDT alone, decisions on every base candle.
 */
import { runBacktest } from "../src/lib/backtest/engine";
import type { BacktestInput, BacktestResult } from "../src/lib/backtest/types";
import { BTC_ETH_SOL, FIFTEEN_MINUTE_RANGE, PEER_RULE, PIPELINE_4H, shippedInput, shippedMinuteWeeks } from "./backtest-cases";

export interface ThroughputScenario {
  name: string;
  data: string;
  /** One input per run of a pass (a week each for 1m data). */
  inputs: () => BacktestInput[];
}

export interface ThroughputResult {
  name: string;
  data: string;
  candles: number;
  decisions: number;
  /** Closed trades plus positions still open at the end (the peer closes those at the last close). */
  trades: number;
  /** Closed trades by what closed them (decision, hard_stop, trailing_stop, time_stop, review, …). */
  exitKinds: Record<string, number>;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  candlesPerSec: number;
  /** Median pass time per decision taken (µs), everything included. */
  usPerDecision: number;
  /** The warm-up pass's results, one per run of a pass. */
  results: BacktestResult[];
}

const minuteWeeks = shippedMinuteWeeks();
const weekLabel = minuteWeeks.map((w) => `${w.label} (${w.symbols.map((s) => s.split("/")[0]).join("/")})`).join(" + ");
const fifteen = "15m 2025-01-01..2026-02-11, BTC/ETH/SOL";

/** The product's scenarios: the default pipeline and the RSI rule decided on every base candle, on 1m and 15m data. */
export const PRODUCT_SCENARIOS: ThroughputScenario[] = [
  { name: "rule pipeline, decisions on 4h", data: `1m ${weekLabel}`, inputs: () => minuteWeeks.map((w) => shippedInput("1m", w.symbols, w.from, w.to, PIPELINE_4H)) },
  { name: "rsi-mean-reversion alone, decisions on every 1m candle", data: `1m ${weekLabel}`, inputs: () => minuteWeeks.map((w) => shippedInput("1m", w.symbols, w.from, w.to, PEER_RULE("1m"))) },
  { name: "rule pipeline, decisions on 4h", data: fifteen, inputs: () => [shippedInput("15m", BTC_ETH_SOL, FIFTEEN_MINUTE_RANGE.from, FIFTEEN_MINUTE_RANGE.to, PIPELINE_4H)] },
  {
    name: "rsi-mean-reversion alone, decisions on every 15m candle",
    data: fifteen,
    inputs: () => [shippedInput("15m", BTC_ETH_SOL, FIFTEEN_MINUTE_RANGE.from, FIFTEEN_MINUTE_RANGE.to, PEER_RULE("15m"))],
  },
];

/**
 * The replay with hardly any decisions: the pipeline deciding on 1d closes only (its own timer at 1 day,
 * material moves off). What is left is the per-candle work (four prices through the gate and the tick
 * features, open positions with their safety layer and reviews, marks, equity): the ceiling of the
 * candles/s any decider could reach.
 */
const FLOOR = { ...PIPELINE_4H, gate: { decisionTimeframe: "1d", material: { enabled: false }, maxNextCheckSeconds: 86_400 } };
export const FLOOR_SCENARIOS: ThroughputScenario[] = [
  { name: "replay floor: decisions on 1d closes only", data: `1m ${weekLabel}`, inputs: () => minuteWeeks.map((w) => shippedInput("1m", w.symbols, w.from, w.to, FLOOR)) },
  { name: "replay floor: decisions on 1d closes only", data: fifteen, inputs: () => [shippedInput("15m", BTC_ETH_SOL, FIFTEEN_MINUTE_RANGE.from, FIFTEEN_MINUTE_RANGE.to, FLOOR)] },
];

/** The engine running the peer's rule on the peer's data (BTC/USDT only), as bench/peer runs grademark. */
export const PEER_SIDE_SCENARIOS: ThroughputScenario[] = [
  { name: "peer rule (engine)", data: "BTCUSDT 1m", inputs: () => minuteWeeks.map((w) => shippedInput("1m", ["BTC/USDT"], w.from, w.to, PEER_RULE("1m"))) },
  { name: "peer rule (engine)", data: "BTCUSDT 15m", inputs: () => [shippedInput("15m", ["BTC/USDT"], FIFTEEN_MINUTE_RANGE.from, FIFTEEN_MINUTE_RANGE.to, PEER_RULE("15m"))] },
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function pass(inputs: BacktestInput[]): Promise<{ ms: number; results: BacktestResult[] }> {
  const results: BacktestResult[] = [];
  let ms = 0;
  for (const input of inputs) {
    const t0 = performance.now();
    results.push(await runBacktest(input));
    ms += performance.now() - t0;
  }
  return { ms, results };
}

export async function measureScenario(s: ThroughputScenario, runs: number): Promise<ThroughputResult> {
  const inputs = s.inputs();
  const warm = await pass(inputs);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) times.push((await pass(inputs)).ms);
  const candles = warm.results.reduce((n, r) => n + r.stats.baseCandles, 0);
  const decisions = warm.results.reduce((n, r) => n + r.decisions.length, 0);
  const trades = warm.results.reduce((n, r) => n + r.trades.length + Object.keys(r.book.positions).length, 0);
  const exitKinds: Record<string, number> = {};
  for (const t of warm.results.flatMap((r) => r.trades)) exitKinds[t.exitKind] = (exitKinds[t.exitKind] ?? 0) + 1;
  const med = median(times);
  return {
    name: s.name,
    data: s.data,
    candles,
    decisions,
    trades,
    exitKinds,
    runs,
    medianMs: Math.round(med),
    minMs: Math.round(Math.min(...times)),
    maxMs: Math.round(Math.max(...times)),
    candlesPerSec: Math.round(candles / (med / 1000)),
    usPerDecision: Math.round((med * 1000) / Math.max(1, decisions)),
    results: warm.results,
  };
}

/** The engine's round trips against the peer's, matched by entry and exit candle (open times). */
export interface TradeComparison {
  same: number;
  /** Same entry candle, different exit candle. */
  otherExit: { entryAt: number; ours: number; peer: number }[];
  onlyOurs: number[];
  onlyPeer: number[];
  /** Why the engine stopped entering, when its trading state ended HALTED. */
  haltReasons: string[];
}

export function compareWithPeer(ours: BacktestResult[], peer: readonly { entryAt: number; exitAt: number }[]): TradeComparison {
  const oursTrades = ours.flatMap((r) => r.trades);
  const peerByEntry = new Map(peer.map((t) => [t.entryAt, t.exitAt]));
  const ourEntries = new Set(oursTrades.map((t) => t.entryAt));
  const out: TradeComparison = { same: 0, otherExit: [], onlyOurs: [], onlyPeer: [], haltReasons: [] };
  for (const t of oursTrades) {
    const peerExit = peerByEntry.get(t.entryAt);
    if (peerExit === undefined) out.onlyOurs.push(t.entryAt);
    else if (peerExit === t.exitAt) out.same++;
    else out.otherExit.push({ entryAt: t.entryAt, ours: t.exitAt, peer: peerExit });
  }
  out.onlyPeer = peer.filter((t) => !ourEntries.has(t.entryAt)).map((t) => t.entryAt);
  out.haltReasons = ours.filter((r) => r.book.tradingState === "HALTED").map((r) => r.book.haltReason ?? "halted");
  return out;
}

export async function measureScenarios(scenarios: ThroughputScenario[], runs: number): Promise<ThroughputResult[]> {
  const out: ThroughputResult[] = [];
  for (const s of scenarios) out.push(await measureScenario(s, runs));
  return out;
}
