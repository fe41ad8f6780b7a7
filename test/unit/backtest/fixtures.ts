import type { BacktestInput } from "../../../src/lib/backtest/types";
import { EngineConfigSchema } from "../../../src/lib/config";
import type { Timeframe } from "../../../src/lib/market/timeframe";
import { loadCandles, loadFunding, type ShippedTimeframe } from "../../../sim/data/candles";

/** Shipped candles of BTC, ETH and SOL in [from, to), with older 1d/4h candles as warm-up and the funding history. */
export function shippedInput(tf: ShippedTimeframe, from: number, to: number, config: unknown = {}, seed = 1): BacktestInput {
  const candles: BacktestInput["candles"] = {};
  const history: NonNullable<BacktestInput["history"]> = {};
  const funding: NonNullable<BacktestInput["funding"]> = {};
  for (const s of ["BTC", "ETH", "SOL"]) {
    const sym = `${s}/USDT`;
    candles[sym] = loadCandles(`${s}USDT`, tf).filter((c) => c.t >= from && c.t < to);
    history[sym] = { "1d": loadCandles(`${s}USDT`, "1d").filter((c) => c.t < from), "4h": loadCandles(`${s}USDT`, "4h").filter((c) => c.t < from) };
    funding[sym] = loadFunding(`${s}USDT`).map((p) => ({ at: p.t, value: p.rate }));
  }
  return { candles, baseTimeframe: tf as Timeframe, history, funding, config: EngineConfigSchema.parse(config), initialCash: 10_000, seed };
}

/** One strategy decides, on candles of `tf` (also the decision timeframe). */
export const SINGLE = (strategy: string, tf = "4h") => ({
  rules: { decider: "single-strategy", strategy },
  strategies: { [strategy]: { enabled: true, params: { timeframe: tf } } },
  gate: { decisionTimeframe: tf },
  quant: { enabled: false },
  regime: { hmm: false },
});
