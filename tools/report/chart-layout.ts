import { computeDrawdown } from "./drawdown";
import { downsampleMinMax } from "./downsample";
import { timeTicks } from "./time-ticks";
import type { ChartInput } from "./types";
import { valueTicks } from "./value-ticks";

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface AxisTick {
  pos: number;
  label: string;
}

export interface LineSeries {
  label: string;
  color: string;
  points: Point[];
}

export const CHART_COLORS = {
  background: "#ffffff",
  text: "#1f2937",
  mutedText: "#6b7280",
  grid: "#e5e7eb",
  axis: "#9ca3af",
  equity: "#2563eb",
  drawdownLine: "#dc2626",
  drawdownFill: "#f87171",
  benchmarks: ["#f59e0b", "#059669", "#7c3aed", "#db2777", "#0891b2"],
} as const;

export const DRAWDOWN_FILL_OPACITY = 0.35;

export interface ChartLayoutOptions {
  width: number;
  height: number;
  /** Longest series kept per line after min/max downsampling. */
  maxPoints: number;
  /** Space kept free under the time axis (the PNG prints its metrics there). */
  footerHeight?: number;
}

export interface ChartModel {
  width: number;
  height: number;
  title: string;
  empty: boolean;
  titleBox: Rect;
  equityPanel: Rect;
  drawdownPanel: Rect;
  xTicks: AxisTick[];
  equityTicks: AxisTick[];
  drawdownTicks: AxisTick[];
  equity: LineSeries;
  benchmarks: LineSeries[];
  drawdown: LineSeries;
  /** Pixel row of 0 % drawdown: the top of the drawdown panel. */
  drawdownBaseY: number;
  /** Line series in the order of the legend; empty when there is nothing to tell apart. */
  legend: { label: string; color: string }[];
  x: (t: number) => number;
  yEquity: (v: number) => number;
  yDrawdown: (d: number) => number;
}

const DAY = 86_400_000;

function assertSeries(name: string, pts: readonly { t: number; v: number }[]): void {
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    if (!Number.isFinite(p.t) || !Number.isFinite(p.v)) throw new RangeError(`${name}[${i}] is not finite (t=${p.t}, value=${p.v})`);
    if (i > 0 && p.t < pts[i - 1]!.t) throw new RangeError(`${name}[${i}] goes back in time (${p.t} < ${pts[i - 1]!.t})`);
  }
}

function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Everything both chart renderers draw, in pixels: panels, ticks, downsampled lines. The SVG and the PNG
 * draw from this one model so they show the same chart.
 */
export function layoutChart(input: ChartInput, opts: ChartLayoutOptions): ChartModel {
  const { width: W, height: H, maxPoints } = opts;
  const equityPts = input.equity.map((p) => ({ t: p.t, v: p.equity }));
  assertSeries("equity", equityPts);
  const benchIn = (input.benchmarks ?? []).map((b) => ({ label: b.label, pts: b.points.map((p) => ({ t: p.t, v: p.value })) }));
  benchIn.forEach((b, i) => assertSeries(`benchmarks[${i}].points`, b.pts));

  const left = 84;
  const right = W - 28;
  const plotTop = 70;
  const plotBottom = H - 40 - (opts.footerHeight ?? 0);
  const gap = 26;
  const eqH = Math.round((plotBottom - plotTop - gap) * 0.7);
  const equityPanel: Rect = { x: left, y: plotTop, w: right - left, h: eqH };
  const drawdownPanel: Rect = { x: left, y: plotTop + eqH + gap, w: right - left, h: plotBottom - plotTop - eqH - gap };
  if (equityPanel.w < 50 || drawdownPanel.h < 20) throw new RangeError(`a ${W}×${H} chart leaves no room for its panels`);

  const allT = [...equityPts, ...benchIn.flatMap((b) => b.pts)].map((p) => p.t);
  let [t0, t1] = allT.length ? extent(allT) : [0, DAY];
  if (t1 === t0) [t0, t1] = [t0 - DAY / 2, t1 + DAY / 2];

  let [v0, v1] = extent([...equityPts, ...benchIn.flatMap((b) => b.pts)].map((p) => p.v));
  if (!Number.isFinite(v0)) [v0, v1] = [0, 1];
  const pad = v1 > v0 ? (v1 - v0) * 0.05 : Math.max(Math.abs(v0) * 0.01, 1);
  v0 -= pad;
  v1 += pad;

  const dd = computeDrawdown(input.equity);
  const ddMin = Math.min(0, extent(dd.map((d) => d.drawdown))[0]);
  const d0 = ddMin < 0 ? ddMin * 1.08 : -0.01;

  const x = (t: number) => equityPanel.x + ((t - t0) / (t1 - t0)) * equityPanel.w;
  const yEquity = (v: number) => equityPanel.y + ((v1 - v) / (v1 - v0)) * equityPanel.h;
  const yDrawdown = (d: number) => drawdownPanel.y + (d / d0) * drawdownPanel.h;

  const line = (label: string, color: string, pts: { t: number; v: number }[], y: (v: number) => number): LineSeries => ({
    label,
    color,
    points: downsampleMinMax(pts, maxPoints, (p) => p.v).map((p) => ({ x: x(p.t), y: y(p.v) })),
  });

  const benchmarks = benchIn.map((b, i) => line(b.label, CHART_COLORS.benchmarks[i % CHART_COLORS.benchmarks.length]!, b.pts, yEquity));
  const equity = line("Equity", CHART_COLORS.equity, equityPts, yEquity);
  const drawdown = line(
    "Drawdown",
    CHART_COLORS.drawdownLine,
    dd.map((d) => ({ t: d.t, v: d.drawdown })),
    yDrawdown,
  );

  return {
    width: W,
    height: H,
    title: input.title,
    empty: equityPts.length === 0,
    titleBox: { x: left, y: 16, w: right - left, h: 28 },
    equityPanel,
    drawdownPanel,
    xTicks: timeTicks(t0, t1, Math.max(2, Math.floor(equityPanel.w / 150))).map((k) => ({ pos: x(k.t), label: k.label })),
    equityTicks: valueTicks(v0, v1, Math.max(2, Math.round(equityPanel.h / 70)), "compact").map((k) => ({ pos: yEquity(k.value), label: k.label })),
    drawdownTicks: valueTicks(d0, 0, Math.max(2, Math.round(drawdownPanel.h / 38)), "percent").map((k) => ({ pos: yDrawdown(k.value), label: k.label })),
    equity,
    benchmarks,
    drawdown,
    drawdownBaseY: drawdownPanel.y,
    legend: benchmarks.length ? [equity, ...benchmarks].map((s) => ({ label: s.label, color: s.color })) : [],
    x,
    yEquity,
    yDrawdown,
  };
}
