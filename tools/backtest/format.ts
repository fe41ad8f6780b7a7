import type { Metrics } from "../../src/lib/metrics/types";

const pct = (x: number | null, digits = 2): string => (x === null ? "n/a" : `${(x * 100).toFixed(digits)}%`);
const num = (x: number | null, digits = 2): string => (x === null ? "n/a" : x.toFixed(digits));
const money = (x: number | null): string => (x === null ? "n/a" : x.toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 }));

/** The metrics as label/value rows, in reading order. */
export function metricRows(m: Metrics): { label: string; value: string }[] {
  const dd = m.longestDrawdown;
  return [
    { label: "Total return", value: pct(m.totalReturn) },
    { label: "CAGR", value: pct(m.cagr) },
    { label: "Sharpe (365 d/yr)", value: num(m.sharpe) },
    { label: "Sortino (365 d/yr)", value: num(m.sortino) },
    { label: "Volatility", value: pct(m.volatility) },
    { label: "Max drawdown", value: m.maxDrawdown === null ? "n/a" : `-${pct(m.maxDrawdown)}` },
    { label: "Longest drawdown", value: dd === null ? "n/a" : `${dd.days.toFixed(1)} days${dd.recovered ? "" : " (not recovered)"}` },
    { label: "Calmar", value: num(m.calmar) },
    { label: "Trades", value: String(m.tradeCount) },
    { label: "Win rate", value: pct(m.winRate, 1) },
    { label: "Payoff ratio", value: num(m.payoffRatio) },
    { label: "Profit factor", value: num(m.profitFactor) },
    { label: "Expectancy", value: m.expectancy === null ? "n/a" : `${money(m.expectancy)} (${pct(m.expectancyPct)})` },
    { label: "Average hold", value: m.avgHoldHours === null ? "n/a" : `${(m.avgHoldHours / 24).toFixed(1)} days` },
    { label: "Exposure", value: pct(m.exposure, 1) },
    { label: "Fees paid", value: money(m.feesPaid) },
    { label: "Buy & hold BTC", value: pct(m.btcReturn) },
    { label: "Buy & hold basket", value: pct(m.basketReturn) },
    { label: "vs BTC", value: pct(m.excessVsBtc) },
    { label: "vs basket", value: pct(m.excessVsBasket) },
  ];
}

/** A plain text table: a header row, a rule, the rows; columns padded to their widest cell. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export { pct, num };
