/**
 * `npx tsx bench/peer/run-peer.ts`: throughput of the peer backtester (grademark 0.3.0 on data-forge
 * 1.10.5) running the RSI(14) mean-reversion rule of `rsi-rule.ts` on the shipped BTCUSDT data. Prints one
 * JSON object on stdout (nothing else); import `runPeerBench()` to get the same object in-process.
 *
 * Datasets:
 * - "BTCUSDT 1m": `loadCandles("BTCUSDT", "1m")`, the two shipped weeks (2025-06-01…07 and 2026-03-24…30)
 *   concatenated. Those are split at the gap between them into two independent runs (RSI reseeded, flat at
 *   the start, an open position closed at the end of each week), reported per week and summed.
 * - "BTCUSDT 15m": `loadCandles("BTCUSDT", "15m")`, one gap-free run of ~39k candles.
 *
 * Per dataset: one warm-up pass, then `RUNS` timed passes; each pass builds the DataFrame and runs the
 * backtest for every segment. Reported per pass (the median over passes; min/max too):
 * - backtest: the `backtest(strategy, inputSeries)` call alone → `backtest.candlesPerSec`;
 * - construct: candles → grademark bars → baked DataFrame → `construct.candlesPerSec`;
 * - rsi: the plain-loop RSI feeding the `rsi` column;
 * - endToEnd: rsi + construct + backtest.
 * Every pass's trades are checked against the plain-loop reference (`referenceMatches`).
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { loadCandles } from "../../sim/data/candles";
import { runGrademarkRsi, type GrademarkRsiResult } from "./grademark-rsi";
import { referenceRsiTrades } from "./rsi-reference";
import type { OhlcvCandle, PeerTrade } from "./rsi-rule";

export const RUNS = 5;
const FIRST_TRADES = 5;
const require = createRequire(import.meta.url);
const versionOf = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  candlesPerSec: number;
}

export interface PeerDatasetReport {
  dataset: string;
  candles: number;
  segments: { from: string; to: string; candles: number; trades: number }[];
  runs: number;
  backtest: Timing;
  construct: Timing;
  rsi: Timing;
  endToEnd: Timing;
  trades: number;
  /** Trades closed at the end of a segment rather than by a signal. */
  endOfDataTrades: number;
  /** Every timed pass produced exactly the reference's trades. */
  referenceMatches: boolean;
  /**
   * The plain reading that also evaluates the rule on a fill candle (not grademark's, see `rsi-rule.ts`):
   * its trade count, and how many of grademark's trades it does not produce identically.
   */
  ifRuleCheckedOnFillBar: { trades: number; differingTrades: number };
  firstTrades: (Omit<PeerTrade, "entryAt" | "exitAt"> & { entryAt: string; exitAt: string })[];
}

export interface PeerBenchReport {
  peer: { name: "grademark"; version: string; dataForgeVersion: string };
  rule: string;
  node: string;
  datasets: PeerDatasetReport[];
}

/** Splits time-ordered candles wherever consecutive open times are not exactly `stepMs` apart. */
export function splitAtGaps<T extends { t: number }>(candles: readonly T[], stepMs: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  for (const c of candles) {
    const prev = cur[cur.length - 1];
    if (prev && c.t - prev.t !== stepMs) {
      out.push(cur);
      cur = [];
    }
    cur.push(c);
  }
  if (cur.length) out.push(cur);
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function timing(ms: number[], candles: number): Timing {
  const med = median(ms);
  return { medianMs: round(med, 3), minMs: round(Math.min(...ms), 3), maxMs: round(Math.max(...ms), 3), candlesPerSec: Math.round(candles / (med / 1000)) };
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
const iso = (t: number): string => new Date(t).toISOString();
const sameTrades = (a: PeerTrade[], b: PeerTrade[]): boolean => JSON.stringify(a) === JSON.stringify(b);

function fillBarVariant(segments: OhlcvCandle[][], peerTrades: PeerTrade[]): { trades: number; differingTrades: number } {
  const variant = new Set(segments.flatMap((s) => referenceRsiTrades(s, { evaluateOnFillBar: true })).map((t) => JSON.stringify(t)));
  return { trades: variant.size, differingTrades: peerTrades.filter((t) => !variant.has(JSON.stringify(t))).length };
}

function benchDataset(dataset: string, segments: OhlcvCandle[][], runs: number): PeerDatasetReport {
  const candles = segments.reduce((n, s) => n + s.length, 0);
  const reference = segments.map((s) => referenceRsiTrades(s));
  const pass = (): GrademarkRsiResult[] => segments.map((s) => runGrademarkRsi(s));

  pass(); // warm-up
  const bt: number[] = [];
  const cons: number[] = [];
  const rsi: number[] = [];
  const total: number[] = [];
  let matches = true;
  let last: GrademarkRsiResult[] = [];
  for (let r = 0; r < runs; r++) {
    last = pass();
    const sum = (f: (x: GrademarkRsiResult) => number): number => last.reduce((n, x) => n + f(x), 0);
    bt.push(sum((x) => x.ms));
    cons.push(sum((x) => x.constructMs));
    rsi.push(sum((x) => x.rsiMs));
    total.push(sum((x) => x.ms + x.constructMs + x.rsiMs));
    matches &&= last.every((x, i) => sameTrades(x.trades, reference[i]!));
  }

  const trades = last.flatMap((x) => x.trades);
  return {
    dataset,
    candles,
    segments: segments.map((s, i) => ({ from: iso(s[0]!.t), to: iso(s[s.length - 1]!.t), candles: s.length, trades: last[i]!.trades.length })),
    runs,
    backtest: timing(bt, candles),
    construct: timing(cons, candles),
    rsi: timing(rsi, candles),
    endToEnd: timing(total, candles),
    trades: trades.length,
    endOfDataTrades: trades.filter((t) => t.exitReason === "end-of-data").length,
    referenceMatches: matches,
    ifRuleCheckedOnFillBar: fillBarVariant(segments, trades),
    firstTrades: trades.slice(0, FIRST_TRADES).map((t) => ({ ...t, entryAt: iso(t.entryAt), exitAt: iso(t.exitAt), pnlPct: round(t.pnlPct, 4) })),
  };
}

export function runPeerBench(runs = RUNS): PeerBenchReport {
  const m1 = splitAtGaps(loadCandles("BTCUSDT", "1m"), 60_000);
  const m15 = splitAtGaps(loadCandles("BTCUSDT", "15m"), 900_000);
  return {
    peer: { name: "grademark", version: versionOf("grademark"), dataForgeVersion: versionOf("data-forge") },
    rule: "long-only Wilder RSI(14) on closes: flat & RSI<25 -> buy next open; long & RSI>50 -> sell next open; no rule on a fill candle (grademark); no fees/slippage/stops; open position closed at last close",
    node: process.version,
    datasets: [benchDataset("BTCUSDT 1m", m1, runs), benchDataset("BTCUSDT 15m", m15, runs)],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(JSON.stringify(runPeerBench(), null, 2) + "\n");
}
