import type { QuantModel, QuantScores } from "../agents/quant/model";
import { scoreQuant } from "../agents/quant/score";
import type { AgentWeights } from "../agents/types";
import type { Candle } from "../market/candle";
import type { Timeframe } from "../market/timeframe";
import type { CombinedRegime } from "../regime/types";
import type { StrategyConfigs } from "../strategy/strategy-configs";
import { closedBy } from "../market/closed";
import { latestAsOf, openInterestChange, pointsAsOfTime, takerDelta, type DerivativesHistory } from "../market/derivatives";
import type { DerivedValues, MarketSnapshot, SnapshotInput } from "./snapshot";
import type { PipelineInput, TickerPipelineInput } from "./synthesis-decider";

/** The learner's key for a ticker without a detected regime. */
export const NO_REGIME = "none";

function quantScoresOf(model: QuantModel, daily: Record<string, readonly Candle[]>, now: number): QuantScores | null {
  try {
    return scoreQuant(model, daily, now);
  } catch {
    return null; // features need an unbroken daily history: the agent sits out
  }
}

const closesOfCandles = (candles: readonly Candle[]): number[] => candles.map((c) => c.c);

/** Daily closes, oldest first (the momentum agent's input); shared across a run's decisions through `derived`. */
function closesOf(symbol: string, daily: readonly Candle[], derived: DerivedValues | undefined): number[] {
  return derived ? derived.get("closes", symbol, "1d", daily, closesOfCandles, null) : closesOfCandles(daily);
}

/** The regime keys the learner is asked to sample weights for, one per ticker. */
export function regimeKeys(snapshot: MarketSnapshot, regimes: Record<string, CombinedRegime | null>): string[] {
  return snapshot.tickers.map((t) => regimes[t.symbol]?.learnerKey ?? NO_REGIME);
}

/**
 * Everything the rule pipeline needs per ticker, point in time at the snapshot's `at`: strategy
 * contexts (closed candles, settled funding, the position), daily closes, the regime, the weights
 * sampled for that regime, and the quant ranker's scores. Shared by the gate and the backtester.
 */
export function pipelineInputs(
  input: SnapshotInput,
  snapshot: MarketSnapshot,
  regimes: Record<string, CombinedRegime | null>,
  weightsByKey: Record<string, { weights: AgentWeights; source: string }>,
  quantModel: QuantModel | null,
  strategies: StrategyConfigs,
  derived?: DerivedValues,
): PipelineInput {
  const now = snapshot.at;
  // A ticker with nothing to price it by at `now` (not listed yet) is not in the snapshot: it sits out.
  const inSnapshot = new Set(snapshot.tickers.map((t) => t.symbol));
  const present = input.tickers.filter((t) => inSnapshot.has(t.symbol));
  const daily: Record<string, readonly Candle[]> = {};
  for (const t of present) daily[t.symbol] = closedBy(t.candles["1d"], "1d", now);
  const quantScores = quantModel ? quantScoresOf(quantModel, daily, now) : null;
  const held = new Map(snapshot.account.positions.map((p) => [p.symbol, p]));
  const tickers: Record<string, TickerPipelineInput> = {};
  for (const t of present) {
    const regime = regimes[t.symbol] ?? null;
    const candles: Partial<Record<Timeframe, Candle[]>> = {};
    for (const [tf, list] of Object.entries(t.candles) as [Timeframe, Candle[]][]) candles[tf] = closedBy(list, tf, now) as Candle[];
    const pos = held.get(t.symbol);
    const w = weightsByKey[regime?.learnerKey ?? NO_REGIME];
    if (!w) throw new Error(`no weights sampled for regime ${regime?.learnerKey ?? NO_REGIME}`);
    tickers[t.symbol] = {
      context: {
        symbol: t.symbol,
        now,
        candles,
        funding: t.funding.filter((p) => p.at <= now),
        // The last 8 days of open interest (funding-oi compares across 24 h by default).
        openInterest: t.derivatives ? pointsAsOfTime(t.derivatives.openInterest, now, 8 * OI_LOOKBACK_MS) : null,
        regime,
        position: pos ? { entryPrice: pos.entryPrice, openedAt: pos.openedAt, ...(pos.side === "short" ? { side: "SHORT" as const } : {}), ...(pos.group !== undefined ? { carry: true } : {}) } : null,
      },
      regime,
      dailyCloses: closesOf(t.symbol, daily[t.symbol] ?? [], derived),
      sentiment: null,
      weights: w,
    };
    if (t.derivatives) tickers[t.symbol]!.derivatives = derivativesInputs(t.derivatives, snapshot.tickers.find((x) => x.symbol === t.symbol)?.returns?.r24h ?? null, now);
  }
  return { tickers, strategies, quantModel, quantScores };
}

/** Over how long open interest's change is read against the price's (the snapshot's 24 h return). */
const OI_LOOKBACK_MS = 86_400_000;

/** The derivatives agent's inputs beyond funding, as of `now`: the latest taker imbalance and long/short ratio, open interest's 24 h change. */
function derivativesInputs(d: DerivativesHistory, priceChange: number | null, now: number): NonNullable<TickerPipelineInput["derivatives"]> {
  const taker = latestAsOf(d.takerBuySellRatio, now);
  const ratio = latestAsOf(d.longShortRatio, now);
  return {
    takerDelta: taker && taker.value > 0 ? takerDelta(taker.value) : null,
    longShortRatio: ratio && ratio.value > 0 ? ratio.value : null,
    openInterestChange: openInterestChange(d.openInterest, now, OI_LOOKBACK_MS),
    priceChange,
  };
}
