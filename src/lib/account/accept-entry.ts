import type { EngineConfig } from "../config";
import type { EntryStops } from "../exits/safety";
import { stopDistance } from "../exits/safety";
import { shortsAllowed, symbolTerms } from "../futures/config";
import { liquidationDistance } from "../futures/margin";
import type { PositionSide } from "../futures/side";
import { controlRefusal } from "../risk/controls";
import { checkEntry } from "../risk/pre-trade";
import { protectionRefusal } from "../risk/protections";
import { sizeEntry, type TradeEdge } from "../risk/sizing";
import { updateTradingState } from "../risk/trading-state";
import { baseAssetOf } from "../util/symbols";
import type { AccountBook } from "./ledger";
import { reserveEntry, type EntryTerms } from "./transitions";

export interface EntryDecision {
  decisionId: string;
  symbol: string;
  positionPct: number;
  /** Absent: long. */
  side?: PositionSide;
  /** The market at entry that moves the stop (its ATR): the volatility target sizes against that stop. */
  entry?: EntryStops | null;
  /** The learner's record in the entry's regime: what Kelly sizes from. */
  edge?: TradeEdge | null;
  /** A leg of a position group: `venue` spot holds the asset even on a futures market (the carry's long leg). */
  group?: { id: string; leg: string; venue: "spot" | "futures" };
}

export type EntryAcceptance = { accepted: true; book: AccountBook; positionId: string; notional: number; detail: string; terms: EntryTerms } | { accepted: false; book: AccountBook; detail: string };

export type EntryConfig = Pick<EngineConfig, "risk" | "paper" | "quoteAsset" | "exits" | "market">;

/**
 * The account's answer to an entry: roll the trading state, refuse it while an operator flag, REDUCING or
 * a protection's cooldown holds entries, refuse a short the market does not allow, size it (`risk.sizing`), refuse a
 * futures entry whose liquidation would come before its stop, check the limits, and reserve its cash (a futures
 * entry: its margin) under a position id derived from the decision (so a repeated request names the same position).
 */
export function acceptEntry(book: AccountBook, req: EntryDecision, cfg: EntryConfig, now: number): EntryAcceptance {
  const rolled = updateTradingState(book, cfg.risk, now);
  const refuse = (why: string): EntryAcceptance => ({ accepted: false, book: rolled, detail: `risk denied: ${why}` });
  // Operator flags and REDUCING first, then a halt (checkEntry says it), then the protections' cooldowns:
  // each refusal says who or what and why, the strongest first.
  const refused = controlRefusal(rolled) ?? (rolled.tradingState === "HALTED" ? null : protectionRefusal(rolled, req.symbol, now));
  if (refused !== null) return refuse(refused);
  const side = req.side ?? "long";
  if (side === "short" && !shortsAllowed(cfg.market)) return refuse(`shorts need market.type futures with market.shorts (the market is ${cfg.market.type})`);
  const futures = cfg.market.type === "futures" && req.group?.venue !== "spot";
  const stopPct = stopDistance(cfg.exits, req.entry);
  const terms = symbolTerms(cfg.market, req.symbol);
  if (futures) {
    const liq = liquidationDistance({ side, qty: 1, entryPrice: 1, leverage: terms.leverage }, terms.maintenanceMarginRate);
    if (liq < cfg.market.liquidationBuffer * stopPct) {
      return refuse(`liquidation ${(liq * 100).toFixed(2)}% from entry at ${terms.leverage}x is nearer than ${cfg.market.liquidationBuffer} × the ${(stopPct * 100).toFixed(2)}% stop`);
    }
  }
  const sized = sizeEntry(cfg.risk.sizing, { askPct: req.positionPct, maxPct: cfg.risk.maxPositionPct, stopPct, edge: req.edge ?? null });
  if (!sized.ok) return refuse(sized.reason);
  const leverage = futures ? terms.leverage : 1;
  const check = checkEntry(rolled, { symbol: req.symbol, positionPct: sized.pct, feeRate: cfg.paper.takerFee, leverage, ...(req.group ? { group: req.group.id } : {}) }, cfg.risk);
  if (!check.ok) return refuse(check.reason);
  const positionId = `${req.decisionId}-${baseAssetOf(req.symbol)}${req.group ? `-${req.group.leg}` : ""}`;
  const entryTerms: EntryTerms = futures ? { side, venue: "futures", leverage } : {};
  if (req.group) entryTerms.group = req.group.id;
  const sizing = cfg.risk.sizing.mode === "fixed" ? "" : `; ${sized.detail}`;
  const what = futures ? `${side} entry of ${check.notional.toFixed(2)} ${cfg.quoteAsset} at ${leverage}x` : `entry of ${check.notional.toFixed(2)} ${cfg.quoteAsset}`;
  return {
    accepted: true,
    book: reserveEntry(rolled, { id: positionId, symbol: req.symbol, notional: check.notional, ...entryTerms }, now),
    positionId,
    notional: check.notional,
    terms: entryTerms,
    detail: `${what} (${(check.positionPct * 100).toFixed(1)}% of equity)${sizing}${check.clamps.length ? `; ${check.clamps.join("; ")}` : ""}`,
  };
}
