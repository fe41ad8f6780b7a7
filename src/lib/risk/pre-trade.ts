import type { RiskConfig } from "../config";
import { availableCash, equity, exposure, type AccountBook } from "../account/ledger";

export interface EntryRequest {
  symbol: string;
  /** Fraction of equity the decider asked for; clamped to the configured maximum. */
  positionPct: number;
  /** Fee rate the fill will pay, so the reservation covers it. */
  feeRate: number;
  /** Futures: the leverage the margin is posted at (the cash an entry needs is notional / leverage plus the fee); absent: 1. */
  leverage?: number;
  /** A leg of this position group: the group's other legs in the symbol are not "already holding" it. */
  group?: string;
}

export type EntryCheck = { ok: true; notional: number; positionPct: number; clamps: string[] } | { ok: false; reason: string };

/** Sizes an entry as a fraction of equity and applies every pre-trade limit, cheapest refusal first. */
export function checkEntry(book: AccountBook, req: EntryRequest, cfg: RiskConfig): EntryCheck {
  if (book.tradingState !== "ACTIVE") return { ok: false, reason: `trading is ${book.tradingState}: ${book.haltReason ?? "no reason recorded"}` };
  const positions = Object.values(book.positions);
  if (positions.some((p) => p.symbol === req.symbol && (req.group === undefined || p.group !== req.group))) return { ok: false, reason: `already holding ${req.symbol}` };
  if (positions.length >= cfg.maxPositions) return { ok: false, reason: `max positions reached (${positions.length}/${cfg.maxPositions})` };
  if (!(req.positionPct > 0)) return { ok: false, reason: `position_pct must be > 0, got ${req.positionPct}` };
  const clamps: string[] = [];
  let pct = req.positionPct;
  if (pct > cfg.maxPositionPct) {
    clamps.push(`position_pct ${pct} clamped to max ${cfg.maxPositionPct}`);
    pct = cfg.maxPositionPct;
  }
  const eq = equity(book);
  let notional = eq * pct;
  const room = eq * cfg.maxExposurePct - exposure(book);
  if (notional > room) {
    clamps.push(`notional ${notional.toFixed(2)} clamped to exposure room ${Math.max(0, room).toFixed(2)} (max exposure ${cfg.maxExposurePct})`);
    notional = room;
  }
  const cash = availableCash(book) / (1 / (req.leverage ?? 1) + req.feeRate);
  if (notional > cash) {
    clamps.push(`notional ${notional.toFixed(2)} clamped to available cash ${Math.max(0, cash).toFixed(2)}`);
    notional = cash;
  }
  if (notional < cfg.minNotional) {
    return { ok: false, reason: `notional ${Math.max(0, notional).toFixed(2)} below minimum ${cfg.minNotional}${clamps.length ? ` after ${clamps.join("; ")}` : ""}` };
  }
  return { ok: true, notional, positionPct: notional / eq, clamps };
}
