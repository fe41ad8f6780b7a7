import { ruleNextCheckSeconds } from "./rule-next-check";
import type { EngineConfig } from "../config";
import type { Signal } from "../strategy/strategy";
import type { Decision, TradeDecision } from "./decision";
import type { MarketSnapshot } from "./snapshot-schema";
import { heldSides } from "./held-sides";
import { getStrategy } from "../strategy/registry";

export const strategyDeciderName = (strategy: string) => `rule:strategy:${strategy}`;

function tradeDecision(ticker: string, action: TradeDecision["action"], position_pct: number, confidence: number, reasoning: string, signal_weights: Record<string, number>): TradeDecision {
  return { ticker, position_pct, confidence, signal_weights, action, reasoning };
}

/**
 * One strategy decides alone: LONG buys when flat and covers a short; SHORT shorts when flat (where the snapshot's
 * limits allow shorts; a carry strategy's SHORT opens the funding carry instead, held while it says SHORT) and sells a
 * long; CLOSE closes whatever is held; PASS holds. Used when the rule pipeline is
 * configured to run a single strategy (and by the backtest command's --strategy).
 */
export function decideByStrategy(snapshot: MarketSnapshot, signals: Record<string, Signal | undefined>, cfg: Pick<EngineConfig, "risk" | "gate">): Decision {
  const held = heldSides(snapshot);
  const shorts = snapshot.limits.shorts === true;
  const decisions: TradeDecision[] = snapshot.tickers.map((t) => {
    const s = signals[t.symbol];
    if (!s) return tradeDecision(t.symbol, "HOLD", 0, 0, "no signal", {});
    const weights = { market: s.action === "LONG" ? s.confidence : s.action === "PASS" ? 0 : -s.confidence };
    const side = held.get(t.symbol) ?? null;
    const carry = getStrategy(s.strategy).carry === true;
    if (side === "carry") {
      // The carry is held while its strategy says SHORT (longs pay); anything else closes both legs.
      if (s.action !== "SHORT") return tradeDecision(t.symbol, "SELL", 0, s.confidence, `close the carry: ${s.action}: ${s.reason}`, weights);
      return tradeDecision(t.symbol, "HOLD", 0, 0, `carry held: ${s.reason}`, weights);
    }
    if (s.action === "LONG" && side === null) return tradeDecision(t.symbol, "BUY", cfg.risk.positionPct, s.confidence, s.reason, weights);
    if (s.action === "SHORT" && side === null && shorts) return tradeDecision(t.symbol, carry ? "CARRY" : "SHORT", cfg.risk.positionPct, s.confidence, s.reason, weights);
    if (side === "long" && (s.action === "CLOSE" || s.action === "SHORT")) return tradeDecision(t.symbol, "SELL", 0, s.confidence, s.reason, weights);
    if (side === "short" && (s.action === "CLOSE" || s.action === "LONG")) return tradeDecision(t.symbol, "SELL", 0, s.confidence, s.reason, weights);
    return tradeDecision(t.symbol, "HOLD", 0, 0, `${s.action}: ${s.reason}`, weights);
  });
  return { decisions, market_assessment: decisions.map((d) => `${d.ticker} ${d.action}`).join("; "), next_check_seconds: ruleNextCheckSeconds(cfg.gate), wake_conditions: [], memory_update: null };
}
