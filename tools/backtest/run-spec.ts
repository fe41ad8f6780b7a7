import { runBacktest } from "../../src/lib/backtest/engine";
import { backtestInput, type BacktestSpec, type CandleData } from "../../src/lib/backtest/spec";
import type { BacktestResult } from "../../src/lib/backtest/types";
import { configFor } from "./prepare";

/** Runs one spec on `data` with the same config overrides every time (the research commands' unit of work). */
export function specRunner(data: CandleData, overrides: unknown): (spec: BacktestSpec) => Promise<BacktestResult> {
  return (spec) => runBacktest(backtestInput(spec, data, configFor(spec, overrides)));
}
