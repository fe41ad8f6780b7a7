import type { EngineConfig } from "../config";
import { regimeBlendSignal } from "../strategy/regime-blend";
import type { Decision, TradeDecision } from "./decision";
import type { MarketSnapshot } from "./snapshot";

export const RULE_DECIDER = "rule:regime-blend";

/**
 * The rule pipeline's decider: the regime-blend strategy per ticker, turned into actions the account
 * can take (BUY only when flat, SELL only when holding).
 */
export function decideByRules(snapshot: MarketSnapshot, cfg: Pick<EngineConfig, "strategy" | "risk" | "gate">): Decision {
  const held = new Set(snapshot.account.positions.map((p) => p.symbol));
  const decisions: TradeDecision[] = [];
  const notes: string[] = [];
  for (const t of snapshot.tickers) {
    const s = regimeBlendSignal(t.candles, cfg.strategy);
    let action = s.action;
    let reasoning = s.reason;
    if (action === "BUY" && held.has(t.symbol)) {
      action = "HOLD";
      reasoning = `BUY signal but already holding ${t.symbol}: ${s.reason}`;
    } else if (action === "SELL" && !held.has(t.symbol)) {
      action = "HOLD";
      reasoning = `SELL signal but no position in ${t.symbol}: ${s.reason}`;
    }
    decisions.push({
      ticker: t.symbol,
      action,
      position_pct: action === "BUY" ? cfg.risk.positionPct : 0,
      confidence: action === "HOLD" ? 0 : s.confidence,
      reasoning,
      signal_weights: { [s.strategy]: 1 },
    });
    notes.push(`${t.symbol} ${String(s.indicators.regime ?? "n/a")} → ${action}`);
  }
  return {
    decisions,
    market_assessment: notes.join("; ") || "no ticker with data",
    next_check_seconds: cfg.gate.defaultNextCheckSeconds,
    wake_conditions: [],
    memory_update: null,
  };
}
