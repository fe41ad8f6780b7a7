import { runBacktest } from "../../lib/backtest/engine";
import { backtestMetrics } from "../../lib/backtest/metrics";
import { backtestConfig, backtestInput, modelWork, readsFunding, spanDays, type BacktestSpec, type CandleData } from "../../lib/backtest/spec";
import type { BacktestInput, BacktestResult } from "../../lib/backtest/types";
import { TIMEFRAME_MS, type Timeframe } from "../../lib/market/timeframe";
import { FUNDING_SETTLEMENTS_SEEN } from "../../lib/decide/funding-window";
import type { EngineConfig } from "../../lib/config";
import { downsample } from "../../lib/util/downsample";
import { errorMessage } from "../../adapters/log";
import { insertBacktest, type BacktestRow } from "../../adapters/store/backtest-store";
import { countCandles, loadCandleData } from "../../adapters/store/candle-store";
import { loadFundingData } from "../../adapters/store/funding-store";

/** Bounds of one backtest run in the worker. */
export const BACKTEST_LIMITS = {
  /** Base candles (all symbols together) one run may replay; 50,000 take roughly 10–20 s of CPU. */
  maxCandles: 50_000,
  maxSymbols: 20,
  /** Equity points stored per run; a longer curve is downsampled, its first and last point kept. */
  maxEquityPoints: 5_000,
  /**
   * Warm-up candles read per symbol and timeframe before `from`. The engine looks back at most 1000
   * daily candles (quant training; `regime.dailyHistory` ≤ 1000) and 120 of the other timeframes.
   */
  warmupCandles: 1_000,
  /** Bytes of JSON in one stored row, under D1's row size limit (1 MB). */
  maxRowBytes: 900_000,
  /** HMM regime fits (one per symbol and day with `hmm`): a fit takes about 30 ms, so 400 about 12 s of CPU. */
  maxHmmFits: 400,
  /**
   * Quant ranker trainings times symbols (with `quant`, one training a week on every symbol's history):
   * a training on three symbols takes about 2 s, so 15 symbol-trainings about 10 s of CPU.
   */
  maxQuantSymbolTrainings: 15,
} as const;

/** The history timeframes `backtestInput` hands the engine: 1d and 4h, those not finer than the run's. */
const WARMUP_TIMEFRAMES: readonly Timeframe[] = ["1d", "4h"];

/** Fewer equity points than this are not worth storing: such a result is refused instead. */
const MIN_EQUITY_POINTS = 500;

export interface StoredRunDeps {
  /** The engine; the rule decider decides (no external decider). */
  run?: (input: BacktestInput) => Promise<BacktestResult>;
  now?: () => number;
  /** Given to the engine (BacktestInput.cooperate): where a run inside a request yields to the isolate's other work. */
  cooperate?: () => Promise<void> | void;
}

export type StoredRunOutcome =
  | { kind: "too_many_candles"; candles: number; perSymbol: Record<string, number>; limit: number }
  | { kind: "too_much_model_work"; message: string; work: ReturnType<typeof modelWork> }
  | { kind: "no_candles"; message: string; perSymbol: Record<string, number> }
  | { kind: "done"; row: BacktestRow }
  /** Stored as failed; `inputFault` when the request can be changed to succeed. */
  | { kind: "failed"; row: BacktestRow; inputFault: boolean };

const bytes = (s: string) => new TextEncoder().encode(s).length;

function newId(createdAt: number): string {
  const rnd = crypto.getRandomValues(new Uint8Array(4));
  return `bt-${createdAt}-${[...rnd].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The spec as stored and shown: dates as ISO strings, so a stored spec can be posted again as is. */
function specView(spec: BacktestSpec): Record<string, unknown> {
  return { ...spec, from: new Date(spec.from).toISOString(), to: new Date(spec.to).toISOString() };
}

/** A run whose model fits would take more CPU than a request may spend, refused before anything is read. */
function modelWorkProblem(spec: BacktestSpec, baseConfig: unknown): StoredRunOutcome | null {
  let work: ReturnType<typeof modelWork>;
  let config: EngineConfig;
  try {
    config = backtestConfig(spec, baseConfig);
    work = modelWork(spec, config);
  } catch {
    return null; // an engine config that does not parse fails the run itself, stored with its error
  }
  const days = Math.ceil(spanDays(spec));
  const n = spec.symbols.length;
  if (work.hmmFits > BACKTEST_LIMITS.maxHmmFits) {
    const message = `with hmm each symbol's regime model is refitted every day: this run would fit ${work.hmmFits} models (${n} symbol${n === 1 ? "" : "s"} × ${days} days), at most ${BACKTEST_LIMITS.maxHmmFits} per run: narrow the range or drop symbols (the CLI, npm run backtest -- --hmm, has no such limit)`;
    return { kind: "too_much_model_work", message, work };
  }
  if (work.quantSymbolTrainings > BACKTEST_LIMITS.maxQuantSymbolTrainings) {
    const message = `with quant the ranker is retrained every ${config.quant.retrainEveryDays} days on every symbol: this run would do ${work.quantSymbolTrainings} symbol-trainings, at most ${BACKTEST_LIMITS.maxQuantSymbolTrainings} per run: narrow the range or drop symbols (the CLI, npm run backtest -- --quant, has no such limit)`;
    return { kind: "too_much_model_work", message, work };
  }
  return null;
}

/**
 * Symbols a run that reads funding has no settlement for at all (none stored up to `to`): their funding
 * strategies pass and the derivatives agent sits out, which the stored run says rather than hides.
 */
function fundingNotes(spec: BacktestSpec, config: EngineConfig, funding: Record<string, readonly unknown[]>): string[] {
  if (!readsFunding(config)) return [];
  const without = spec.symbols.filter((s) => (funding[s]?.length ?? 0) === 0);
  if (without.length === 0) return [];
  return [
    `no funding rates stored for ${without.join(", ")} up to ${new Date(spec.to).toISOString().slice(0, 10)}: the funding strategies pass and the derivatives agent sits out for them (store rates with PUT /api/funding or npm run candles:import)`,
  ];
}

/** Workers' clocks only move across I/O; a zero timer lets the clock catch up with the CPU time spent. */
async function elapsedSince(started: number, now: () => number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  return Math.max(0, now() - started);
}

/**
 * Runs a backtest on candles stored in D1 and stores the result: counts the base candles first (a run
 * over the limit is refused unread), reads the range and the warm-up history, runs the engine with
 * the rule decider, computes the metrics, and writes one `backtests` row (`done`, or `failed` with the
 * error when the run throws or its result cannot be stored).
 */
export async function runStoredBacktest(db: D1Database, spec: BacktestSpec, baseConfig: unknown, deps: StoredRunDeps = {}): Promise<StoredRunOutcome> {
  const run = deps.run ?? runBacktest;
  const now = deps.now ?? Date.now;
  const perSymbol = await countCandles(db, spec.symbols, spec.timeframe, spec.from, spec.to);
  const candles = Object.values(perSymbol).reduce((a, n) => a + n, 0);
  if (candles > BACKTEST_LIMITS.maxCandles) return { kind: "too_many_candles", candles, perSymbol, limit: BACKTEST_LIMITS.maxCandles };
  const tooMuch = modelWorkProblem(spec, baseConfig);
  if (tooMuch) return tooMuch;

  const createdAt = now();
  const id = newId(createdAt);
  const base = { id, created_at: createdAt, spec_json: JSON.stringify(specView(spec)), candles, llm_cost_usd: 0 };
  let notes: string[] = [];
  const notesJson = () => (notes.length > 0 ? JSON.stringify(notes) : null);
  const fail = async (error: string, inputFault: boolean): Promise<StoredRunOutcome> => {
    const row: BacktestRow = {
      ...base,
      notes_json: notesJson(),
      status: "failed",
      error,
      metrics_json: null,
      stats_json: null,
      trades_json: null,
      equity_json: null,
      equity_points: null,
      duration_ms: await elapsedSince(createdAt, now),
    };
    await insertBacktest(db, row);
    return { kind: "failed", row, inputFault };
  };

  const candleData = await loadCandleData(db, {
    symbols: spec.symbols,
    tf: spec.timeframe,
    from: spec.from,
    to: spec.to,
    warmupTimeframes: WARMUP_TIMEFRAMES.filter((tf) => TIMEFRAME_MS[tf] >= TIMEFRAME_MS[spec.timeframe]),
    warmup: BACKTEST_LIMITS.warmupCandles,
  });
  const funding = await loadFundingData(db, { symbols: spec.symbols, from: spec.from, to: spec.to, lookback: FUNDING_SETTLEMENTS_SEEN });
  const data: CandleData = { candles: candleData.candles, funding: (symbol) => funding[symbol] ?? [] };
  let input: BacktestInput;
  let result: BacktestResult;
  let metrics: ReturnType<typeof backtestMetrics>;
  try {
    const config = backtestConfig(spec, baseConfig);
    notes = fundingNotes(spec, config, funding);
    try {
      input = backtestInput(spec, data, config);
      if (deps.cooperate) input = { ...input, cooperate: deps.cooperate };
    } catch (err) {
      // backtestInput's RangeError names the symbols without candles in the range.
      if (err instanceof RangeError) return { kind: "no_candles", message: err.message, perSymbol };
      throw err;
    }
    result = await run(input);
    metrics = backtestMetrics(input, result);
  } catch (err) {
    return fail(errorMessage(err), err instanceof RangeError);
  }

  const tradesJson = JSON.stringify(result.trades);
  const metricsJson = JSON.stringify(metrics);
  const statsJson = JSON.stringify(result.stats);
  const fixedBytes = bytes(tradesJson) + bytes(metricsJson) + bytes(statsJson) + bytes(base.spec_json);
  let maxPoints: number = BACKTEST_LIMITS.maxEquityPoints;
  let equityJson = JSON.stringify(downsample(result.equity, maxPoints));
  while (fixedBytes + bytes(equityJson) > BACKTEST_LIMITS.maxRowBytes && maxPoints > MIN_EQUITY_POINTS) {
    maxPoints = Math.max(MIN_EQUITY_POINTS, Math.floor(maxPoints / 2));
    equityJson = JSON.stringify(downsample(result.equity, maxPoints));
  }
  if (fixedBytes + bytes(equityJson) > BACKTEST_LIMITS.maxRowBytes) {
    const kb = Math.ceil((fixedBytes + bytes(equityJson)) / 1000);
    return fail(`the result is too large to store (${result.trades.length} trades, ${kb} kB; at most ${BACKTEST_LIMITS.maxRowBytes / 1000} kB): narrow the range or the symbols`, true);
  }
  const row: BacktestRow = {
    ...base,
    notes_json: notesJson(),
    status: "done",
    error: null,
    metrics_json: metricsJson,
    stats_json: statsJson,
    trades_json: tradesJson,
    equity_json: equityJson,
    equity_points: result.equity.length,
    duration_ms: await elapsedSince(createdAt, now),
    llm_cost_usd: result.llmCostUsd,
  };
  try {
    await insertBacktest(db, row);
  } catch (err) {
    return fail(`the result could not be stored: ${errorMessage(err)}`, false);
  }
  return { kind: "done", row };
}
