import { describe, expect, it } from "vitest";
import { textWidth } from "../../../tools/report/bitmap-font";
import { layoutMetricGrid } from "../../../tools/report/chart-png";

/** The values of a walk-forward's chart footer, longest ones included. */
const METRICS = [
  ["Total return", "-11.23%"],
  ["CAGR", "-25.77%"],
  ["Sharpe (365 d/yr)", "-1.82"],
  ["Sortino (365 d/yr)", "-2.44"],
  ["Volatility", "15.70%"],
  ["Max drawdown", "-14.80%"],
  ["Longest drawdown", "103.0 days (not recovered)"],
  ["Calmar", "-1.74"],
  ["Trades", "24"],
  ["Win rate", "37.5%"],
  ["Payoff ratio", "0.76"],
  ["Profit factor", "0.46"],
  ["Expectancy", "-1,246.80 (-12.43%)"],
  ["Average hold", "4.9 days"],
  ["Exposure", "48.6%"],
  ["Fees paid", "1,126.01"],
  ["Buy & hold BTC", "-14.97%"],
  ["Buy & hold basket", "-22.28%"],
  ["vs BTC", "3.74%"],
  ["vs basket", "11.04%"],
].map(([label, value]) => ({ label: label!, value: value! }));

describe("the metrics under the PNG chart", () => {
  // 1200 px wide at scale 2, as the backtest commands draw it: the panels span 1200 - 112 px.
  const width = 1088;
  const scale = 2;
  const grid = layoutMetricGrid(METRICS, width, scale);

  it("shows every value whole", () => {
    expect(grid.cells.map((c) => c.value)).toEqual(METRICS.map((m) => m.value));
  });

  it("keeps every label and value clear of the next column and inside the chart", () => {
    for (const c of grid.cells) {
      expect(c.x + textWidth(c.label, scale), c.label).toBeLessThan(c.valueX);
      expect(c.valueX + textWidth(c.value, scale), c.label).toBeLessThanOrEqual(width);
      const next = grid.cells.find((o) => o.x > c.x);
      if (next) expect(c.valueX + textWidth(c.value, scale), c.label).toBeLessThan(next.x);
    }
  });

  it("uses as many columns as fit, filled top to bottom", () => {
    const columns = new Set(grid.cells.map((c) => c.x)).size;
    expect(columns).toBeGreaterThanOrEqual(2);
    expect(grid.rows).toBe(Math.ceil(METRICS.length / columns));
    expect(grid.cells[1]!.x).toBe(grid.cells[0]!.x);
    expect(grid.cells[1]!.y).toBeGreaterThan(grid.cells[0]!.y);
  });

  it("puts short values in more columns", () => {
    const short = METRICS.map((m) => ({ ...m, value: "1.0%" }));
    expect(layoutMetricGrid(short, width, scale).rows).toBeLessThan(grid.rows);
  });

  it("shortens a value only when one column is too narrow for it", () => {
    const narrow = layoutMetricGrid(METRICS, 400, scale);
    expect(new Set(narrow.cells.map((c) => c.x)).size).toBe(1);
    for (const c of narrow.cells) expect(c.valueX + textWidth(c.value, scale)).toBeLessThanOrEqual(400);
    expect(narrow.cells.find((c) => c.label === "Total return:")!.value).toBe("-11.23%");
    expect(narrow.cells.find((c) => c.label === "Longest drawdown:")!.value).toMatch(/\.\.$/);
  });

  it("takes no room without metrics", () => {
    expect(layoutMetricGrid([], width, scale)).toEqual({ cells: [], rows: 0, height: 0 });
  });
});
