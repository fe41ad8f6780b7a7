/**
 * `npx tsx bench/fingerprint.ts [--write] [case ...]`: the result check for backtest speed work. Runs
 * the backtests below and hashes their full results (trades, fills, decisions, equity curve, final
 * book, learner, stats) as canonical JSON (keys sorted, so only values count). Without `--write` it
 * compares against `bench/fingerprints.json` and exits 1 on any difference, naming the parts that
 * differ; `--write` records the current results as the reference. Optimisations must leave every
 * hash unchanged.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runBacktest } from "../src/lib/backtest/engine";
import type { BacktestDecider, BacktestInput, BacktestResult } from "../src/lib/backtest/types";
import { snapshotHash } from "../src/adapters/llm/backtest-deciders";
import type { Decision } from "../src/lib/decide/decision";
import type { MarketSnapshot } from "../src/lib/decide/snapshot";
import { BTC_ETH_SOL, D, ENGINE_DEFAULT, PEER_RULE, PIPELINE_4H, shippedInput, single } from "./backtest-cases";

const FILE = fileURLToPath(new URL("./fingerprints.json", import.meta.url));

/**
 * A scripted recording that folds every snapshot it is asked about (canonical JSON, every timeframe's
 * indicators) into `hash`, and answers on them: buy 30 % when the 4h RSI is under 35 and flat, sell when
 * it is over 65 and held. Pins the snapshot builder field by field, not only through the rule decisions.
 * It answers as the replay decider's recording (no model call, so no call cap).
 */
function snapshotRecorder(): { decider: BacktestDecider; digest: () => string } {
  const hash = createHash("sha256");
  const recorded = (_hash: string, snapshot: MarketSnapshot) => {
    hash.update(canonicalJson(snapshot));
    const held = new Set(snapshot.account.positions.map((p) => p.symbol));
    const decision: Decision = {
      decisions: snapshot.tickers.map((t) => {
        const rsi = t.timeframes["4h"]?.rsi14 ?? 50;
        const action = rsi < 35 && !held.has(t.symbol) ? "BUY" : rsi > 65 && held.has(t.symbol) ? "SELL" : "HOLD";
        return { ticker: t.symbol, action, position_pct: action === "BUY" ? 0.3 : 0, confidence: action === "HOLD" ? 0 : 0.6, reasoning: `4h RSI ${rsi}`, signal_weights: {} };
      }),
      market_assessment: "scripted",
      next_check_seconds: 14_400,
      wake_conditions: [],
      memory_update: null,
    };
    return decision;
  };
  const decider: BacktestDecider = { mode: "replay", recorded, hash: snapshotHash };
  return { decider, digest: () => hash.digest("hex").slice(0, 16) };
}

let recorder: ReturnType<typeof snapshotRecorder> | null = null;

/** The pinned backtests: each configuration the speed work touches, on 15m, 1m and 1d data. */
export const FINGERPRINT_CASES: Record<string, () => BacktestInput> = {
  "pipeline 4h, 15m 2025 Q1": () => shippedInput("15m", BTC_ETH_SOL, D(2025, 1), D(2025, 4), PIPELINE_4H),
  "pipeline 4h HMM, 15m 2025 Q1": () => shippedInput("15m", BTC_ETH_SOL, D(2025, 1), D(2025, 4), { ...PIPELINE_4H, regime: { hmm: true } }),
  "engine default (HMM + quant) 4h, 15m 2025 Q1": () => shippedInput("15m", BTC_ETH_SOL, D(2025, 1), D(2025, 4), ENGINE_DEFAULT),
  "rsi-mean-reversion 15m, 15m 2025 Q1": () => shippedInput("15m", BTC_ETH_SOL, D(2025, 1), D(2025, 4), single("rsi-mean-reversion", "15m")),
  "peer rule 15m, BTC 15m 2025-01..2026-02": () => shippedInput("15m", ["BTC/USDT"], D(2025, 1), D(2026, 2, 12), PEER_RULE("15m")),
  "regime-blend 1d, 1d 2023-01..2026-02": () => shippedInput("1d", BTC_ETH_SOL, D(2023, 1), D(2026, 2, 12), single("regime-blend", "1d")),
  "pipeline 4h, 1m 2026-03-24..30": () => shippedInput("1m", BTC_ETH_SOL, D(2026, 3, 24), D(2026, 3, 31), PIPELINE_4H),
  "peer rule 1m, BTC 1m 2025-06-01..07": () => shippedInput("1m", ["BTC/USDT"], D(2025, 6, 1), D(2025, 6, 8), PEER_RULE("1m")),
  "every snapshot (scripted external decider) 4h, 15m 2025 Q1": () => {
    recorder = snapshotRecorder();
    return { ...shippedInput("15m", BTC_ETH_SOL, D(2025, 1), D(2025, 4), PIPELINE_4H), decider: recorder.decider };
  },
  "every snapshot (scripted external decider) 15m, 15m 2025-01": () => {
    recorder = snapshotRecorder();
    return { ...shippedInput("15m", BTC_ETH_SOL, D(2025, 1), D(2025, 2), { ...PIPELINE_4H, gate: { decisionTimeframe: "15m" } }), decider: recorder.decider };
  },
};

/** JSON with object keys sorted at every level: the same values give the same text whatever the construction order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

const sha = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);

export interface Fingerprint {
  counts: { decisions: number; trades: number; fills: number; equity: number };
  parts: Record<string, string>;
}

export function fingerprint(r: BacktestResult): Fingerprint {
  const parts: Record<string, unknown> = { trades: r.trades, fills: r.fills, decisions: r.decisions, equity: r.equity, book: r.book, learner: r.learner, stats: r.stats, llmCostUsd: r.llmCostUsd };
  return {
    counts: { decisions: r.decisions.length, trades: r.trades.length, fills: r.fills.length, equity: r.equity.length },
    parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, sha(canonicalJson(v))])),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const write = args.includes("--write");
  const only = args.filter((a) => !a.startsWith("--"));
  const names = Object.keys(FINGERPRINT_CASES).filter((n) => only.length === 0 || only.some((o) => n.includes(o)));
  const reference = JSON.parse(readFileSync(FILE, { encoding: "utf8", flag: "a+" }) || "{}") as Record<string, Fingerprint>;
  let failed = 0;
  for (const name of names) {
    const t0 = performance.now();
    recorder = null;
    const got = fingerprint(await runBacktest(FINGERPRINT_CASES[name]!()));
    if (recorder) got.parts.snapshots = (recorder as ReturnType<typeof snapshotRecorder>).digest();
    const ms = Math.round(performance.now() - t0);
    const want = reference[name];
    if (write) {
      reference[name] = got;
      console.log(`recorded  ${name} (${ms} ms) ${JSON.stringify(got.counts)}`);
      continue;
    }
    const differing = want ? Object.keys(got.parts).filter((k) => got.parts[k] !== want.parts[k]) : ["(no reference)"];
    if (differing.length > 0) failed++;
    console.log(`${differing.length === 0 ? "same     " : "DIFFERENT"} ${name} (${ms} ms) ${JSON.stringify(got.counts)}${differing.length ? ` differs in: ${differing.join(", ")}` : ""}`);
  }
  if (write) writeFileSync(FILE, JSON.stringify(reference, null, 2) + "\n");
  if (failed > 0) process.exit(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
