import { round8 } from "./intervals";

/** USD-M taker fee on the notional of every fill (Binance's base-tier 0.05 %); the simulator has no maker fills. */
export const FUTURES_TAKER_FEE = 0.0005;
/** Maintenance margin rate of every position (Binance's first bracket for BTC/ETH: 0.4 %), no maintenance amount. */
export const MAINT_MARGIN_RATE = 0.004;
export const DEFAULT_LEVERAGE = 20;
export const MAX_LEVERAGE = 125;

/** One-way (`BOTH`) position of a symbol: `amt` signed (negative = short), `entry` the volume-weighted average. */
export interface Position {
  symbol: string;
  amt: number;
  entry: number;
  /** Margin set aside for an isolated position (part of the wallet balance); 0 for a cross position. */
  isolatedWallet: number;
  updateTime: number;
}

export interface SymbolSettings {
  leverage: number;
  isolated: boolean;
}

/** What one fill does to a position: the closed quantity's PnL and the margin moved into (or out of) the isolated wallet. */
export interface FillEffect {
  realizedPnl: number;
  opened: number;
  closed: number;
}

/** Applies a fill of signed quantity `q` at `price`; isolated margin follows the quantity (1/leverage of the opened notional, pro rata on close). */
export function applyFill(p: Position, q: number, price: number, s: SymbolSettings, T: number): FillEffect {
  const closed = p.amt !== 0 && Math.sign(q) !== Math.sign(p.amt) ? Math.min(Math.abs(q), Math.abs(p.amt)) : 0;
  let realizedPnl = 0;
  if (closed > 0) {
    realizedPnl = round8(closed * (price - p.entry) * Math.sign(p.amt));
    if (p.isolatedWallet > 0) p.isolatedWallet = round8(p.isolatedWallet - (p.isolatedWallet * closed) / Math.abs(p.amt));
    p.amt = round8(p.amt - Math.sign(p.amt) * closed);
  }
  const opened = round8(Math.abs(q) - closed);
  if (opened > 0) {
    const size = Math.abs(p.amt);
    p.entry = (size * p.entry + opened * price) / (size + opened);
    p.amt = round8(p.amt + Math.sign(q) * opened);
    if (s.isolated) p.isolatedWallet = round8(p.isolatedWallet + (opened * price) / s.leverage);
  }
  if (p.amt === 0) {
    p.entry = 0;
    p.isolatedWallet = 0;
  }
  p.updateTime = T;
  return { realizedPnl, opened, closed };
}

export function unrealizedPnl(p: Position, mark: number): number {
  return p.amt === 0 ? 0 : round8(p.amt * (mark - p.entry));
}

/**
 * Binance's one-way liquidation price without the maintenance amount (cum) and without other positions:
 * LP = (WB − side·|Q|·EP) / (|Q|·MMR − side·|Q|), WB = the isolated wallet (isolated) or the cross wallet (cross).
 * Long: (Q·EP − WB) / (Q·(1 − MMR)); short: (Q·EP + WB) / (Q·(1 + MMR)). 0 when there is no position (or no such price).
 */
export function liquidationPrice(p: Position, walletBalance: number): number {
  if (p.amt === 0) return 0;
  const q = Math.abs(p.amt);
  const lp = p.amt > 0 ? (q * p.entry - walletBalance) / (q * (1 - MAINT_MARGIN_RATE)) : (q * p.entry + walletBalance) / (q * (1 + MAINT_MARGIN_RATE));
  return lp > 0 ? round8(lp) : 0;
}

/** True once `price` has reached the liquidation price `lp` from the position's safe side. */
export function liquidationReached(p: Position, lp: number, price: number): boolean {
  if (p.amt === 0 || lp <= 0) return false;
  return p.amt > 0 ? price <= lp : price >= lp;
}
