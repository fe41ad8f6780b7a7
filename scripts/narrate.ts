import type { Readable } from "node:stream";

interface LogLine {
  level?: string;
  scope?: string;
  event?: string;
  [key: string]: unknown;
}

const money = (x: unknown) => (typeof x === "number" ? x.toFixed(2) : String(x));

/** One readable sentence for the engine's structured log events that tell the story of a trade. */
export function describeEvent(e: LogLine): string | null {
  switch (e.event) {
    case "feed.bootstrapped":
      return `feed    ${e.symbol}: history loaded, ${e.minutes} recent minutes`;
    case "feed.lost":
      return `feed    ${e.symbol}: connection lost (${e.why}), reconnecting`;
    case "feed.backfilled":
      return `feed    ${e.symbol}: backfilled ${e.minutes} missed minutes`;
    case "gate.open":
      return `gate    wakes the decider (${e.layer}): ${e.reason}`;
    case "gate.decided": {
      const outcomes = Array.isArray(e.outcomes) ? (e.outcomes as string[]).filter((o) => !o.includes(" HOLD ")) : [];
      return outcomes.length ? `decide  ${e.decisionId} (${e.trigger}): ${outcomes.join("; ")}` : null;
    }
    case "account.entry_denied":
      return `risk    ${e.symbol} entry denied: ${e.reason}`;
    case "position.opened":
      return `open    ${e.position}: ${typeof e.qty === "number" ? e.qty.toPrecision(6) : e.qty} ${e.symbol} at ${money(e.price)}`;
    case "position.exit_requested":
      return `exit    ${e.position}: ${e.reason}`;
    case "position.closed":
      return `closed  ${e.position}: PnL ${money(e.pnl)} USDT (${e.kind})`;
    case "account.halted":
      return `risk    trading HALTED: ${e.reason}`;
    default:
      return e.level === "error" ? `error   ${e.scope ?? "engine"} ${e.event ?? ""}: ${String(e.error ?? e.message ?? e.reason ?? "")}` : null;
  }
}

/** Colour and cursor escapes (CSI and OSC sequences): wrangler and workerd colour some lines even with NO_COLOR. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** wrangler's and workerd's own error lines, e.g. "✘ [ERROR] …", "[wrangler:error] …". */
const ERROR_LINE = /^(?:✘\s*)?\[(?:ERROR|wrangler:err(?:or)?)\]\s*(.*)$/;

/** The story line for one line of wrangler's output, or null when it tells nothing. */
export function describeLine(raw: string): string | null {
  const line = stripAnsi(raw).trim();
  const start = line.indexOf("{");
  if (start >= 0) {
    try {
      const parsed: unknown = JSON.parse(line.slice(start));
      if (parsed && typeof parsed === "object") return describeEvent(parsed as LogLine);
    } catch {
      // not one of ours
    }
  }
  const error = ERROR_LINE.exec(line);
  return error ? `error   wrangler: ${error[1]}` : null;
}

/** Follows wrangler's output (stdout and stderr: error-level lines go to stderr) and prints the story as it happens. */
export function narrate(streams: Readable | readonly Readable[], print: (line: string) => void): void {
  const list: readonly Readable[] = Array.isArray(streams) ? streams : [streams as Readable];
  for (const stream of list) {
    let buffer = "";
    stream.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        const text = describeLine(line);
        if (text) print(`  ${text}`);
      }
    });
  }
}
