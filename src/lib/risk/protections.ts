import type { RiskConfig } from "../config";
import { changedBook, type AccountBook, type Cooldown, type ProtectionState } from "../account/ledger";

/**
 * Protections beside the halts, both off by default:
 * - loss streak: after `risk.lossStreak.losses` losing closes in a row, entries are refused for
 *   `risk.lossStreak.cooldownMs` (the count starts again at zero when the cooldown begins, and a
 *   close that does not lose resets it);
 * - stop cooldown: after a close by the hard or trailing stop, entries in that symbol are refused
 *   for `risk.stopCooldownMs`.
 * Times are engine time: the cooldown runs from the close's time.
 */

export type ProtectionsConfig = Pick<RiskConfig, "lossStreak" | "stopCooldownMs">;

export interface ClosedTrade {
  symbol: string;
  pnl: number;
  /** How the position exited ("hard_stop", "trailing_stop", "time_stop", "review", "decision", "operator", …). */
  exitKind: string | null;
  at: number;
}

/** The closes by the market moving against a position: a stop, or the venue's liquidation (past every stop). */
const STOP_KINDS = new Set(["hard_stop", "trailing_stop", "liquidation"]);

const iso = (t: number) => new Date(t).toISOString();

/** The protections' state after a close. With both protections off the book is returned unchanged. */
export function recordClose(book: AccountBook, close: ClosedTrade, cfg: ProtectionsConfig): AccountBook {
  const streakOn = cfg.lossStreak.losses > 0 && cfg.lossStreak.cooldownMs > 0;
  const stopOn = cfg.stopCooldownMs > 0;
  if (!streakOn && !stopOn) return book;
  const before: ProtectionState = book.protections ?? { lossStreak: 0, streakCooldown: null, symbolCooldowns: {} };
  let { lossStreak, streakCooldown } = before;
  if (streakOn) {
    if (close.pnl < 0) {
      lossStreak += 1;
      if (lossStreak >= cfg.lossStreak.losses) {
        const until = Math.max(close.at + cfg.lossStreak.cooldownMs, streakCooldown?.until ?? 0);
        streakCooldown = { until, reason: `${lossStreak} losing closes in a row (last ${close.symbol} ${close.pnl.toFixed(2)})` };
        lossStreak = 0;
      }
    } else {
      lossStreak = 0;
    }
  }
  let symbolCooldowns = before.symbolCooldowns;
  if (stopOn && close.exitKind !== null && STOP_KINDS.has(close.exitKind)) {
    symbolCooldowns = {};
    // Ended cooldowns are dropped as new ones are written, so the map holds the symbols stopped lately.
    for (const [symbol, c] of Object.entries(before.symbolCooldowns)) if (c.until > close.at) symbolCooldowns[symbol] = c;
    const until = Math.max(close.at + cfg.stopCooldownMs, before.symbolCooldowns[close.symbol]?.until ?? 0);
    symbolCooldowns[close.symbol] = { until, reason: `${close.exitKind} at ${iso(close.at)}` };
  }
  return changedBook(book, { protections: { lossStreak, streakCooldown, symbolCooldowns } });
}

/** Why a protection refuses an entry in `symbol` at `now`; null when none does. */
export function protectionRefusal(book: AccountBook, symbol: string, now: number): string | null {
  const p = book.protections;
  if (!p) return null;
  if (p.streakCooldown && now < p.streakCooldown.until) return `loss-streak cooldown until ${iso(p.streakCooldown.until)}: ${p.streakCooldown.reason}`;
  const stop = p.symbolCooldowns[symbol];
  if (stop && now < stop.until) return `${symbol} in stop-loss cooldown until ${iso(stop.until)} after a ${stop.reason}`;
  return null;
}

/** The cooldowns in force at `now` and the current streak, for the operator's view. */
export function cooldownsInForce(book: AccountBook, now: number): { lossStreak: number; streak: Cooldown | null; symbols: ({ symbol: string } & Cooldown)[] } {
  const p = book.protections;
  if (!p) return { lossStreak: 0, streak: null, symbols: [] };
  return {
    lossStreak: p.lossStreak,
    streak: p.streakCooldown && now < p.streakCooldown.until ? p.streakCooldown : null,
    symbols: Object.entries(p.symbolCooldowns)
      .filter(([, c]) => now < c.until)
      .map(([symbol, c]) => ({ symbol, ...c })),
  };
}
