import { ruleNextCheckSeconds } from "./rule-next-check";
import type { EngineConfig } from "../config";
import type { Signal } from "../strategy/strategy";
import type { Decision, TradeDecision } from "./decision";
import type { MarketSnapshot } from "./snapshot-schema";

export const strategyDeciderName = (strategy: string) => `rule:strategy:${strategy}`;

/**
 * One strategy decides alone: LONG buys when flat, CLOSE or SHORT sells when holding (spot is long
 * only), PASS holds. Used when the rule pipeline is configured to run a single strategy (and by the
 * backtest command's --strategy).
 */
export function decideByStrategy(snapshot: MarketSnapshot, signals: Record<string, Signal | undefined>, cfg: Pick<EngineConfig, "risk" | "gate">): Decision {
  const held = new Set(snapshot.account.positions.map((p) => p.symbol));
  const decisions: TradeDecision[] = snapshot.tickers.map((t) => {
    const s = signals[t.symbol];
    const base = { ticker: t.symbol, position_pct: 0, confidence: 0, signal_weights: {} as Record<string, number> };
    if (!s) return { ...base, action: "HOLD", reasoning: "no signal" };
    const weights = { market: s.action === "LONG" ? s.confidence : s.action === "PASS" ? 0 : -s.confidence };
    if (s.action === "LONG" && !held.has(t.symbol)) return { ...base, action: "BUY", position_pct: cfg.risk.positionPct, confidence: s.confidence, reasoning: s.reason, signal_weights: weights };
    if ((s.action === "CLOSE" || s.action === "SHORT") && held.has(t.symbol)) return { ...base, action: "SELL", confidence: s.confidence, reasoning: s.reason, signal_weights: weights };
    return { ...base, action: "HOLD", reasoning: `${s.action}: ${s.reason}`, signal_weights: weights };
  });
  return { decisions, market_assessment: decisions.map((d) => `${d.ticker} ${d.action}`).join("; "), next_check_seconds: ruleNextCheckSeconds(cfg.gate), wake_conditions: [], memory_update: null };
}
