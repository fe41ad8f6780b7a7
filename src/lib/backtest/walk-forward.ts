const DAY = 86_400_000;

export interface WalkForwardWindow {
  inSample: { from: number; to: number };
  outOfSample: { from: number; to: number };
}

/**
 * Rolling in-sample / out-of-sample windows over [from, to): in-sample `inSampleDays`, then a purge gap
 * of `purgeDays` (so no in-sample trade or label reaches into the test), then `outOfSampleDays` tested;
 * the next window starts `outOfSampleDays` later, so the out-of-sample periods tile the range.
 */
export function walkForwardWindows(o: { from: number; to: number; inSampleDays: number; outOfSampleDays: number; purgeDays: number }): WalkForwardWindow[] {
  if (o.inSampleDays <= 0 || o.outOfSampleDays <= 0 || o.purgeDays < 0) throw new Error("walk-forward windows need positive in-sample and out-of-sample lengths and a non-negative purge");
  const out: WalkForwardWindow[] = [];
  for (let isFrom = o.from; ; isFrom += o.outOfSampleDays * DAY) {
    const isTo = isFrom + o.inSampleDays * DAY;
    const oosFrom = isTo + o.purgeDays * DAY;
    const oosTo = Math.min(o.to, oosFrom + o.outOfSampleDays * DAY);
    if (oosFrom >= o.to || oosTo - oosFrom < DAY) break;
    out.push({ inSample: { from: isFrom, to: isTo }, outOfSample: { from: oosFrom, to: oosTo } });
  }
  return out;
}
