import { runBacktest } from "../../src/lib/backtest/engine";
import { backtestInput, type BacktestSpec, type CandleData } from "../../src/lib/backtest/spec";
import type { BacktestDecision, BacktestResult, StampedRate } from "../../src/lib/backtest/types";
import { configFor } from "../../tools/backtest/prepare";
import { shippedData } from "../../tools/backtest/shipped-data";

/** One run of a search: a spec and the engine config overrides it runs with; `decisions` keeps its decisions. */
export interface ResearchTask {
  spec: BacktestSpec;
  overrides: unknown;
  decisions?: boolean;
}

/**
 * What a search keeps of a run: everything but the decisions (unless asked for), the learner's state and the
 * material moves, which no search reads and which are most of a result's size (a result crosses between threads
 * by structured clone).
 */
export type ResearchResult = Omit<BacktestResult, "decisions" | "learner" | "materialMoves"> & { decisions?: BacktestDecision[] };

/**
 * The shipped data, read once per thread: candles are kept by shippedData itself, funding (read from its file at
 * every ask there) is kept here too. Every run gets its own copies (backtestInput filters and copies them).
 */
export function researchData(): CandleData {
  const data = shippedData();
  const funding = new Map<string, readonly StampedRate[]>();
  return {
    candles: (symbol, tf) => data.candles(symbol, tf),
    funding(symbol) {
      let hit = funding.get(symbol);
      if (!hit) funding.set(symbol, (hit = data.funding?.(symbol) ?? []));
      return hit;
    },
  };
}

/** Runs one task on `data`: the same in process and in a worker thread, so both give the same result. */
export async function runResearchTask(data: CandleData, task: ResearchTask): Promise<ResearchResult> {
  const { decisions, learner: _learner, materialMoves: _moves, ...kept } = await runBacktest(backtestInput(task.spec, data, configFor(task.spec, task.overrides)));
  return task.decisions ? { ...kept, decisions } : kept;
}
