/**
 * SYNTHETIC derivatives data: the project ships no history of open interest, taker volume, top-trader positioning,
 * basis or liquidations, so the simulator (and `npm run backtest -- --derivatives synthetic`) serve values from this
 * documented deterministic generator instead. Every answer built from it says `synthetic: true`; nothing here is
 * market history, and no result that reads it is evidence about real markets (docs/RESULTS.md says so where used).
 *
 * Each series is a function of the symbol and the time alone (no state, no candles), so the simulator at any replay
 * time and a backtest over any range agree value for value:
 * - open interest (base units): the symbol's base level × (1 + 0.12 sin(2πt/3.1 d + φ₁) + 0.06 sin(2πt/11.3 d + φ₂)
 *   + 0.02 n₅ₘ), so 24 h changes reach ±15 % now and then (enough for funding-oi's 10 % rule to meet extreme funding);
 * - taker buy/sell volume ratio per 5-minute period: exp(0.12 n);
 * - top traders' long/short position ratio: exp(0.25 sin(2πt/5.3 d + φ₃) + 0.04 n);
 * - basis (mark / index − 1): 0.0003 sin(2πt/1.7 d + φ₄) + 0.0001 n;
 * - liquidations: in each 5-minute period with probability 4 %, one forced order of base × 10⁻⁴ × exp(1.5 n) units,
 *   side by a hash bit (SELL: a long liquidated).
 * n is a standard-normal-like draw (Irwin–Hall of four uniforms) from a 32-bit hash of (symbol, series, period); the
 * phases φ come from the same hash of the symbol.
 */

const FIVE_MINUTES = 300_000;
const DAY = 86_400_000;

/** Open interest levels in base units, roughly those of the Binance USD-M perpetuals. */
const BASE_OI: Record<string, number> = { BTCUSDT: 80_000, ETHUSDT: 2_000_000, SOLUSDT: 8_000_000 };

function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** A uniform in [0, 1) from (symbol, series, k). */
function uniform(symbol: string, series: string, k: number, i = 0): number {
  return hash32(`${symbol}|${series}|${k}|${i}`) / 4_294_967_296;
}

/** Irwin–Hall of four uniforms, centred and scaled to unit variance. */
function normal(symbol: string, series: string, k: number): number {
  let s = 0;
  for (let i = 0; i < 4; i++) s += uniform(symbol, series, k, i);
  return (s - 2) * Math.sqrt(3);
}

function phase(symbol: string, series: string): number {
  return uniform(symbol, `phase:${series}`, 0) * 2 * Math.PI;
}

const wave = (t: number, periodDays: number, phi: number) => Math.sin((2 * Math.PI * t) / (periodDays * DAY) + phi);
const period5m = (t: number) => Math.floor(t / FIVE_MINUTES);

export const SYNTHETIC = true;

export function baseOpenInterest(symbol: string): number {
  return BASE_OI[symbol] ?? 1_000_000;
}

/** Open interest (base units) at `t`, constant within each 5-minute period. */
export function openInterestAt(symbol: string, t: number): number {
  const k = period5m(t);
  const at = k * FIVE_MINUTES;
  return baseOpenInterest(symbol) * (1 + 0.12 * wave(at, 3.1, phase(symbol, "oi1")) + 0.06 * wave(at, 11.3, phase(symbol, "oi2")) + 0.02 * normal(symbol, "oi", k));
}

/** Taker buy volume over sell volume in the 5-minute period starting at `start`. */
export function takerRatioAt(symbol: string, start: number): number {
  return Math.exp(0.12 * normal(symbol, "taker", period5m(start)));
}

/** Top traders' long/short position ratio at `t`. */
export function longShortRatioAt(symbol: string, t: number): number {
  const k = period5m(t);
  return Math.exp(0.25 * wave(k * FIVE_MINUTES, 5.3, phase(symbol, "ls")) + 0.04 * normal(symbol, "ls", k));
}

/** Mark over index price, minus one, at `t`. */
export function basisAt(symbol: string, t: number): number {
  const k = period5m(t);
  return 0.0003 * wave(k * FIVE_MINUTES, 1.7, phase(symbol, "basis")) + 0.0001 * normal(symbol, "basis", k);
}

export interface SyntheticLiquidation {
  /** When the forced order traded (inside its 5-minute period). */
  at: number;
  /** SELL: a long liquidated; BUY: a short. */
  side: "BUY" | "SELL";
  qty: number;
}

/** The forced orders with times in [from, to), oldest first. */
export function liquidationsIn(symbol: string, from: number, to: number): SyntheticLiquidation[] {
  const out: SyntheticLiquidation[] = [];
  for (let k = period5m(from); k * FIVE_MINUTES < to; k++) {
    if (uniform(symbol, "liq", k) >= 0.04) continue;
    const at = k * FIVE_MINUTES + Math.floor(uniform(symbol, "liq-at", k) * FIVE_MINUTES);
    if (at < from || at >= to) continue;
    out.push({ at, side: uniform(symbol, "liq-side", k) < 0.5 ? "SELL" : "BUY", qty: baseOpenInterest(symbol) * 1e-4 * Math.exp(1.5 * normal(symbol, "liq-qty", k)) });
  }
  return out;
}

/** Binance's periods of the /futures/data statistics. */
export const STAT_PERIODS: Record<string, number> = {
  "5m": FIVE_MINUTES,
  "15m": 3 * FIVE_MINUTES,
  "30m": 6 * FIVE_MINUTES,
  "1h": 12 * FIVE_MINUTES,
  "2h": 24 * FIVE_MINUTES,
  "4h": 48 * FIVE_MINUTES,
  "6h": 72 * FIVE_MINUTES,
  "12h": 144 * FIVE_MINUTES,
  "1d": 288 * FIVE_MINUTES,
};

/** The points a history holds, as the engine reads them (src/lib/market/derivatives.ts), built from this generator. */
export interface SyntheticHistory {
  openInterest: { at: number; value: number }[];
  takerBuySellRatio: { at: number; value: number }[];
  longShortRatio: { at: number; value: number }[];
  basis: { at: number; value: number }[];
  liquidations: { at: number; side: "BUY" | "SELL"; qty: number; price: number }[];
  synthetic: true;
}

/**
 * The generator's series over [from, to) as the simulator's endpoints stamp them: open interest per 15 minutes and the
 * ratios per 5 minutes at their periods' ends, the basis at each 5-minute mark, forced orders at their times priced by
 * `priceAt` (a backtest's candles). A backtest reading it sees what a ticker polling the simulator would have seen.
 */
export function syntheticHistory(symbol: string, from: number, to: number, priceAt: (t: number) => number | null): SyntheticHistory {
  const m5 = STAT_PERIODS["5m"]!;
  const m15 = STAT_PERIODS["15m"]!;
  const h: SyntheticHistory = { openInterest: [], takerBuySellRatio: [], longShortRatio: [], basis: [], liquidations: [], synthetic: true };
  for (let t = Math.ceil(from / m15) * m15; t + m15 <= to; t += m15) h.openInterest.push({ at: t + m15, value: openInterestAt(symbol, t + m15 - 1) });
  for (let t = Math.ceil(from / m5) * m5; t + m5 <= to; t += m5) {
    h.takerBuySellRatio.push({ at: t + m5, value: takerRatioAt(symbol, t) });
    h.longShortRatio.push({ at: t + m5, value: longShortRatioAt(symbol, t + m5 - 1) });
  }
  for (let t = Math.ceil(from / m5) * m5; t < to; t += m5) h.basis.push({ at: t, value: basisAt(symbol, t) });
  for (const l of liquidationsIn(symbol, from, to)) {
    const price = priceAt(l.at);
    if (price !== null) h.liquidations.push({ ...l, price });
  }
  return h;
}
