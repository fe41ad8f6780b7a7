/** A closed trade as the notifier keeps it for the day's summary. */
export interface DayTrade {
  positionId: string;
  symbol: string;
  pnl: number;
  pnlPct: number;
  exitKind: string;
  /** Engine time of the close. */
  closedAt: number;
}

/** What the account says at summary time (a subset of AccountActor.summary()). */
export interface AccountFacts {
  cash: number;
  equity: number;
  dayStartEquity: number;
  realizedPnl: number;
  tradingState: string;
  positions: readonly unknown[];
}

/** The account's numbers are null when it could not be asked (not started, not answering): the trades still go out. */
export interface DailySummary {
  /** The UTC day summarised (YYYY-MM-DD). */
  day: string;
  equity: number | null;
  cash: number | null;
  dayStartEquity: number | null;
  /** Equity now minus equity at the start of the account's day. */
  dayPnl: number | null;
  dayPnlPct: number | null;
  realizedPnl: number | null;
  tradingState: string;
  openPositions: number | null;
  trades: DayTrade[];
  wins: number;
  losses: number;
  /** Sum of the day's closed trades' P&L. */
  tradesPnl: number;
}

/** The day's numbers from the account and the trades closed since the last summary (oldest first). */
export function dailySummary(day: string, account: AccountFacts | null, trades: readonly DayTrade[]): DailySummary {
  const sorted = [...trades].sort((a, b) => a.closedAt - b.closedAt || a.positionId.localeCompare(b.positionId));
  const dayPnl = account ? account.equity - account.dayStartEquity : null;
  return {
    day,
    equity: account?.equity ?? null,
    cash: account?.cash ?? null,
    dayStartEquity: account?.dayStartEquity ?? null,
    dayPnl,
    dayPnlPct: account && dayPnl !== null && account.dayStartEquity > 0 ? dayPnl / account.dayStartEquity : null,
    realizedPnl: account?.realizedPnl ?? null,
    tradingState: account?.tradingState ?? "unknown (account not available)",
    openPositions: account ? account.positions.length : null,
    trades: sorted,
    wins: sorted.filter((t) => t.pnl > 0).length,
    losses: sorted.filter((t) => t.pnl <= 0).length,
    tradesPnl: sorted.reduce((s, t) => s + t.pnl, 0),
  };
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The next wall time at `hourUtc`:00 strictly after `now`. */
export function nextSummaryAt(now: number, hourUtc: number): number {
  const today = Math.floor(now / DAY) * DAY + hourUtc * HOUR;
  return today > now ? today : today + DAY;
}
