import { checkedCurve } from "./equity-curve";
import type { EquityPoint } from "./types";

export const DAY_MS = 86_400_000;

export interface DailyClose {
  /** UTC midnight starting the day, epoch ms. */
  day: number;
  equity: number;
}

/**
 * One close per UTC day from the curve's first day to its last: the day's last point, or the previous
 * close carried forward when the day has no point.
 */
export function dailyCloses(points: readonly EquityPoint[]): DailyClose[] {
  const curve = checkedCurve(points);
  const out: DailyClose[] = [];
  for (const p of curve) {
    const day = Math.floor(p.t / DAY_MS) * DAY_MS;
    const last = out[out.length - 1];
    if (last && last.day === day) {
      last.equity = p.equity;
      continue;
    }
    if (last) for (let d = last.day + DAY_MS; d < day; d += DAY_MS) out.push({ day: d, equity: last.equity });
    out.push({ day, equity: p.equity });
  }
  return out;
}

/** Simple returns between consecutive daily closes: n days give n − 1 returns. */
export function dailyReturns(points: readonly EquityPoint[]): number[] {
  const closes = dailyCloses(points);
  const out: number[] = [];
  for (let i = 1; i < closes.length; i++) out.push(closes[i]!.equity / closes[i - 1]!.equity - 1);
  return out;
}
