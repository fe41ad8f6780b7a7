import type { NotifyChannel, NotifyEventKind } from "./config";

/** A stream envelope as the StreamActor numbered it. */
export interface NotifyEnvelope {
  seq: number;
  ts: number;
  type: string;
  data: unknown;
}

/** One thing to tell the channels, derived from a stream event (or the daily summary). */
export interface NotifyEvent {
  kind: NotifyEventKind;
  /** Unique per portfolio: `ev:<stream seq>` or `summary:<day>`; with the channel it keys a delivery. */
  key: string;
  /** Engine time of the event. */
  ts: number;
  data: Record<string, unknown>;
  /** Set for an event that must be told at most once (e.g. `budget.spent` once per UTC day). */
  onceKey?: string;
  /** A channel not to tell (the one whose failure this event reports). */
  skipChannel?: NotifyChannel;
}

const DAY = 86_400_000;

export function utcDay(ms: number): string {
  return new Date(Math.floor(ms / DAY) * DAY).toISOString().slice(0, 10);
}

function record(x: unknown): Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Record<string, unknown>) : { value: x };
}

function str(x: unknown): string | null {
  return typeof x === "string" ? x : null;
}

/** What a `risk.alert` is: its `kind`, its source and reason, or the trading state it reports. */
function alertKind(d: Record<string, unknown>): { kind: NotifyEventKind; onceKey?: (ts: number) => string; skipChannel?: NotifyChannel } | null {
  const kind = str(d.kind);
  if (kind === "kill" || kind === "pause" || kind === "resume" || kind === "reducing") return { kind };
  if (d.source === "llm") {
    if (kind === "breaker_opened") return { kind: "breaker.opened" };
    if (kind === "budget_spent" || str(d.reason)?.startsWith("daily LLM budget spent")) return { kind: "budget.spent", onceKey: (ts) => `budget.spent:${utcDay(ts)}` };
    // The day's Claude calls are used up: the rules decide until the next UTC day; told once a day, apart from the budget.
    if (kind === "calls_capped") return { kind: "alert", onceKey: (ts) => `llm.calls_capped:${utcDay(ts)}` };
    return { kind: "alert" };
  }
  if (d.source === "NotifierActor" && d.reason === "dead_letter") {
    const detail = record(d.detail);
    if (detail.kind === "notification") {
      // A failed failure report is not reported again (two broken channels would tell each other forever).
      if (detail.method === "delivery.failed") return null;
      const channel = str(detail.target)?.split(":")[0];
      return { kind: "delivery.failed", ...(channel === "telegram" || channel === "discord" || channel === "webhook" ? { skipChannel: channel } : {}) };
    }
  }
  if (kind === null && d.tradingState === "HALTED") return { kind: "halt" };
  return { kind: "alert" };
}

/** The notification a stream event makes, or null for an event no channel is told about. */
export function classifyEvent(ev: NotifyEnvelope): NotifyEvent | null {
  const data = record(ev.data);
  const key = `ev:${ev.seq}`;
  if (ev.type === "position.opened" || ev.type === "position.closed") return { kind: ev.type, key, ts: ev.ts, data };
  if (ev.type !== "risk.alert") return null;
  const a = alertKind(data);
  if (!a) return null;
  return { kind: a.kind, key, ts: ev.ts, data, ...(a.onceKey ? { onceKey: a.onceKey(ev.ts) } : {}), ...(a.skipChannel ? { skipChannel: a.skipChannel } : {}) };
}
