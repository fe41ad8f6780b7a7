import { seededRng } from "../../../src/lib/util/rng";
import type { EquityPoint } from "../../../tools/report/types";

export const DAY = 86_400_000;
export const T0 = Date.UTC(2022, 0, 1);

/** A seeded random-walk equity curve of `n` daily points starting at 10 000. */
export function randomEquity(n: number, seed = 7, stepMs = DAY): EquityPoint[] {
  const rng = seededRng(seed);
  let e = 10_000;
  return Array.from({ length: n }, (_, i) => {
    e *= 1 + (rng.next() - 0.48) * 0.03;
    return { t: T0 + i * stepMs, equity: e };
  });
}

/** Points of an SVG path's `d` attribute ("M x,y L x,y ..."). */
export function pathPoints(d: string): { x: number; y: number }[] {
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
}

export function pathOfClass(svg: string, cls: string): string[] {
  return [...svg.matchAll(new RegExp(`<path class="${cls}"[^>]* d="([^"]*)"`, "g"))].map((m) => m[1]!);
}
