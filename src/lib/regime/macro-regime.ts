import { clamp01 } from "./margin";
import type { MacroQuadrant } from "./types";

/** One macro observation; `at` is when the value became known (release time), not the period it covers. */
export interface MacroPoint {
  value: number;
  at: number;
}

/**
 * Any numeric series, oriented so that higher means stronger growth (negate unemployment, say) and
 * higher inflation (breakevens, CPI YoY).
 */
export interface MacroSeries {
  growth: readonly MacroPoint[];
  inflation: readonly MacroPoint[];
}

export interface MacroRegimeParams {
  /** Points of the least-squares slope that smooths the direction (3: (x₃ − x₁) / 2). */
  slopePoints: number;
  /** A series whose latest known point is older than this is stale. */
  maxAgeMs: number;
  /** |slope| at or below this is flat, neither rising nor falling. */
  deadband: number;
  /** Recent steps whose mean |change| scales the margin. */
  scaleSteps: number;
}

export const DEFAULT_MACRO_REGIME_PARAMS: MacroRegimeParams = { slopePoints: 3, maxAgeMs: 120 * 86_400_000, deadband: 0, scaleSteps: 12 };

export const MACRO_MULTIPLIERS: Readonly<Record<MacroQuadrant, { exposureScale: number; trailMultiplier: number }>> = {
  GOLDILOCKS: { exposureScale: 1.2, trailMultiplier: 1.0 },
  REFLATION: { exposureScale: 1.0, trailMultiplier: 1.0 },
  STAGFLATION: { exposureScale: 0.6, trailMultiplier: 0.75 },
  DEFLATION: { exposureScale: 0.9, trailMultiplier: 0.9 },
  UNKNOWN: { exposureScale: 1.0, trailMultiplier: 1.0 },
};

export interface MacroRegimeResult {
  quadrant: MacroQuadrant;
  exposureScale: number;
  trailMultiplier: number;
  growthSlope: number | null;
  inflationSlope: number | null;
  /** In [0, 1]: the weaker axis' |slope| against its recent mean |change|; 0 when UNKNOWN. */
  margin: number;
  reason: string;
}

interface Axis {
  slope: number | null;
  margin: number;
  problem: string | null;
}

/** Least-squares slope per step over equally spaced points. */
function slope(values: readonly number[]): number {
  const n = values.length;
  const xm = (n - 1) / 2;
  const ym = values.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((v, i) => {
    num += (i - xm) * (v - ym);
    den += (i - xm) ** 2;
  });
  return num / den;
}

function axis(name: string, points: readonly MacroPoint[], now: number, p: MacroRegimeParams): Axis {
  const known = points.filter((x) => x.at <= now && Number.isFinite(x.value)).sort((a, b) => a.at - b.at);
  const last = known.at(-1);
  if (last === undefined || known.length < p.slopePoints) return { slope: null, margin: 0, problem: `${name}: ${known.length} points known, need ${p.slopePoints}` };
  if (now - last.at > p.maxAgeMs) return { slope: null, margin: 0, problem: `${name}: stale, last point ${Math.round((now - last.at) / 86_400_000)} days old` };
  const values = known.map((x) => x.value);
  const s = slope(values.slice(-p.slopePoints));
  if (Math.abs(s) <= p.deadband) return { slope: s, margin: 0, problem: `${name}: flat (slope ${s})` };
  const recent = values.slice(-(p.scaleSteps + 1));
  let moves = 0;
  for (let i = 1; i < recent.length; i++) moves += Math.abs(recent[i]! - recent[i - 1]!);
  const scale = moves / (recent.length - 1);
  return { slope: s, margin: scale > 0 ? clamp01(Math.abs(s) / scale) : 1, problem: null };
}

const QUADRANT: Record<string, MacroQuadrant> = { "up/down": "GOLDILOCKS", "up/up": "REFLATION", "down/up": "STAGFLATION", "down/down": "DEFLATION" };

/**
 * The growth × inflation quadrant from the direction of each series' smoothed recent change, point
 * in time (points after `now` are ignored). UNKNOWN, with neutral multipliers, when either series is
 * missing, too short, stale or flat.
 */
export function macroRegime(series: MacroSeries | null, now: number, params: Partial<MacroRegimeParams> = {}): MacroRegimeResult {
  const p = { ...DEFAULT_MACRO_REGIME_PARAMS, ...params };
  if (!(Number.isInteger(p.slopePoints) && p.slopePoints >= 2)) throw new Error(`macro: slopePoints must be an integer >= 2, got ${p.slopePoints}`);
  if (series === null) return { quadrant: "UNKNOWN", ...MACRO_MULTIPLIERS.UNKNOWN, growthSlope: null, inflationSlope: null, margin: 0, reason: "no macro input" };
  const g = axis("growth", series.growth, now, p);
  const i = axis("inflation", series.inflation, now, p);
  const problems = [g.problem, i.problem].filter((x): x is string => x !== null);
  if (problems.length > 0 || g.slope === null || i.slope === null) {
    return { quadrant: "UNKNOWN", ...MACRO_MULTIPLIERS.UNKNOWN, growthSlope: g.slope, inflationSlope: i.slope, margin: 0, reason: problems.join("; ") };
  }
  const quadrant = QUADRANT[`${g.slope > 0 ? "up" : "down"}/${i.slope > 0 ? "up" : "down"}`]!;
  const reason = `growth ${g.slope > 0 ? "rising" : "falling"} (${g.slope.toPrecision(3)}/step), inflation ${i.slope > 0 ? "rising" : "falling"} (${i.slope.toPrecision(3)}/step)`;
  return { quadrant, ...MACRO_MULTIPLIERS[quadrant], growthSlope: g.slope, inflationSlope: i.slope, margin: Math.min(g.margin, i.margin), reason };
}
