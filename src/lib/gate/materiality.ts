import type { MaterialityConfig } from "../config";
import type { Candle } from "../market/candle";
import type { Timeframe } from "../market/timeframe";
import { lastBollinger } from "../market/indicators/bollinger";

const HOUR = 3_600_000;

/**
 * What makes a move material, i.e. worth a decision between two decision-timeframe closes:
 * - `return_shock`: the trailing hour's log return is beyond `shockSigma` standard deviations of the symbol's
 *   hourly returns over the last `sigmaDays` days, on at least the hour's usual volume (a thin-book spike with no
 *   volume behind it changes no decision). It fires once and re-arms when the hour's return falls back inside
 *   `rearmSigma`, or fires again for a new leg: another `shockSigma` σ past the price it last fired at.
 * - `band_break`: a closed base candle leaves the Bollinger band of the closed decision-timeframe candles; it re-arms
 *   once the price is back at the band's middle (a price walking along the edge is one break, not one per crossing).
 * - `stop`: a safety stop closed a position (reported by the position, not found here).
 * The gate then drops a return shock the last decision already saw: one whose price is within `shockSigma` σ of the
 * symbol's price at that decision (a sell-off in three legs is one move to decide, not three).
 * Wake conditions set by the decider and the decision-timeframe closes wake the gate on their own layers.
 */
export type MaterialKind = "return_shock" | "band_break" | "stop";

export interface MaterialMove {
  symbol: string;
  kind: MaterialKind;
  /** Engine time of the move (the close of the base candle that showed it). */
  at: number;
  detail: string;
  /** The price that showed it, and σ of the symbol's hourly returns then (null when not known). */
  price?: number;
  sigma?: number | null;
}

/**
 * The log returns between contiguous closed candles of one timeframe (1h, or 4h for the fallback) over the last
 * `sigmaDays`, with their running sums, so σ is kept per close instead of recomputed from the whole window. The
 * entries in use are `[head, end)` of the arrays, oldest first; a step appends after `end` and moves `head` past the
 * entries that left the window, and answers a new window object. The arrays are shared with the window before the
 * step: a second step from that older window copies them first (the state stays a value).
 */
export interface ReturnWindow {
  /** Open time and close of the newest candle taken in; null before any. */
  lastT: number | null;
  lastC: number;
  /** Start of the window: returns of candles opening before it have left. */
  from: number;
  /** Open times, log returns and volumes of the candles whose return is in the window. */
  t: number[];
  r: number[];
  v: number[];
  head: number;
  end: number;
  sum: number;
  sumSq: number;
  volume: number;
  /** Returns added since the sums were last summed afresh (which bounds the running sums' rounding). */
  added: number;
}

export interface MaterialityState {
  /**
   * Closes and volumes of the trailing contiguous base candles, oldest first: entries `[hourStart, hourEnd)`, at most
   * `window + 1` of them (the hour's return is from the first close to the last; its volume, the last `window`).
   * Entries before `hourStart` have left the hour. A step appends after `hourEnd` to the same arrays (the arrays are
   * shared with the state before it; a second step from that older state copies them first).
   */
  closes: number[];
  volumes: number[];
  hourStart: number;
  hourEnd: number;
  /** Open time of the last base candle observed. */
  lastT: number | null;
  /** Standard deviation and mean volume of the closed hourly candles of the last `sigmaDays`; null until enough. */
  sigma: number | null;
  hourlyVolume: number | null;
  /** Bands of the closed decision-timeframe candles; null until `bandPeriod` of them. */
  band: { upper: number; middle: number; lower: number } | null;
  shockArmed: boolean;
  /** The price the last return shock fired at: a slide going on another `shockSigma` σ past it is a new leg. */
  shockPrice?: number | null;
  bandSide: "inside" | "above" | "below" | null;
  /** The hourly and 4h returns σ is measured on (absent in a state stored before they were kept: rebuilt then). */
  hourly?: ReturnWindow | null;
  fourHour?: ReturnWindow | null;
}

/** Every materiality state is built here, in one field order (one object shape for the engine's hot paths). */
function materiality(
  closes: number[],
  volumes: number[],
  hourStart: number,
  hourEnd: number,
  lastT: number | null,
  sigma: number | null,
  hourlyVolume: number | null,
  band: MaterialityState["band"],
  shockArmed: boolean,
  shockPrice: number | null,
  bandSide: MaterialityState["bandSide"],
  hourly: ReturnWindow | null,
  fourHour: ReturnWindow | null,
): MaterialityState {
  return { closes, volumes, hourStart, hourEnd, lastT, sigma, hourlyVolume, band, shockArmed, shockPrice, bandSide, hourly, fourHour };
}

export function initialMateriality(): MaterialityState {
  return materiality([], [], 0, 0, null, null, null, null, true, null, null, null, null);
}

/** A materiality state read back from storage; anything else is refused (the caller starts afresh). */
export function checkedMateriality(v: unknown): MaterialityState {
  const s = v as MaterialityState;
  if (s === null || typeof s !== "object" || !Array.isArray(s.closes) || !Array.isArray(s.volumes)) throw new Error("stored materiality is not a materiality state");
  // A stored return window that does not hold together is dropped: the next hourly close rebuilds it from the candles.
  const window = (w: ReturnWindow | null | undefined): ReturnWindow | null =>
    w != null && Array.isArray(w.t) && Array.isArray(w.r) && Array.isArray(w.v) && w.t.length >= w.end && w.r.length >= w.end && w.v.length >= w.end && w.head >= 0 && w.head <= w.end ? w : null;
  let { closes, volumes, hourStart, hourEnd } = s;
  if (typeof hourStart !== "number" || typeof hourEnd !== "number") {
    // Stored before the hour was kept as a range: the last `window + 1` closes with the last `window` volumes. The
    // oldest close's volume is never summed: lined up with a 0.
    volumes = volumes.length < closes.length ? [...new Array<number>(closes.length - volumes.length).fill(0), ...volumes] : volumes.slice(volumes.length - closes.length);
    hourStart = 0;
    hourEnd = closes.length;
  } else if (!(hourStart >= 0 && hourStart <= hourEnd && hourEnd <= closes.length && hourEnd <= volumes.length)) {
    throw new Error("stored materiality: the trailing hour is out of its arrays");
  }
  return materiality(closes, volumes, hourStart, hourEnd, s.lastT, s.sigma, s.hourlyVolume, s.band, s.shockArmed, s.shockPrice ?? null, s.bandSide, window(s.hourly), window(s.fourHour));
}

/**
 * The state as an actor stores it (every minute): the trailing hour alone, without the return windows, which change
 * only at an hourly close and are rebuilt from the candles at the next one after a restore (σ equal to rounding).
 * Keeps the stored value at its size before the windows were kept (about 1 KB, not 25).
 */
export function storedMateriality(s: MaterialityState): MaterialityState {
  const closes = s.closes.slice(s.hourStart, s.hourEnd);
  const volumes = s.volumes.slice(s.hourStart, s.hourEnd);
  return materiality(closes, volumes, 0, closes.length, s.lastT, s.sigma, s.hourlyVolume, s.band, s.shockArmed, s.shockPrice ?? null, s.bandSide, null, null);
}

/**
 * Whether the check observes anything with this config on base candles of `baseMs`: disabled, or on candles coarser
 * than an hour, `materialStep` answers a state that has seen no candle unchanged, with no move (a replay may skip it).
 */
export function materialityObserves(cfg: MaterialityConfig, baseMs: number): boolean {
  return cfg.enabled && shockWindow(baseMs) > 0;
}

/** Base candles in the trailing hour, or 0 when the base timeframe is coarser than an hour (no intra-close moves). */
export function shockWindow(baseMs: number): number {
  return baseMs > HOUR ? 0 : Math.max(1, Math.round(HOUR / baseMs));
}

const windowOf = (
  lastT: number | null,
  lastC: number,
  from: number,
  t: number[],
  r: number[],
  v: number[],
  head: number,
  end: number,
  sum: number,
  sumSq: number,
  volume: number,
  added: number,
): ReturnWindow => ({
  lastT,
  lastC,
  from,
  t,
  r,
  v,
  head,
  end,
  sum,
  sumSq,
  volume,
  added,
});

/**
 * The window of log returns between contiguous candles (a gap's return is no period's return) of the candles opening
 * at or after `from`, built from the closed `candles` (the last `sigmaDays` periods and one more), summed newest first.
 */
function buildWindow(candles: readonly Candle[], periodMs: number, from: number): ReturnWindow {
  const t: number[] = [];
  const r: number[] = [];
  const v: number[] = [];
  let first = candles.length;
  while (first > 0 && candles[first - 1]!.t >= from) first--;
  for (let i = Math.max(1, first); i < candles.length; i++) {
    const c = candles[i]!;
    const prev = candles[i - 1]!;
    if (c.t - prev.t !== periodMs) continue;
    const x = Math.log(c.c / prev.c);
    if (!Number.isFinite(x)) continue;
    t.push(c.t);
    r.push(x);
    v.push(c.v);
  }
  const last = candles[candles.length - 1];
  return resummed(windowOf(last?.t ?? null, last?.c ?? 0, from, t, r, v, 0, t.length, 0, 0, 0, 0));
}

/** The window with its sums summed afresh over its entries, newest first. */
function resummed(w: ReturnWindow): ReturnWindow {
  let sum = 0;
  let sumSq = 0;
  let volume = 0;
  for (let i = w.end - 1; i >= w.head; i--) {
    const x = w.r[i]!;
    sum += x;
    sumSq += x * x;
    volume += w.v[i]!;
  }
  return windowOf(w.lastT, w.lastC, w.from, w.t, w.r, w.v, w.head, w.end, sum, sumSq, volume, 0);
}

/**
 * The window moved on to `from` (entries opening before it leave) after taking in candle `c`, whose previous candle
 * `prev` is the window's newest. The running sums are summed afresh once as many returns were added as the window
 * holds, and the arrays compacted once more than half of them has left: both amortized O(1) a close.
 */
function advanced(w: ReturnWindow, c: Candle | null, prev: Candle | null, periodMs: number, from: number): ReturnWindow {
  let { t, r, v, head, end, sum, sumSq, volume, added } = w;
  let lastT = w.lastT;
  let lastC = w.lastC;
  if (c !== null && prev !== null) {
    lastT = c.t;
    lastC = c.c;
    const x = c.t - prev.t === periodMs ? Math.log(c.c / prev.c) : Number.NaN;
    if (Number.isFinite(x)) {
      if (end !== t.length) {
        // Another step already appended to these arrays: this one continues from a copy of its own entries.
        t = t.slice(head, end);
        r = r.slice(head, end);
        v = v.slice(head, end);
        end -= head;
        head = 0;
      }
      t.push(c.t);
      r.push(x);
      v.push(c.v);
      end++;
      sum += x;
      sumSq += x * x;
      volume += c.v;
      added++;
    }
  }
  while (head < end && t[head]! < from) {
    const x = r[head]!;
    sum -= x;
    sumSq -= x * x;
    volume -= v[head]!;
    head++;
  }
  if (head === end) {
    sum = 0;
    sumSq = 0;
    volume = 0;
  }
  if (head > 32 && head * 2 > end && end === t.length) {
    t = t.slice(head, end);
    r = r.slice(head, end);
    v = v.slice(head, end);
    end -= head;
    head = 0;
  }
  const next = windowOf(lastT, lastC, from, t, r, v, head, end, sum, sumSq, volume, added);
  return added > end - head ? resummed(next) : next;
}

/**
 * The return window of `tf` (period `periodMs`) at `now`: the window moved on by the one candle that closed since it
 * was last moved, read as the last two closed candles; rebuilt from the last `sigmaDays` of candles when there is no
 * window yet, or the candles do not continue it (a gap in the ticker's history, a replay from an earlier time).
 */
function windowAt(w: ReturnWindow | null | undefined, tf: Timeframe, periodMs: number, cfg: MaterialityConfig, now: number, closed: (tf: Timeframe, n: number) => readonly Candle[]): ReturnWindow {
  const from = now - cfg.sigmaDays * 86_400_000;
  if (w != null && from >= w.from) {
    const last = closed(tf, 2);
    const c = last[last.length - 1];
    const prev = last[last.length - 2];
    if (c === undefined) {
      if (w.lastT === null) return advanced(w, null, null, periodMs, from);
    } else if (c.t === w.lastT && c.c === w.lastC) {
      return advanced(w, null, null, periodMs, from);
    } else if (prev !== undefined && prev.t === w.lastT && prev.c === w.lastC) {
      return advanced(w, c, prev, periodMs, from);
    }
  }
  return buildWindow(closed(tf, Math.round((cfg.sigmaDays * 86_400_000) / periodMs) + 1), periodMs, from);
}

/**
 * The state with σ and the mean hourly volume from its return windows: the hourly returns, or with fewer than
 * `minHourlyReturns` of them (a history with holes), the 4h returns scaled to an hour (σ by √(1/4), as for a random
 * walk; volume by 1/4).
 */
function withSigma(s: MaterialityState, hourly: ReturnWindow, fourHour: ReturnWindow | null, cfg: MaterialityConfig): MaterialityState {
  const hCount = hourly.end - hourly.head;
  const f = hCount >= cfg.minHourlyReturns ? null : fourHour;
  const w = f ?? hourly;
  const count = w.end - w.head;
  let sigma: number | null = null;
  let hourlyVolume: number | null = null;
  if (count >= (f ? Math.ceil(cfg.minHourlyReturns / 4) : cfg.minHourlyReturns)) {
    const mean = w.sum / count;
    sigma = Math.sqrt(Math.max(0, w.sumSq / count - mean * mean)) * (f ? 0.5 : 1) || null;
    hourlyVolume = (w.volume / count) * (f ? 0.25 : 1);
  }
  return materiality(s.closes, s.volumes, s.hourStart, s.hourEnd, s.lastT, sigma, hourlyVolume, s.band, s.shockArmed, s.shockPrice ?? null, s.bandSide, hourly, fourHour);
}

/**
 * σ of hourly log returns and the mean hourly volume over the `sigmaDays` before `now`, from the closed hourly
 * candles; with fewer than `minHourlyReturns` of them (a history with holes), from the 4h candles scaled to an hour
 * (σ by √(1/4), as for a random walk; volume by 1/4). Builds the return windows afresh from the candles given.
 */
export function refreshHourly(s: MaterialityState, hourly: readonly Candle[], cfg: MaterialityConfig, now: number, fourHour: readonly Candle[] = []): MaterialityState {
  const from = now - cfg.sigmaDays * 86_400_000;
  return withSigma(s, buildWindow(hourly, HOUR, from), buildWindow(fourHour, 4 * HOUR, from), cfg);
}

/** σ at `now` with the return windows moved on by the candles closed since (`closed(tf, n)`: the last `n` closed candles of `tf`). */
export function advanceHourly(s: MaterialityState, cfg: MaterialityConfig, now: number, closed: (tf: Timeframe, n: number) => readonly Candle[]): MaterialityState {
  const hourly = windowAt(s.hourly, "1h", HOUR, cfg, now, closed);
  // The 4h window is moved only while it is needed; left behind, it is rebuilt when it is needed again.
  const fourHour = hourly.end - hourly.head >= cfg.minHourlyReturns ? (s.fourHour ?? null) : windowAt(s.fourHour, "4h", 4 * HOUR, cfg, now, closed);
  return withSigma(s, hourly, fourHour, cfg);
}

/** The Bollinger band of the closed decision-timeframe candles. */
export function refreshBand(s: MaterialityState, decision: readonly Candle[], cfg: MaterialityConfig): MaterialityState {
  const closes = decision.slice(-cfg.bandPeriod).map((c) => c.c);
  const b = closes.length >= cfg.bandPeriod ? lastBollinger(closes, cfg.bandPeriod, cfg.bandStdDev) : null;
  const band = b ? { upper: b.upper, middle: b.middle, lower: b.lower } : null;
  return materiality(s.closes, s.volumes, s.hourStart, s.hourEnd, s.lastT, s.sigma, s.hourlyVolume, band, s.shockArmed, s.shockPrice ?? null, s.bandSide, s.hourly ?? null, s.fourHour ?? null);
}

const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)}%`;

/**
 * One closed base candle of `symbol` (open time `candle.t`, period `baseMs`): the moves it makes material. Pure:
 * answers the next state. A gap in the candles restarts the trailing hour.
 */
export function observeBaseCandle(s: MaterialityState, symbol: string, candle: Candle, baseMs: number, cfg: MaterialityConfig): { state: MaterialityState; moves: MaterialMove[] } {
  const window = shockWindow(baseMs);
  if (!cfg.enabled || window === 0) return { state: s, moves: [] };
  if (s.lastT !== null && candle.t <= s.lastT) return { state: s, moves: [] };
  const contiguous = s.lastT !== null && candle.t === s.lastT + baseMs;
  let closes: number[];
  let volumes: number[];
  let start: number;
  let end: number;
  if (!contiguous) {
    closes = [];
    volumes = [];
    start = 0;
    end = 0;
  } else {
    closes = s.closes;
    volumes = s.volumes;
    start = s.hourStart;
    end = s.hourEnd;
    if (end !== closes.length || end !== volumes.length || start > 2 * window + 2) {
      // Another step already appended to these arrays (this one continues from a copy of its own candles), or the
      // candles that left the hour are more than twice the hour: copied, amortized O(1) a candle.
      closes = closes.slice(start, end);
      volumes = volumes.slice(start, end);
      end -= start;
      start = 0;
    }
  }
  closes.push(candle.c);
  volumes.push(candle.v);
  end++;
  if (end - start > window + 1) start = end - (window + 1);
  const at = candle.t + baseMs;
  const moves: MaterialMove[] = [];
  let shockArmed = s.shockArmed;
  let shockPrice = s.shockPrice ?? null;
  if (end - start === window + 1 && s.sigma !== null) {
    const r = Math.log(candle.c / closes[start]!);
    const z = r / s.sigma;
    // The hour's volume: the last `window` candles', summed oldest first; only wanted when the return is a shock.
    const hourVolume = (): number => {
      let volume = 0;
      for (let i = end - window; i < end; i++) volume += volumes[i]!;
      return volume;
    };
    // Disarmed by a shock, the check still fires for a new leg: the hour still shocking and the price another
    // shockSigma σ beyond where the last shock fired (a steady slide never calms back inside rearmSigma).
    const newLeg = !shockArmed && s.shockPrice != null && Math.abs(Math.log(candle.c / s.shockPrice)) / s.sigma >= cfg.shockSigma;
    const volume = (shockArmed || newLeg) && Math.abs(z) >= cfg.shockSigma ? hourVolume() : Number.NaN;
    const volumeOk = !cfg.volumeConfirm || s.hourlyVolume === null || volume >= s.hourlyVolume;
    if ((shockArmed || newLeg) && Math.abs(z) >= cfg.shockSigma && volumeOk) {
      moves.push({
        symbol,
        kind: "return_shock",
        at,
        price: candle.c,
        sigma: s.sigma,
        detail: `${symbol} moved ${pct(Math.exp(r) - 1)} in the last hour: ${z.toFixed(1)} σ of its ${cfg.sigmaDays}-day hourly returns, on ${s.hourlyVolume ? (volume / s.hourlyVolume).toFixed(1) : "?"}× its usual hourly volume`,
      });
      shockArmed = false;
      shockPrice = candle.c;
    } else if (!shockArmed && Math.abs(z) < cfg.rearmSigma) {
      shockArmed = true;
    }
  }
  let bandSide = s.bandSide;
  if (s.band !== null) {
    const b = s.band;
    const side = candle.c > b.upper ? "above" : candle.c < b.lower ? "below" : "inside";
    if (side !== "inside" && bandSide === "inside") {
      const edge = side === "above" ? b.upper : b.lower;
      moves.push({
        symbol,
        kind: "band_break",
        at,
        price: candle.c,
        sigma: s.sigma,
        detail: `${symbol} closed at ${candle.c} ${side} its decision-timeframe Bollinger band (${side === "above" ? "upper" : "lower"} ${Math.round(edge * 100) / 100})`,
      });
      bandSide = side;
    } else if (bandSide === null) {
      bandSide = side;
    } else if (bandSide !== "inside" && (bandSide === "above" ? candle.c <= b.middle : candle.c >= b.middle)) {
      bandSide = "inside";
    }
  }
  return { state: materiality(closes, volumes, start, end, candle.t, s.sigma, s.hourlyVolume, s.band, shockArmed, shockPrice, bandSide, s.hourly ?? null, s.fourHour ?? null), moves };
}

/**
 * One closed base candle through the check, as a ticker (live) and the backtester run it: σ refreshed when an hourly
 * candle closed with it, the band when a decision-timeframe candle did (and both on the first candle seen), then the
 * candle observed. `closed(tf, n)`: the last `n` closed candles of `tf` at the candle's close.
 */
export function materialStep(
  s: MaterialityState,
  symbol: string,
  candle: Candle,
  baseMs: number,
  cfg: MaterialityConfig,
  decisionTf: Timeframe,
  closedNow: { hour: boolean; decision: boolean },
  closed: (tf: Timeframe, n: number) => readonly Candle[],
): { state: MaterialityState; moves: MaterialMove[] } {
  // Disabled, or on base candles coarser than an hour (no move between closes), nothing is observed or kept. The state
  // forgets its last candle: enabled again, it starts as on a first candle (σ and the band refreshed, the hour restarted).
  if (!materialityObserves(cfg, baseMs)) {
    const state =
      s.lastT === null
        ? s
        : materiality(s.closes, s.volumes, s.hourStart, s.hourEnd, null, s.sigma, s.hourlyVolume, s.band, s.shockArmed, s.shockPrice ?? null, s.bandSide, s.hourly ?? null, s.fourHour ?? null);
    return { state, moves: [] };
  }
  const first = s.lastT === null;
  const at = candle.t + baseMs;
  let next = s;
  if (first || closedNow.hour) next = advanceHourly(next, cfg, at, closed);
  if (first || closedNow.decision) next = refreshBand(next, closed(decisionTf, cfg.bandPeriod), cfg);
  return observeBaseCandle(next, symbol, candle, baseMs, cfg);
}

const PRICE_STOPS: ReadonlySet<string> = new Set(["hard_stop", "trailing_stop", "liquidation"]);

/**
 * The material move a closed position makes, or null: a price stop (hard or trailing) or a liquidation means the market moved against
 * the book without a decision; a time stop, a decision's or an operator's exit does not.
 */
export function stopMove(symbol: string, exitKind: string | null, at: number, reason: string): MaterialMove | null {
  if (exitKind === null || !PRICE_STOPS.has(exitKind)) return null;
  return { symbol, kind: "stop", at, detail: `${symbol} position closed by a safety stop: ${reason}` };
}
