import { DAY_MS } from "./daily-returns";
import type { DrawdownPeriod, EquityPoint } from "./types";

export interface Drawdowns {
  /** Positive fraction of the peak; 0 when equity never falls below a previous peak. */
  max: number;
  /** null when equity never falls below a previous peak. */
  longest: DrawdownPeriod | null;
}

/**
 * Drawdowns of a time-ordered, non-empty curve at its own sampling resolution. A period runs from a
 * peak to the first point back at or above it (recovered) or to the last point (not recovered); an
 * equal equity counts as recovery, so a flat curve has no drawdown.
 */
export function drawdowns(curve: readonly EquityPoint[]): Drawdowns {
  const first = curve[0];
  if (!first) throw new RangeError("drawdowns of an empty curve");
  let max = 0;
  let longest: DrawdownPeriod | null = null;
  let peak = first;
  let underwater = false;
  const periodTo = (endAt: number, recovered: boolean): DrawdownPeriod => ({
    peakAt: peak.t,
    endAt,
    days: (endAt - peak.t) / DAY_MS,
    recovered,
  });
  for (const p of curve) {
    if (p.equity >= peak.equity) {
      if (underwater) {
        const period = periodTo(p.t, true);
        if (!longest || period.days > longest.days) longest = period;
      }
      underwater = false;
      peak = p;
    } else {
      underwater = true;
      max = Math.max(max, 1 - p.equity / peak.equity);
    }
  }
  if (underwater) {
    const period = periodTo(curve[curve.length - 1]!.t, false);
    if (!longest || period.days > longest.days) longest = period;
  }
  return { max, longest };
}
