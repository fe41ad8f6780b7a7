import type { RiskConfig } from "../config";
import { changedBook, equity, utcDay, type AccountBook } from "../account/ledger";

/**
 * Rolls the day, tracks the equity peak and halts trading when the daily loss or the drawdown from
 * the peak passes its limit. A drawdown halt stays until resumed by hand; a daily-loss halt ends
 * with the UTC day.
 */
export function updateTradingState(book: AccountBook, cfg: RiskConfig, now: number): AccountBook {
  const eq = equity(book);
  let next = book;
  const today = utcDay(now);
  if (today > book.day) {
    next = changedBook(next, { day: today, dayStartEquity: eq });
    if (next.tradingState === "HALTED" && next.haltReason?.startsWith("daily loss")) {
      next = changedBook(next, { tradingState: "ACTIVE", haltReason: null });
    }
  }
  if (eq > next.peakEquity) next = changedBook(next, { peakEquity: eq });
  if (next.tradingState === "HALTED") return next;
  const dailyLoss = next.dayStartEquity > 0 ? 1 - eq / next.dayStartEquity : 0;
  if (dailyLoss >= cfg.dailyLossLimitPct) {
    return changedBook(next, { tradingState: "HALTED", haltReason: `daily loss ${(dailyLoss * 100).toFixed(2)}% >= limit ${(cfg.dailyLossLimitPct * 100).toFixed(2)}%` });
  }
  const drawdown = next.peakEquity > 0 ? 1 - eq / next.peakEquity : 0;
  if (drawdown >= cfg.maxDrawdownPct) {
    return changedBook(next, { tradingState: "HALTED", haltReason: `drawdown ${(drawdown * 100).toFixed(2)}% from peak >= limit ${(cfg.maxDrawdownPct * 100).toFixed(2)}%` });
  }
  return next;
}

/**
 * An operator's resume: clears the pause, the kill switch and REDUCING, and ends a halt. Ending a
 * halt takes the equity now as the new peak and day start, so the drawdown or daily loss that halted
 * the account does not halt it again at the next check. Protections' cooldowns end by themselves.
 */
export function resumeTrading(book: AccountBook): AccountBook {
  let next = book;
  if (book.controls && (book.controls.paused || book.controls.kill || book.controls.reducing)) {
    next = changedBook(next, { controls: { paused: null, kill: null, reducing: null } });
  }
  if (next.tradingState === "HALTED") {
    const eq = equity(next);
    next = changedBook(next, { tradingState: "ACTIVE", haltReason: null, peakEquity: eq, dayStartEquity: Math.min(next.dayStartEquity, eq) });
  }
  return next;
}
