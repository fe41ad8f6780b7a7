import type { DailySummary } from "./summary";
import { money, pct, signed, summaryLines } from "./render";

export const TELEGRAM_COMMANDS = ["status", "positions", "profit", "pause", "resume", "forceexit", "help"] as const;
export type TelegramCommandName = (typeof TELEGRAM_COMMANDS)[number];

export type ParsedCommand = { ok: true; name: TelegramCommandName; args: string } | { ok: false; reply: string };

export const HELP_TEXT = [
  "Commands:",
  "/status – trading state, equity, controls",
  "/positions – open positions",
  "/profit – P&L: today, realized, trades closed today",
  "/pause [reason] – refuse new entries (exits go on)",
  "/resume [reason] – clear pause, kill switch, halt or REDUCING",
  "/forceexit <symbol|all> – exit at the market (e.g. /forceexit BTC)",
].join("\n");

/**
 * `/name[@bot] args` → the command, or null for a message that is no command (ignored). Unknown commands
 * get the help text.
 */
export function parseCommand(text: string): ParsedCommand | null {
  const m = /^\/([A-Za-z_]+)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return null;
  const name = m[1]!.toLowerCase();
  const args = (m[2] ?? "").trim().slice(0, 500);
  if (name === "start") return { ok: true, name: "help", args: "" };
  if (!(TELEGRAM_COMMANDS as readonly string[]).includes(name)) return { ok: false, reply: `Unknown command /${name}.\n${HELP_TEXT}` };
  return { ok: true, name: name as TelegramCommandName, args };
}

/** "btc", "BTCUSDT", "BTC/USDT" → the matching symbols among `symbols` (unified, e.g. BTC/USDT). */
export function matchSymbol(arg: string, symbols: readonly string[]): string[] {
  const a = arg.trim().toUpperCase().replace(/\s+/g, "");
  if (!a) return [];
  return symbols.filter((s) => s === a || s.replace("/", "") === a || s.split("/")[0] === a);
}

export interface StatusFacts {
  portfolio: string;
  tradingState: string;
  haltReason: string | null;
  entriesRefused: string | null;
  equity: number;
  cash: number;
  exposure: number;
  dayPnl: number;
  dayPnlPct: number;
  openPositions: number;
  paused: { by: string; reason: string } | null;
  kill: { by: string; reason: string } | null;
}

export function statusReply(s: StatusFacts): string {
  return [
    `Status [${s.portfolio}]: ${s.tradingState}`,
    `Equity ${money(s.equity)} (day ${signed(s.dayPnl)}, ${pct(s.dayPnlPct)}), cash ${money(s.cash)}, exposure ${money(s.exposure)}`,
    `${s.openPositions} position${s.openPositions === 1 ? "" : "s"} in the book`,
    ...(s.haltReason ? [`Halt: ${s.haltReason}`] : []),
    ...(s.paused ? [`Paused by ${s.paused.by}: ${s.paused.reason}`] : []),
    ...(s.kill ? [`Kill switch by ${s.kill.by}: ${s.kill.reason}`] : []),
    ...(s.entriesRefused && !s.paused && !s.kill ? [`Entries refused: ${s.entriesRefused}`] : []),
  ].join("\n");
}

export interface PositionFacts {
  id: string;
  symbol: string;
  status: string;
  qty: number;
  entryPrice: number;
  lastPrice: number;
}

export function positionsReply(portfolio: string, positions: readonly PositionFacts[]): string {
  if (positions.length === 0) return `No open positions [${portfolio}].`;
  return [
    `Positions [${portfolio}]:`,
    ...positions.map((p) => {
      const change = p.entryPrice > 0 ? p.lastPrice / p.entryPrice - 1 : 0;
      const value = p.qty * (p.lastPrice - p.entryPrice);
      return p.status === "pending" ? `${p.symbol} entry pending (${p.id})` : `${p.symbol} ${p.qty} @ ${money(p.entryPrice)} → ${money(p.lastPrice)} ${signed(value)} (${pct(change)}) (${p.id})`;
    }),
  ].join("\n");
}

export function profitReply(portfolio: string, s: DailySummary, fees: number): string {
  return [`Profit [${portfolio}], since ${s.day}:`, ...summaryLines(s), `Realized P&L ${signed(s.realizedPnl)} (fees ${money(fees)})`].join("\n");
}

export function refusedReply(chatId: string): string {
  return `This chat (${chatId}) is not allowed to control this bot. Add its id to TELEGRAM_CHAT_IDS to allow it.`;
}
