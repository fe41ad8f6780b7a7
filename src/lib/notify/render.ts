import type { NotifyEvent } from "./events";
import type { DailySummary } from "./summary";

/** A notification before it is shaped for a channel: a title and a few lines. */
export interface Rendered {
  title: string;
  lines: string[];
}

const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const text = (x: unknown, fallback = "?"): string => (typeof x === "string" && x.length > 0 ? x : typeof x === "number" ? String(x) : fallback);

/** 1234.5 → "1,234.50"; small prices keep significant digits (0.000123). */
export function money(x: unknown): string {
  const v = num(x);
  if (v === null) return "?";
  const abs = Math.abs(v);
  const digits = abs !== 0 && abs < 1 ? Math.min(8, 2 - Math.floor(Math.log10(abs)) + 1) : 2;
  return v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: digits });
}

export function signed(x: unknown): string {
  const v = num(x);
  if (v === null) return "?";
  return `${v >= 0 ? "+" : "−"}${money(Math.abs(v))}`;
}

/** A fraction as a signed percentage: 0.0123 → "+1.23%". */
export function pct(x: unknown): string {
  const v = num(x);
  if (v === null) return "?";
  return `${v >= 0 ? "+" : "−"}${Math.abs(v * 100).toFixed(2)}%`;
}

function qty(x: unknown): string {
  const v = num(x);
  return v === null ? "?" : String(Number(v.toPrecision(8)));
}

function duration(ms: unknown): string | null {
  const v = num(ms);
  if (v === null || v < 0) return null;
  const m = Math.round(v / 60_000);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** The daily summary's lines (also the /profit answer's core). */
export function summaryLines(s: DailySummary): string[] {
  const lines = [
    `Equity ${money(s.equity)} (day ${signed(s.dayPnl)}, ${pct(s.dayPnlPct)})`,
    `Cash ${money(s.cash)}, ${s.openPositions ?? "?"} open position${s.openPositions === 1 ? "" : "s"}, state ${s.tradingState}`,
    `Trades closed: ${s.trades.length} (${s.wins} won, ${s.losses} lost), P&L ${signed(s.tradesPnl)}`,
  ];
  for (const t of s.trades.slice(0, 10)) lines.push(`  ${t.symbol} ${signed(t.pnl)} (${pct(t.pnlPct)}) ${t.exitKind}`);
  if (s.trades.length > 10) lines.push(`  … and ${s.trades.length - 10} more`);
  return lines;
}

/** Title and lines of one notification; the same words on every channel. */
export function renderEvent(ev: NotifyEvent): Rendered {
  const d = ev.data;
  switch (ev.kind) {
    case "position.opened":
      return {
        title: `Opened ${text(d.symbol)}`,
        lines: [`Bought ${qty(d.qty)} at ${money(d.entryPrice)} (fee ${money(d.fee)})`, ...(d.reason ? [`Why: ${text(d.reason)}`] : []), `Position ${text(d.positionId)}`],
      };
    case "position.closed": {
      const held = duration(num(d.closedAt) !== null && num(d.openedAt) !== null ? (d.closedAt as number) - (d.openedAt as number) : null);
      return {
        title: `Closed ${text(d.symbol)} ${signed(d.pnl)} (${pct(d.pnlPct)})`,
        lines: [
          `Sold ${qty(d.qty)} at ${money(d.exitPrice)}, entry ${money(d.entryPrice)}${held ? `, held ${held}` : ""}`,
          `Exit: ${text(d.exitKind)}${d.exitReason ? ` (${text(d.exitReason)})` : ""}`,
          `Position ${text(d.positionId)}`,
        ],
      };
    }
    case "halt":
      return { title: "Trading HALTED", lines: [text(d.reason, "no reason recorded"), "Entries are refused until an operator resumes (/resume)."] };
    case "kill":
      return {
        title: "Kill switch engaged",
        lines: [
          `By ${text(d.by)}: ${text(d.reason)}`,
          d.flatten === true ? "Every position is asked to exit." : "Open orders are cancelled; positions are held.",
          `Positions: ${Array.isArray(d.positions) && d.positions.length ? d.positions.join(", ") : "none"}`,
        ],
      };
    case "pause":
      return { title: "Entries paused", lines: [`By ${text(d.by)}: ${text(d.reason)}`, "Exits go on; /resume clears it."] };
    case "resume":
      return { title: "Trading resumed", lines: [`By ${text(d.by)}: ${text(d.reason)}`, `State ${text(d.tradingState)}`] };
    case "reducing":
      return { title: "REDUCING: exits only", lines: [text(d.reason, "no reason recorded"), "An operator's resume ends it."] };
    case "breaker.opened":
      return { title: "Claude circuit breaker opened", lines: [text(d.reason), "The rule pipeline decides until the breaker closes."] };
    case "budget.spent":
      return { title: "Daily LLM budget spent", lines: [text(d.reason), "The rule pipeline decides until the next UTC day."] };
    case "delivery.failed": {
      const f = (d.detail ?? {}) as Record<string, unknown>;
      return { title: "A notification could not be delivered", lines: [`Channel ${text(f.target)}, event ${text(f.method)}, after ${text(f.attempts)} attempts`, `Error: ${text(f.error)}`] };
    }
    case "alert":
      return { title: `Alert${d.source ? ` from ${text(d.source)}` : ""}`, lines: [text(d.reason ?? d.kind, "no reason given"), ...(d.tradingState ? [`State ${text(d.tradingState)}`] : [])] };
    case "daily.summary": {
      const s = d as unknown as DailySummary;
      return { title: `Daily summary ${s.day}`, lines: summaryLines(s) };
    }
  }
}

const TELEGRAM_MAX = 4096;
const DISCORD_MAX = 2000;

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Telegram: plain text (no parse_mode, so nothing needs escaping), the portfolio in brackets. */
export function telegramText(r: Rendered, portfolio: string): string {
  return clip([`${r.title} [${portfolio}]`, ...r.lines].join("\n"), TELEGRAM_MAX);
}

/** Discord markdown characters in free text are escaped; the title is bold. */
export function discordEscape(s: string): string {
  return s.replace(/([\\*_~`|>[\]])/g, "\\$1").replace(/^([#-])/gm, "\\$1");
}

export function discordContent(r: Rendered, portfolio: string): string {
  return clip([`**${discordEscape(r.title)}** [${discordEscape(portfolio)}]`, ...r.lines.map(discordEscape)].join("\n"), DISCORD_MAX);
}

/** The generic webhook's JSON body: the event's data for machines, the text for people. */
export interface WebhookBody {
  /** Unique per delivery target: a receiver that keeps it can drop a repeat. */
  id: string;
  portfolio: string;
  event: string;
  /** Engine time of the event (ms). */
  ts: number;
  title: string;
  text: string;
  data: Record<string, unknown>;
}

export function webhookBody(ev: NotifyEvent, r: Rendered, portfolio: string): WebhookBody {
  return { id: `${portfolio}:${ev.key}`, portfolio, event: ev.kind, ts: ev.ts, title: r.title, text: [r.title, ...r.lines].join("\n"), data: ev.data };
}
