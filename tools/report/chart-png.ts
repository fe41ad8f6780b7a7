import { ADVANCE, drawText, GLYPH_H, textWidth } from "./bitmap-font";
import { CHART_COLORS, DRAWDOWN_FILL_OPACITY, layoutChart, type AxisTick, type ChartModel, type Rect } from "./chart-layout";
import { encodePng } from "./png-encode";
import { hexToRgb, Raster } from "./raster";
import type { ChartInput, Metric } from "./types";
import { writeOutput } from "./write-output";

export interface PngChartOptions {
  width?: number;
  height?: number;
  /** Series longer than this are min/max downsampled. */
  maxPoints?: number;
}

const METRIC_ROW_H = 20;
const METRIC_COL_GAP = 28;

const C = {
  background: hexToRgb(CHART_COLORS.background),
  text: hexToRgb(CHART_COLORS.text),
  muted: hexToRgb(CHART_COLORS.mutedText),
  grid: hexToRgb(CHART_COLORS.grid),
  axis: hexToRgb(CHART_COLORS.axis),
  drawdownFill: hexToRgb(CHART_COLORS.drawdownFill),
};

function fitText(text: string, maxWidth: number, scale: number): string {
  if (textWidth(text, scale) <= maxWidth) return text;
  let s = text;
  while (s.length > 1 && textWidth(s + "..", scale) > maxWidth) s = s.slice(0, -1);
  return s + "..";
}

function drawPanel(r: Raster, p: Rect, yTicks: AxisTick[], xTicks: AxisTick[], scale: number): void {
  const right = p.x + p.w;
  const bottom = p.y + p.h;
  for (const k of yTicks) {
    const y = Math.round(k.pos);
    r.line(p.x, y, right, y, C.grid);
    drawText(r, p.x - 8 - textWidth(k.label, scale), y - (GLYPH_H * scale) / 2, k.label, C.muted, scale);
  }
  for (const k of xTicks) r.line(Math.round(k.pos), p.y, Math.round(k.pos), bottom, C.grid);
  r.line(p.x, p.y, right, p.y, C.axis);
  r.line(p.x, bottom, right, bottom, C.axis);
  r.line(p.x, p.y, p.x, bottom, C.axis);
  r.line(right, p.y, right, bottom, C.axis);
}

export interface MetricCell {
  label: string;
  value: string;
  /** Offsets from the grid's top-left corner. */
  x: number;
  valueX: number;
  y: number;
}

export interface MetricGrid {
  cells: MetricCell[];
  rows: number;
  height: number;
}

const widest = (texts: string[], scale: number) => Math.max(...texts.map((t) => textWidth(t, scale)));

/**
 * The metrics as a grid under the chart, filled column by column: as many columns as fit in `width`, each as
 * wide as its longest label and its longest value, so no value is cut. Only a single column narrower than a
 * value shortens it.
 */
export function layoutMetricGrid(metrics: readonly Metric[], width: number, scale: number): MetricGrid {
  if (metrics.length === 0) return { cells: [], rows: 0, height: 0 };
  const gap = ADVANCE * scale;
  for (let cols = Math.min(metrics.length, 6); cols >= 1; cols--) {
    const rows = Math.ceil(metrics.length / cols);
    const columns = Array.from({ length: Math.ceil(metrics.length / rows) }, (_, c) => {
      const items = metrics.slice(c * rows, (c + 1) * rows).map((m) => ({ label: `${m.label}:`, value: m.value }));
      return {
        items,
        labelW: widest(
          items.map((i) => i.label),
          scale,
        ),
        valueW: widest(
          items.map((i) => i.value),
          scale,
        ),
      };
    });
    const total = columns.reduce((w, c) => w + c.labelW + gap + c.valueW, 0) + METRIC_COL_GAP * (columns.length - 1);
    if (total > width && cols > 1) continue;
    const cells: MetricCell[] = [];
    let x = 0;
    for (const c of columns) {
      const room = width - x - c.labelW - gap;
      c.items.forEach((item, row) => cells.push({ label: item.label, value: fitText(item.value, room, scale), x, valueX: x + c.labelW + gap, y: row * METRIC_ROW_H }));
      x += c.labelW + gap + c.valueW + METRIC_COL_GAP;
    }
    return { cells, rows, height: rows * METRIC_ROW_H };
  }
  throw new Error("unreachable: one column always lays out");
}

function drawMetrics(r: Raster, grid: MetricGrid, left: number, top: number, scale: number): void {
  for (const cell of grid.cells) {
    drawText(r, left + cell.x, top + cell.y, cell.label, C.muted, scale);
    drawText(r, left + cell.valueX, top + cell.y, cell.value, C.text, scale);
  }
}

/** The equity/drawdown chart rasterised to RGBA pixels (same layout as the SVG). */
export function renderChartRaster(input: ChartInput, opts: PngChartOptions = {}): { raster: Raster; model: ChartModel } {
  const width = opts.width ?? 1200;
  const height = opts.height ?? 700;
  const metrics = input.metrics ?? [];
  const scale = Math.max(1, Math.round(Math.min(width / 1200, height / 700) * 2));
  // The panels span width - 112 (chart-layout.ts): the grid lines up under them.
  const grid = layoutMetricGrid(metrics, width - 112, scale);
  const footerHeight = grid.rows ? grid.height + 8 : 0;
  const m = layoutChart(input, { width, height, maxPoints: opts.maxPoints ?? 4000, footerHeight });
  const r = new Raster(width, height, C.background);
  const { equityPanel: ep, drawdownPanel: dp } = m;

  drawText(r, m.titleBox.x, m.titleBox.y, fitText(m.title, m.titleBox.w, scale + 1), C.text, scale + 1);
  drawPanel(r, ep, m.equityTicks, m.xTicks, scale);
  drawPanel(r, dp, m.drawdownTicks, m.xTicks, scale);
  drawText(r, ep.x, ep.y - 5 - GLYPH_H * scale, "Equity", C.muted, scale);
  drawText(r, dp.x, dp.y - 5 - GLYPH_H * scale, "Drawdown", C.muted, scale);
  for (const k of m.xTicks) {
    const x = Math.round(k.pos);
    r.line(x, dp.y + dp.h, x, dp.y + dp.h + 4, C.axis);
    const w = textWidth(k.label, scale);
    drawText(r, Math.min(Math.max(2, x - w / 2), width - 2 - w), dp.y + dp.h + 10, k.label, C.muted, scale);
  }

  if (m.empty) {
    const msg = "No equity data";
    drawText(r, ep.x + (ep.w - textWidth(msg, scale)) / 2, ep.y + ep.h / 2, msg, C.muted, scale);
  } else {
    r.fillDownTo(m.drawdown.points, m.drawdownBaseY, C.drawdownFill, DRAWDOWN_FILL_OPACITY);
    r.polyline(m.drawdown.points, hexToRgb(m.drawdown.color), 1.2);
    for (const b of m.benchmarks) r.polyline(b.points, hexToRgb(b.color), 1.5);
    r.polyline(m.equity.points, hexToRgb(m.equity.color), 2);
  }

  if (m.legend.length) {
    const rowH = 10 * scale;
    const x = ep.x + 12;
    const w = 36 + Math.max(...m.legend.map((e) => textWidth(e.label, scale)));
    r.fillRect(x - 6, ep.y + 6, w, m.legend.length * rowH + 8, C.background, 0.85);
    m.legend.forEach((e, i) => {
      const y = ep.y + 10 + i * rowH + rowH / 2;
      r.polyline(
        [
          { x, y },
          { x: x + 20, y },
        ],
        hexToRgb(e.color),
        2.5,
      );
      drawText(r, x + 26, y - (GLYPH_H * scale) / 2, e.label, C.text, scale);
    });
  }

  if (grid.cells.length) drawMetrics(r, grid, ep.x, dp.y + dp.h + 36, scale);
  return { raster: r, model: m };
}

/** The equity curve over its drawdown as PNG bytes, rendered and encoded without external tools. */
export function renderChartPng(input: ChartInput, opts: PngChartOptions = {}): Buffer {
  const { raster } = renderChartRaster(input, opts);
  return encodePng(raster.data, raster.width, raster.height);
}

export function writeChartPng(path: string, input: ChartInput, opts: PngChartOptions = {}): Promise<void> {
  return writeOutput(path, renderChartPng(input, opts));
}
