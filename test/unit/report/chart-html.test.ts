import { describe, expect, it } from "vitest";
import { renderChartHtml } from "../../../tools/report/chart-html";
import { layoutChart } from "../../../tools/report/chart-layout";
import { DAY, pathOfClass, pathPoints, randomEquity, T0 } from "./fixtures";

describe("HTML chart page", () => {
  it("draws a short series point for point in the equity and drawdown paths", () => {
    const html = renderChartHtml({ title: "t", equity: randomEquity(500) });
    expect(html).toMatch(/<svg[^>]*viewBox="0 0 1200 700"/);
    expect(pathOfClass(html, "equity")).toHaveLength(1);
    expect(pathPoints(pathOfClass(html, "equity")[0]!)).toHaveLength(500);
    expect(pathPoints(pathOfClass(html, "drawdown")[0]!)).toHaveLength(500);
  });

  it("downsamples a long series to maxPoints while keeping its highest and lowest value", () => {
    const equity = randomEquity(20_000, 3, 3_600_000);
    const html = renderChartHtml({ title: "t", equity }, { maxPoints: 4000 });
    const pts = pathPoints(pathOfClass(html, "equity")[0]!);
    expect(pts).toHaveLength(4000);

    const model = layoutChart({ title: "t", equity }, { width: 1200, height: 700, maxPoints: 4000 });
    const values = equity.map((p) => p.equity);
    const round = (v: number) => Math.round(v * 10) / 10;
    expect(Math.min(...pts.map((p) => p.y))).toBe(round(model.yEquity(Math.max(...values))));
    expect(Math.max(...pts.map((p) => p.y))).toBe(round(model.yEquity(Math.min(...values))));
    expect(pts[0]!.x).toBe(round(model.x(equity[0]!.t)));
    expect(pts.at(-1)!.x).toBe(round(model.x(equity.at(-1)!.t)));
  });

  it("fills the drawdown down from the 0 % line", () => {
    const html = renderChartHtml({ title: "t", equity: [100, 120, 90, 130].map((equity, i) => ({ t: T0 + i * DAY, equity })) });
    const area = pathOfClass(html, "drawdown-area")[0]!;
    expect(area.endsWith("Z")).toBe(true);
    const pts = pathPoints(area);
    const baseY = pts[0]!.y;
    expect(pts.at(-1)!.y).toBe(baseY);
    // The one drawdown (90 after 120, −25 %) is the only point below the baseline.
    expect(pts.filter((p) => p.y > baseY)).toHaveLength(1);
  });

  it("escapes a title holding markup everywhere it appears", () => {
    const html = renderChartHtml({ title: `<script>alert("x")</script> & co`, equity: randomEquity(10) });
    expect(html).not.toContain("<script");
    expect(html).toContain("<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</title>");
    expect(html).toMatch(/<text[^>]*class="title">&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; co<\/text>/);
  });

  it("lists the metrics in a table, escaped", () => {
    const html = renderChartHtml({
      title: "t",
      equity: randomEquity(10),
      metrics: [
        { label: "Sharpe", value: "1.42" },
        { label: "Max <drawdown>", value: "-23.4%" },
      ],
    });
    expect(html).toContain("<tr><th>Sharpe</th><td>1.42</td></tr>");
    expect(html).toContain("<tr><th>Max &lt;drawdown&gt;</th><td>-23.4%</td></tr>");
  });

  it("draws buy-and-hold benchmarks in their own colours with a legend naming them", () => {
    const equity = randomEquity(100);
    const html = renderChartHtml({
      title: "t",
      equity,
      benchmarks: [
        { label: "Buy & hold BTC", points: equity.map((p) => ({ t: p.t, value: p.equity * 0.9 })) },
        { label: "Buy & hold ETH", points: equity.map((p) => ({ t: p.t, value: p.equity * 1.1 })) },
      ],
    });
    const strokes = [...html.matchAll(/<path class="benchmark"[^>]*stroke="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
    expect(strokes).toHaveLength(2);
    expect(new Set([...strokes, "#2563eb"]).size).toBe(3);
    const legend = /<g class="legend">(.*?)<\/g>/.exec(html)?.[1] ?? "";
    expect(legend).toContain("Buy &amp; hold BTC");
    expect(legend).toContain("Buy &amp; hold ETH");
    expect(legend).toContain("Equity");
  });

  it("has no legend when there is only the equity line", () => {
    expect(renderChartHtml({ title: "t", equity: randomEquity(10) })).not.toContain('class="legend"');
  });

  it("is self-contained: no scripts, links or external URLs", () => {
    const html = renderChartHtml({ title: "t", equity: randomEquity(100), metrics: [{ label: "a", value: "b" }] });
    expect(html).not.toMatch(/<script|<link|\bsrc=|\bhref=|url\(|@import/i);
    // The SVG namespace is the only URL, and it is never fetched.
    expect(html.match(/https?:\/\/[^"\s]+/g)).toEqual(["http://www.w3.org/2000/svg"]);
  });

  it("labels the time axis with calendar dates", () => {
    const html = renderChartHtml({ title: "t", equity: randomEquity(3 * 365) });
    const labels = [...html.matchAll(/class="xlabel"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(labels).toEqual(["Jan 2022", "Jul 2022", "Jan 2023", "Jul 2023", "Jan 2024", "Jul 2024"]);
  });

  it("shows a notice instead of lines when there is no equity", () => {
    const html = renderChartHtml({ title: "empty", equity: [] });
    expect(html).toContain("No equity data");
    expect(pathOfClass(html, "equity")).toHaveLength(0);
  });

  it("rejects a size too small for the panels", () => {
    expect(() => renderChartHtml({ title: "t", equity: randomEquity(10) }, { width: 100, height: 120 })).toThrow(/no room/);
  });

  it("rejects a series that goes back in time", () => {
    expect(() =>
      renderChartHtml({
        title: "t",
        equity: [
          { t: 2, equity: 1 },
          { t: 1, equity: 1 },
        ],
      }),
    ).toThrow(/back in time/);
  });
});
