import type { Rng } from "../../../src/lib/util/rng";
import { seededRng } from "../../../src/lib/util/rng";
import type { Candle } from "../../../src/lib/market/candle";

/** Standard normal by Box–Muller from the seeded Rng. */
export function gaussian(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

function draw(rng: Rng, p: readonly number[]): number {
  let u = rng.next();
  for (let k = 0; k < p.length; k++) {
    u -= p[k]!;
    if (u < 0) return k;
  }
  return p.length - 1;
}

export interface TrueHmm {
  pi: number[];
  A: number[][];
  means: number[][];
  sds: number[][];
}

/** A state path and diagonal-Gaussian observations drawn from a known HMM. */
export function sampleHmm(truth: TrueHmm, T: number, seed: number): { states: number[]; obs: number[][] } {
  const rng = seededRng(seed);
  const states: number[] = [];
  const obs: number[][] = [];
  let s = draw(rng, truth.pi);
  for (let t = 0; t < T; t++) {
    if (t > 0) s = draw(rng, truth.A[s]!);
    states.push(s);
    obs.push(truth.means[s]!.map((m, d) => m + truth.sds[s]![d]! * gaussian(rng)));
  }
  return { states, obs };
}

/** Daily candles with the given closes (open = previous close), one day apart from `start`. */
export function dailyCandles(closes: readonly number[], start = Date.UTC(2024, 0, 1)): Candle[] {
  return closes.map((c, i) => {
    const o = i === 0 ? c : closes[i - 1]!;
    return { t: start + i * 86_400_000, o, h: Math.max(o, c), l: Math.min(o, c), c, v: 1 };
  });
}

export const DAY = 86_400_000;
