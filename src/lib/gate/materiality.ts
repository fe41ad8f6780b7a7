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

export interface MaterialityState {
  /** Closes of the last `window + 1` contiguous base candles, oldest first. */
  closes: number[];
  /** Volumes of the last `window` contiguous base candles. */
  volumes: number[];
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
}

export function initialMateriality(): MaterialityState {
  return { closes: [], volumes: [], lastT: null, sigma: null, hourlyVolume: null, band: null, shockArmed: true, bandSide: null };
}

/** A materiality state read back from storage; anything else is refused (the caller starts afresh). */
export function checkedMateriality(v: unknown): MaterialityState {
  const s = v as MaterialityState;
  if (s === null || typeof s !== "object" || !Array.isArray(s.closes) || !Array.isArray(s.volumes)) throw new Error("stored materiality is not a materiality state");
  return s;
}

/** Base candles in the trailing hour, or 0 when the base timeframe is coarser than an hour (no intra-close moves). */
export function shockWindow(baseMs: number): number {
  return baseMs > HOUR ? 0 : Math.max(1, Math.round(HOUR / baseMs));
}

/** Log returns between contiguous candles (a gap's return is no hour's return) of the last `days` before `now`, and their volumes. */
function returnsOf(candles: readonly Candle[], periodMs: number, now: number, days: number): { sum: number; sumSq: number; volume: number; count: number } {
  const from = now - days * 86_400_000;
  let sum = 0;
  let sumSq = 0;
  let volume = 0;
  let count = 0;
  for (let i = candles.length - 1; i > 0; i--) {
    const c = candles[i]!;
    if (c.t < from) break;
    const prev = candles[i - 1]!;
    if (c.t - prev.t !== periodMs) continue;
    const r = Math.log(c.c / prev.c);
    if (!Number.isFinite(r)) continue;
    sum += r;
    sumSq += r * r;
    volume += c.v;
    count++;
  }
  return { sum, sumSq, volume, count };
}

/**
 * σ of hourly log returns and the mean hourly volume over the `sigmaDays` before `now`, from the closed hourly
 * candles; with fewer than `minHourlyReturns` of them (a history with holes), from the 4h candles scaled to an hour
 * (σ by √(1/4), as for a random walk; volume by 1/4).
 */
export function refreshHourly(s: MaterialityState, hourly: readonly Candle[], cfg: MaterialityConfig, now: number, fourHour: readonly Candle[] = []): MaterialityState {
  const h = returnsOf(hourly, HOUR, now, cfg.sigmaDays);
  const f = h.count >= cfg.minHourlyReturns ? null : returnsOf(fourHour, 4 * HOUR, now, cfg.sigmaDays);
  const r = f ?? h;
  if (r.count < (f ? Math.ceil(cfg.minHourlyReturns / 4) : cfg.minHourlyReturns)) return { ...s, sigma: null, hourlyVolume: null };
  const mean = r.sum / r.count;
  const sigma = Math.sqrt(Math.max(0, r.sumSq / r.count - mean * mean)) * (f ? 0.5 : 1);
  return { ...s, sigma: sigma || null, hourlyVolume: (r.volume / r.count) * (f ? 0.25 : 1) };
}

/** The Bollinger band of the closed decision-timeframe candles. */
export function refreshBand(s: MaterialityState, decision: readonly Candle[], cfg: MaterialityConfig): MaterialityState {
  const closes = decision.slice(-cfg.bandPeriod).map((c) => c.c);
  const b = closes.length >= cfg.bandPeriod ? lastBollinger(closes, cfg.bandPeriod, cfg.bandStdDev) : null;
  return { ...s, band: b ? { upper: b.upper, middle: b.middle, lower: b.lower } : null };
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
  const closes = contiguous ? s.closes.slice(-window) : [];
  const volumes = contiguous && window > 1 ? s.volumes.slice(-(window - 1)) : [];
  closes.push(candle.c);
  volumes.push(candle.v);
  const at = candle.t + baseMs;
  const moves: MaterialMove[] = [];
  let shockArmed = s.shockArmed;
  let shockPrice = s.shockPrice ?? null;
  if (closes.length === window + 1 && s.sigma !== null) {
    const r = Math.log(candle.c / closes[0]!);
    const z = r / s.sigma;
    const volume = volumes.reduce((a, v) => a + v, 0);
    const volumeOk = !cfg.volumeConfirm || s.hourlyVolume === null || volume >= s.hourlyVolume;
    // Disarmed by a shock, the check still fires for a new leg: the hour still shocking and the price another
    // shockSigma σ beyond where the last shock fired (a steady slide never calms back inside rearmSigma).
    const newLeg = !shockArmed && s.shockPrice != null && Math.abs(Math.log(candle.c / s.shockPrice)) / s.sigma >= cfg.shockSigma;
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
  return { state: { ...s, closes, volumes, lastT: candle.t, shockArmed, shockPrice, bandSide }, moves };
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
  const first = s.lastT === null;
  const at = candle.t + baseMs;
  let next = s;
  if (first || closedNow.hour) next = refreshHourly(next, closed("1h", cfg.sigmaDays * 24 + 1), cfg, at, closed("4h", cfg.sigmaDays * 6 + 1));
  if (first || closedNow.decision) next = refreshBand(next, closed(decisionTf, cfg.bandPeriod), cfg);
  return observeBaseCandle(next, symbol, candle, baseMs, cfg);
}

const PRICE_STOPS: ReadonlySet<string> = new Set(["hard_stop", "trailing_stop"]);

/**
 * The material move a closed position makes, or null: a price stop (hard or trailing) means the market moved against
 * the book without a decision; a time stop, a decision's or an operator's exit does not.
 */
export function stopMove(symbol: string, exitKind: string | null, at: number, reason: string): MaterialMove | null {
  if (exitKind === null || !PRICE_STOPS.has(exitKind)) return null;
  return { symbol, kind: "stop", at, detail: `${symbol} position closed by a safety stop: ${reason}` };
}
