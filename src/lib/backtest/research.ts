import { dailyReturns } from "../metrics/daily-returns";
import { deflatedSharpe } from "../metrics/deflated-sharpe";
import { probabilityOfBacktestOverfitting, type PboResult } from "../metrics/pbo";
import { returnStats } from "../metrics/return-stats";
import type { BacktestEquityPoint, BacktestFill, BacktestResult, BacktestTrade } from "./types";
import type { ParamSet } from "./param-space";
import type { WalkForwardWindow } from "./walk-forward";

/** What a search reads of a run. */
export type SearchRun = Pick<BacktestResult, "equity" | "trades" | "fills">;

/**
 * Runs a backtest of one parameter set over [from, to) (the caller binds data and strategy). A search asks for
 * many runs at once; the runner decides how many go at a time (one after another, or one per worker thread).
 */
export type RunWith = (params: ParamSet, from: number, to: number) => Promise<SearchRun>;

export interface ScoredParams {
  params: ParamSet;
  sharpe: number | null;
}

export interface WalkForwardStep {
  window: WalkForwardWindow;
  inSample: ScoredParams[];
  chosen: ParamSet;
  outOfSample: { sharpe: number | null; totalReturn: number | null; trades: number };
  /** The out-of-sample run's equity, trades and fills, in the chained curve's scale. */
  equity: BacktestEquityPoint[];
  trades: BacktestTrade[];
  fills: BacktestFill[];
}

const sharpeOf = (r: SearchRun, periodsPerYear: number): number | null => returnStats(dailyReturns(r.equity), periodsPerYear).sharpe;

/**
 * Walk-forward parameter search: in each window every candidate runs in sample, the best Sharpe is
 * chosen (ties: the first), and only that one runs out of sample. The out-of-sample equity curves
 * chain into one, each window starting from where the previous ended.
 *
 * Runs are asked for in order (every in-sample run of every window, each window's out-of-sample run as soon
 * as its in-sample scores are in), at most `concurrency` at a time (1: one after another; a runner with worker
 * threads takes as many as it has threads); the results are read in window and candidate order, so the
 * outcome is the same for every `concurrency`.
 */
export async function walkForwardSearch(
  candidates: ParamSet[],
  windows: WalkForwardWindow[],
  runner: RunWith,
  periodsPerYear: number,
  concurrency = 1,
): Promise<{ steps: WalkForwardStep[]; equity: BacktestEquityPoint[] }> {
  if (candidates.length === 0) throw new Error("no parameter sets to search");
  const run = limited(runner, concurrency);
  const score = (params: ParamSet, w: WalkForwardWindow): Promise<ScoredParams> => run(params, w.inSample.from, w.inSample.to).then((r) => ({ params, sharpe: sharpeOf(r, periodsPerYear) }));
  const tested = windows.map((w) =>
    Promise.all(candidates.map((params) => score(params, w))).then(async (scored) => {
      const best = scored.reduce((a, b) => ((b.sharpe ?? -Infinity) > (a.sharpe ?? -Infinity) ? b : a));
      return { w, scored, best, oos: await run(best.params, w.outOfSample.from, w.outOfSample.to) };
    }),
  );
  const steps: WalkForwardStep[] = [];
  const chained: BacktestEquityPoint[] = [];
  let carry: number | null = null;
  for (const { w, scored, best, oos } of await Promise.all(tested)) {
    const first = oos.equity[0]?.equity ?? 1;
    const last = oos.equity[oos.equity.length - 1]?.equity ?? first;
    // Each window restarts from the initial cash: rescale it to continue from where the previous ended.
    const factor = carry === null ? 1 : carry / first;
    const equity = oos.equity.map((p) => ({ ...p, equity: p.equity * factor, cash: p.cash * factor, exposure: p.exposure * factor }));
    chained.push(...equity);
    if (oos.equity.length) carry = chained[chained.length - 1]!.equity;
    steps.push({
      window: w,
      inSample: scored,
      chosen: best.params,
      outOfSample: { sharpe: sharpeOf(oos, periodsPerYear), totalReturn: first > 0 ? last / first - 1 : null, trades: oos.trades.length },
      equity,
      trades: oos.trades.map((t) => ({ ...t, qty: t.qty * factor, fees: t.fees * factor, pnl: t.pnl * factor })),
      fills: oos.fills.map((f) => ({ ...f, qty: f.qty * factor, fee: f.fee * factor })),
    });
  }
  return { steps, equity: chained };
}

/** `run` with at most `max` runs under way; the others wait their turn in the order they were asked. */
function limited(run: RunWith, max: number): RunWith {
  if (!(max >= 1)) throw new Error(`concurrency must be at least 1, got ${max}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (params, from, to) => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await run(params, from, to);
    } finally {
      // The slot passes to the next waiting run, or is freed.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

export interface OverfittingReport {
  trials: number;
  best: ScoredParams;
  /** Deflated Sharpe of the best configuration (per-day Sharpe, as the paper defines it). */
  deflated: ReturnType<typeof deflatedSharpe>;
  pbo: PboResult | null;
}

/**
 * Overfitting checks over full-range runs of every candidate: the Deflated Sharpe Ratio of the best
 * one given how many were tried, and the Probability of Backtest Overfitting by combinatorially
 * symmetric cross-validation on the matrix of their daily returns.
 */
export function overfittingReport(runs: { params: ParamSet; result: SearchRun }[], periodsPerYear: number, partitions = 16): OverfittingReport {
  const returns = runs.map((r) => dailyReturns(r.result.equity));
  const T = Math.min(...returns.map((r) => r.length));
  const perPeriodSharpe = returns.map((r) => {
    const s = returnStats(r.slice(0, T), periodsPerYear).sharpe;
    return s === null ? null : s / Math.sqrt(periodsPerYear);
  });
  const finite = perPeriodSharpe.filter((s): s is number => s !== null);
  const mean = finite.reduce((a, b) => a + b, 0) / Math.max(1, finite.length);
  const srVariance = finite.length > 1 ? finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1) : 0;
  let bestIndex = 0;
  perPeriodSharpe.forEach((s, i) => {
    if ((s ?? -Infinity) > (perPeriodSharpe[bestIndex] ?? -Infinity)) bestIndex = i;
  });
  const matrix = Array.from({ length: T }, (_, t) => returns.map((r) => r[t]!));
  const canPbo = runs.length >= 2 && T >= partitions * 2;
  return {
    trials: runs.length,
    best: { params: runs[bestIndex]!.params, sharpe: sharpeOf(runs[bestIndex]!.result, periodsPerYear) },
    deflated: deflatedSharpe(returns[bestIndex]!.slice(0, T), { nTrials: runs.length, srVariance }),
    pbo: canPbo ? probabilityOfBacktestOverfitting(matrix, { partitions }) : null,
  };
}
