import { CHART_COLORS, DRAWDOWN_FILL_OPACITY, layoutChart, type ChartModel, type Point, type Rect } from "./chart-layout";
import { escapeXml } from "./escape-xml";
import type { ChartInput } from "./types";

export interface SvgChartOptions {
  width?: number;
  height?: number;
  /** Series longer than this are min/max downsampled. */
  maxPoints?: number;
}

/** One decimal is sub-pixel precision and keeps long paths short. */
function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function pathD(points: readonly Point[]): string {
  return points.map((p, i) => `${i ? "L" : "M"}${n(p.x)},${n(p.y)}`).join("");
}

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${n(x)}" y="${n(y)}"${attrs ? " " + attrs : ""}>${escapeXml(s)}</text>`;
}

function panelFrame(r: Rect, ticks: ChartModel["equityTicks"], xTicks: ChartModel["xTicks"]): string {
  const parts: string[] = [];
  for (const k of ticks) {
    parts.push(`<line class="grid" x1="${n(r.x)}" x2="${n(r.x + r.w)}" y1="${n(k.pos)}" y2="${n(k.pos)}"/>`);
    parts.push(text(r.x - 8, k.pos + 4, k.label, 'class="ylabel" text-anchor="end"'));
  }
  for (const k of xTicks) parts.push(`<line class="grid" x1="${n(k.pos)}" x2="${n(k.pos)}" y1="${n(r.y)}" y2="${n(r.y + r.h)}"/>`);
  parts.push(`<rect class="frame" x="${n(r.x)}" y="${n(r.y)}" width="${n(r.w)}" height="${n(r.h)}"/>`);
  return parts.join("");
}

function legend(m: ChartModel): string {
  if (!m.legend.length) return "";
  const x = m.equityPanel.x + 12;
  const rowH = 18;
  // Approximate width of 12px sans-serif text; the box only has to fit, not hug.
  const w = 36 + Math.max(...m.legend.map((e) => e.label.length)) * 7;
  const parts = [`<rect class="legend-box" x="${x - 6}" y="${m.equityPanel.y + 6}" width="${w}" height="${m.legend.length * rowH + 8}"/>`];
  m.legend.forEach((e, i) => {
    const y = m.equityPanel.y + 12 + i * rowH + rowH / 2;
    parts.push(`<line x1="${x}" x2="${x + 20}" y1="${y}" y2="${y}" stroke="${e.color}" stroke-width="2.5"/>`);
    parts.push(text(x + 26, y + 4, e.label));
  });
  return `<g class="legend">${parts.join("")}</g>`;
}

export function chartModelToSvg(m: ChartModel): string {
  const { equityPanel: ep, drawdownPanel: dp } = m;
  const body: string[] = [];
  body.push(`<rect width="100%" height="100%" fill="${CHART_COLORS.background}"/>`);
  body.push(text(m.titleBox.x, m.titleBox.y + 20, m.title, 'class="title"'));
  body.push(panelFrame(ep, m.equityTicks, m.xTicks));
  body.push(panelFrame(dp, m.drawdownTicks, m.xTicks));
  for (const k of m.xTicks) {
    // About 7 px per character at 12 px: keep a label at either edge inside the picture.
    const half = k.label.length * 3.5;
    const anchor = k.pos - half < 2 ? "start" : k.pos + half > m.width - 2 ? "end" : "middle";
    const x = anchor === "start" ? Math.max(2, k.pos - half) : anchor === "end" ? Math.min(m.width - 2, k.pos + half) : k.pos;
    body.push(text(x, dp.y + dp.h + 20, k.label, `class="xlabel" text-anchor="${anchor}"`));
  }
  body.push(text(ep.x, ep.y - 7, "Equity", 'class="axis-title"'));
  body.push(text(dp.x, dp.y - 7, "Drawdown", 'class="axis-title"'));
  if (m.empty) {
    body.push(text(ep.x + ep.w / 2, ep.y + ep.h / 2, "No equity data", 'class="empty" text-anchor="middle"'));
  } else {
    const dd = m.drawdown.points;
    const first = dd[0]!;
    const last = dd[dd.length - 1]!;
    body.push(`<path class="drawdown-area" d="M${n(first.x)},${n(m.drawdownBaseY)}${pathD(dd).replace(/^M/, "L")}L${n(last.x)},${n(m.drawdownBaseY)}Z"/>`);
    body.push(`<path class="drawdown" d="${pathD(dd)}"/>`);
    m.benchmarks.forEach((b, i) => body.push(`<path class="benchmark" data-index="${i}" stroke="${b.color}" d="${pathD(b.points)}"/>`));
    body.push(`<path class="equity" d="${pathD(m.equity.points)}"/>`);
  }
  body.push(legend(m));

  const style = [
    `text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:12px;fill:${CHART_COLORS.text}}`,
    `.title{font-size:18px;font-weight:600}`,
    `.ylabel,.xlabel,.axis-title{fill:${CHART_COLORS.mutedText}}`,
    `.grid{stroke:${CHART_COLORS.grid};stroke-width:1}`,
    `.frame{fill:none;stroke:${CHART_COLORS.axis};stroke-width:1}`,
    `path{fill:none;stroke-linejoin:round}`,
    `.equity{stroke:${CHART_COLORS.equity};stroke-width:2}`,
    `.benchmark{stroke-width:1.5}`,
    `.drawdown{stroke:${CHART_COLORS.drawdownLine};stroke-width:1.2}`,
    `.drawdown-area{fill:${CHART_COLORS.drawdownFill};fill-opacity:${DRAWDOWN_FILL_OPACITY};stroke:none}`,
    `.legend-box{fill:#fff;fill-opacity:0.85;stroke:${CHART_COLORS.grid}}`,
  ].join("");

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${m.width} ${m.height}" width="${m.width}" height="${m.height}" role="img" aria-label="${escapeXml(m.title)}">` +
    `<style>${style}</style>${body.join("")}</svg>`
  );
}

/** The equity curve over its drawdown as a standalone SVG document fragment. */
export function renderChartSvg(input: ChartInput, opts: SvgChartOptions = {}): string {
  return chartModelToSvg(layoutChart(input, { width: opts.width ?? 1200, height: opts.height ?? 700, maxPoints: opts.maxPoints ?? 4000 }));
}
