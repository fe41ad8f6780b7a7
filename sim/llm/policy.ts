import type { ReviewView, SnapshotView, TickerView } from "./views";

/** The `submit_decision` input the policy produces (the engine's DecisionSchema shape). */
export interface DecisionInput {
  decisions: TradeDecisionInput[];
  market_assessment: string;
  next_check_seconds: number;
  wake_conditions: { symbol: string; metric: string; operator: string; threshold: number; reason: string }[];
  memory_update: string;
}
export interface TradeDecisionInput {
  ticker: string;
  action: string;
  position_pct: number;
  confidence: number;
  reasoning: string;
  signal_weights: Record<string, number>;
}
/** The `submit_position_evaluation` input. */
export interface EvaluationInput {
  action: string;
  confidence: number;
  reasoning: string;
}

export const BUY_BELOW_RSI = 40;
export const SELL_ABOVE_RSI = 60;
export const BUY_POSITION_PCT = 0.2;
export const NEXT_CHECK_SECONDS = 1800;
export const EXIT_BELOW_PNL = -0.03;
export const EXIT_ABOVE_RSI = 70;
const TIMEFRAME = "4h";
const MEMORY_MAX = 200;

const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number | null, digits = 1) => (x === null ? "n/a" : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? "n/a" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`);

/** BUY size for the policy: 20 % of equity, never above the snapshot's own limit. */
export const buyPct = (s: SnapshotView) => Math.min(BUY_POSITION_PCT, s.limits.maxPositionPct);

/**
 * The RSI rule on one ticker: flat, buy below 40 (or, where the snapshot allows shorts, short above 60); held long, sell
 * above 60; held short, cover (SELL) below 40; otherwise hold.
 */
export function decideTicker(t: TickerView, held: "long" | "short" | null, buySize: number, shorts = false): TradeDecisionInput {
  const tf = t.timeframes[TIMEFRAME];
  const rsi = tf?.rsi14 ?? null;
  const momentum = pct(tf?.momentum14 ?? null);
  const base = { ticker: t.symbol, signal_weights: { rsi: 1 } };
  if (held === null && rsi !== null && rsi < BUY_BELOW_RSI) {
    const reasoning = `4h RSI ${fmt(rsi)} is below ${BUY_BELOW_RSI} with no open position (momentum ${momentum}), so the oversold rule buys.`;
    return { ...base, action: "BUY", position_pct: buySize, confidence: 0.7, reasoning };
  }
  if (held === null && shorts && rsi !== null && rsi > SELL_ABOVE_RSI) {
    const reasoning = `4h RSI ${fmt(rsi)} is above ${SELL_ABOVE_RSI} with no open position and shorts allowed (momentum ${momentum}), so the overbought rule shorts.`;
    return { ...base, action: "SHORT", position_pct: buySize, confidence: 0.7, reasoning, signal_weights: { rsi: -1 } };
  }
  if (held === "long" && rsi !== null && rsi > SELL_ABOVE_RSI) {
    const reasoning = `4h RSI ${fmt(rsi)} is above ${SELL_ABOVE_RSI} on a held position (momentum ${momentum}), so the overbought rule sells.`;
    return { ...base, action: "SELL", position_pct: 0, confidence: 0.7, reasoning };
  }
  if (held === "short" && rsi !== null && rsi < BUY_BELOW_RSI) {
    const reasoning = `4h RSI ${fmt(rsi)} is below ${BUY_BELOW_RSI} on a held short (momentum ${momentum}), so the oversold rule covers it.`;
    return { ...base, action: "SELL", position_pct: 0, confidence: 0.7, reasoning };
  }
  const reasoning = `4h RSI ${fmt(rsi)} triggers neither rule (buy below ${BUY_BELOW_RSI} when flat, sell above ${SELL_ABOVE_RSI} when held), so hold.`;
  return { ...base, action: "HOLD", position_pct: 0, confidence: 0.5, reasoning };
}

/** The scripted `submit_decision` answer for a snapshot. */
export function decide(s: SnapshotView): DecisionInput {
  const held = new Map(s.account.positions.map((p) => [p.symbol, p.side ?? "long"] as const));
  const decisions = s.tickers.map((t) => decideTicker(t, held.get(t.symbol) ?? null, buyPct(s), s.limits.shorts === true));
  const count = (a: string) => decisions.filter((d) => d.action === a).length;
  const acted = decisions.filter((d) => d.action !== "HOLD").map((d) => `${d.action} ${d.ticker}`);
  const memory = `RSI policy: ${acted.length ? acted.join(", ") : "no trades"}; ${count("HOLD")} hold of ${decisions.length}.`;
  return {
    decisions,
    market_assessment: `Scripted 4h RSI policy over ${decisions.length} tickers: ${count("BUY")} buy, ${count("SHORT") ? `${count("SHORT")} short, ` : ""}${count("SELL")} sell, ${count("HOLD")} hold.`,
    next_check_seconds: NEXT_CHECK_SECONDS,
    wake_conditions: s.tickers.map((t) => ({
      symbol: t.symbol,
      metric: "price",
      operator: "lt",
      threshold: round2(t.price.value * 0.97),
      reason: "3% drop",
    })),
    memory_update: memory.slice(0, MEMORY_MAX),
  };
}

/** The scripted `submit_position_evaluation` answer: EXIT on a 3 % loss or an overbought 4h RSI, else HOLD. */
export function evaluate(r: ReviewView): EvaluationInput {
  const pnl = r.position.pnlPct;
  const rsi = r.ticker?.timeframes[TIMEFRAME]?.rsi14 ?? null;
  const sym = r.position.symbol;
  if (pnl < EXIT_BELOW_PNL) {
    return { action: "EXIT", confidence: 0.8, reasoning: `${sym} P&L ${pct(pnl)} is below the ${pct(EXIT_BELOW_PNL)} loss limit, so exit.` };
  }
  if (rsi !== null && rsi > EXIT_ABOVE_RSI) {
    return { action: "EXIT", confidence: 0.8, reasoning: `${sym} 4h RSI ${fmt(rsi)} is above ${EXIT_ABOVE_RSI}, so take profit and exit.` };
  }
  return {
    action: "HOLD",
    confidence: 0.6,
    reasoning: `${sym} P&L ${pct(pnl)} and 4h RSI ${fmt(rsi)} are inside the limits (exit below ${pct(EXIT_BELOW_PNL)} or above RSI ${EXIT_ABOVE_RSI}), so hold.`,
  };
}
