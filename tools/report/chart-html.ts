import { renderChartSvg, type SvgChartOptions } from "./chart-svg";
import { escapeXml } from "./escape-xml";
import type { ChartInput } from "./types";
import { writeOutput } from "./write-output";

const STYLE = [
  "body{margin:0;padding:24px;background:#f9fafb;color:#1f2937;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
  "main{max-width:1200px;margin:0 auto}",
  ".chart{background:#fff;border:1px solid #e5e7eb;border-radius:6px;overflow:hidden}",
  ".chart svg{display:block;width:100%;height:auto}",
  "table{border-collapse:collapse;margin-top:16px;background:#fff;border:1px solid #e5e7eb;font-size:14px}",
  "th,td{padding:6px 14px;border-bottom:1px solid #e5e7eb;text-align:left}",
  "td{font-variant-numeric:tabular-nums;text-align:right}",
].join("\n");

/** A self-contained page (no scripts, no external resources): the inline SVG chart, which carries the title, and a metrics table. */
export function renderChartHtml(input: ChartInput, opts: SvgChartOptions = {}): string {
  const title = escapeXml(input.title);
  const metrics = input.metrics ?? [];
  const table = metrics.length ? `<table class="metrics"><tbody>\n${metrics.map((m) => `<tr><th>${escapeXml(m.label)}</th><td>${escapeXml(m.value)}</td></tr>`).join("\n")}\n</tbody></table>` : "";
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${title}</title>`,
    `<style>\n${STYLE}\n</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<div class="chart">${renderChartSvg(input, opts)}</div>`,
    table,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

export function writeChartHtml(path: string, input: ChartInput, opts: SvgChartOptions = {}): Promise<void> {
  return writeOutput(path, renderChartHtml(input, opts));
}
