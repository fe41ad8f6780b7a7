import type { EngineConfig } from "../config";
import { controlRefusal } from "../risk/controls";
import { checkEntry } from "../risk/pre-trade";
import { protectionRefusal } from "../risk/protections";
import { updateTradingState } from "../risk/trading-state";
import { baseAssetOf } from "../util/symbols";
import type { AccountBook } from "./ledger";
import { reserveEntry } from "./transitions";

export interface EntryDecision {
  decisionId: string;
  symbol: string;
  positionPct: number;
}

export type EntryAcceptance = { accepted: true; book: AccountBook; positionId: string; notional: number; detail: string } | { accepted: false; book: AccountBook; detail: string };

/**
 * The account's answer to a BUY: roll the trading state, refuse it while an operator flag, REDUCING or
 * a protection's cooldown holds entries, size and check the entry, and reserve its
 * cash under a position id derived from the decision (so a repeated request names the same position).
 */
export function acceptEntry(book: AccountBook, req: EntryDecision, cfg: Pick<EngineConfig, "risk" | "paper" | "quoteAsset">, now: number): EntryAcceptance {
  const rolled = updateTradingState(book, cfg.risk, now);
  // Operator flags and REDUCING first, then a halt (checkEntry says it), then the protections' cooldowns:
  // each refusal says who or what and why, the strongest first.
  const refused = controlRefusal(rolled) ?? (rolled.tradingState === "HALTED" ? null : protectionRefusal(rolled, req.symbol, now));
  if (refused !== null) return { accepted: false, book: rolled, detail: `risk denied: ${refused}` };
  const check = checkEntry(rolled, { symbol: req.symbol, positionPct: req.positionPct, feeRate: cfg.paper.takerFee }, cfg.risk);
  if (!check.ok) return { accepted: false, book: rolled, detail: `risk denied: ${check.reason}` };
  const positionId = `${req.decisionId}-${baseAssetOf(req.symbol)}`;
  return {
    accepted: true,
    book: reserveEntry(rolled, { id: positionId, symbol: req.symbol, notional: check.notional }, now),
    positionId,
    notional: check.notional,
    detail: `entry of ${check.notional.toFixed(2)} ${cfg.quoteAsset} (${(check.positionPct * 100).toFixed(1)}% of equity)${check.clamps.length ? `; ${check.clamps.join("; ")}` : ""}`,
  };
}
