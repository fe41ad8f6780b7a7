import { computeDrawdown } from "./drawdown";
import type { EquityRecord, TradeRecord } from "./types";
import { writeOutput } from "./write-output";

export type CsvValue = string | number | boolean | null | undefined;

const TRADE_COLUMNS = [
  "symbol",
  "side",
  "entryAt",
  "exitAt",
  "entryPrice",
  "exitPrice",
  "qty",
  "fees",
  "pnl",
  "pnlPct",
  "exitKind",
  "entryReason",
  "exitReason",
] as const satisfies readonly (keyof TradeRecord)[];

const EQUITY_COLUMNS = ["t", "equity", "cash", "exposure", "drawdown"] as const satisfies readonly (keyof EquityRecord)[];

function field(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  // String(n) is the shortest text that parses back to the same double, so no precision is lost.
  const s = typeof v === "string" ? v : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * RFC 4180 CSV with a header row and CRLF line ends. Without `columns`, the columns are every key seen,
 * in first-seen order; a row missing a column gets an empty field.
 */
export function toCsv(rows: readonly Record<string, CsvValue>[], columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [cols.map(field).join(",")];
  for (const row of rows) lines.push(cols.map((c) => field(row[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The trades as CSV; futures trades (any with `funding`) add a `funding` column after `fees` (it is in `pnl`). */
export function tradesToCsv(trades: readonly TradeRecord[]): string {
  const futures = trades.some((t) => t.funding !== undefined);
  const columns: readonly string[] = futures ? TRADE_COLUMNS.flatMap((c) => (c === "fees" ? [c, "funding"] : [c])) : TRADE_COLUMNS;
  return toCsv(
    trades.map((t) => ({ ...t, entryAt: iso(t.entryAt), exitAt: iso(t.exitAt) })),
    columns,
  );
}

export function equityToCsv(equity: readonly EquityRecord[]): string {
  const derived = computeDrawdown(equity);
  return toCsv(
    equity.map((e, i) => ({ ...e, t: iso(e.t), drawdown: e.drawdown ?? derived[i]!.drawdown })),
    EQUITY_COLUMNS,
  );
}

export function writeTradesCsv(path: string, trades: readonly TradeRecord[]): Promise<void> {
  return writeOutput(path, tradesToCsv(trades));
}

export function writeEquityCsv(path: string, equity: readonly EquityRecord[]): Promise<void> {
  return writeOutput(path, equityToCsv(equity));
}
