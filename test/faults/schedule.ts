/**
 * The fault harness's schedules: a seeded PRNG (mulberry32) draws each run's steps from (seed, run
 * index) alone, so `--seed S --run K` replays exactly the schedule of run K. Pure: no workerd imports,
 * usable from the node side (scripts/faults.ts) as well.
 */

/** mulberry32: a small, fast 32-bit PRNG; same seed, same sequence, everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The run's own seed: (seed, run index) mixed so neighbouring runs draw unrelated schedules. */
export function runSeed(seed: number, run: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(run + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export type OrderPath = "POST order" | "DELETE order" | "GET order";

export type SimFault =
  | { type: "lost_response"; count: number; path: OrderPath }
  | { type: "error_after"; count: number; status: 503 | 500; path: OrderPath }
  | { type: "http"; count: number; status: 500 | 503 | 429; path: OrderPath; retryAfterSec?: number }
  | { type: "delayed_fill"; count: number; parts: number; ticksPerPart: number }
  | { type: "duplicate_fill_report"; count: number };

export type Step =
  /**
   * `account.requestEntry` with a fresh decision id. `evict`: "after" evicts the new position as soon as
   * the request returns (between the order intent and its send); "during" evicts it `delayMs` after the
   * request starts, while the account's `open` mail is being delivered (a failed delivery, retried).
   */
  | { kind: "entry"; decision: string; pct: number; evict: "none" | "after" | "during"; delayMs: number }
  /**
   * `account.requestExit` with a fresh decision id; `waitOpen` first waits (≤ 1.5 s) for the latest entry to
   * fill; with `evictAccountMs` the account is evicted that long after the call starts (its mail delivery to the position cut).
   */
  | { kind: "exit"; decision: string; waitOpen: boolean; evictAccountMs: number | null }
  | { kind: "advance"; minutes: number }
  | { kind: "fault"; fault: SimFault }
  /** Waits (≤ 3 s) for the latest position's entry to fill, then evicts the position or the account (the receiver of its fill report). */
  | { kind: "evict_after_fill"; target: "position" | "account" }
  /**
   * Paper broker only (drawn where an exchange run draws a simulator fault). The account is reset while it
   * receives a fill report: a new entry (`decision`; a position still held is sold first, as a SELL then a
   * BUY would) waits for its price; the account is kept busy for `holdMs` (its input gate held, as a long
   * storage operation or a slow start would) and then reset (as a deploy or an exceeded limit does), the
   * market moving `delayMs` after the hold begins. The fill report queued at the account fails and waits
   * for its retry. With `reviewExit` the next review answers EXIT and the market moves on until the exit
   * fills: the close report is posted while the fill report still waits.
   */
  | { kind: "cut_fill"; decision: string; pct: number; delayMs: number; holdMs: number; reviewExit: boolean }
  /**
   * Paper broker only. A review whose gate call fails while an exit lands: Claude holds the review's call
   * open (the gate waits), the market moves until the latest open position asks for its review, an exit
   * (`decision`) is requested through the account `exitDelayMs` later (with `fillExit` the next minute fills
   * it), then the gate is reset `resetDelayMs` later (as a deploy does), so the position's review call fails.
   */
  | { kind: "review_cut"; decision: string; exitDelayMs: number; fillExit: boolean; resetDelayMs: number };

/** Who fills the orders: the exchange broker against the simulator (default), or the paper broker. */
export type BrokerKind = "exchange" | "paper";

export interface Schedule {
  seed: number;
  run: number;
  broker: BrokerKind;
  portfolio: string;
  symbol: "BTC/USDT" | "ETH/USDT";
  /** Replay start, minute-aligned, inside the shipped window 2026-03-26T10:00Z..2026-03-29. */
  start: string;
  steps: Step[];
}

const WINDOW_START = Date.parse("2026-03-26T10:00:00Z");
/** Latest start: a run advances well under an hour, the 1m data goes to 2026-03-30. */
const WINDOW_END = Date.parse("2026-03-29T00:00:00Z");
const PATHS: OrderPath[] = ["POST order", "DELETE order", "GET order"];

/**
 * Run `run` of `seed`. A paper schedule is drawn from the same PRNG as an exchange one, step for step,
 * except that each simulator fault (order paths a paper broker never uses) is replaced by a paper fault:
 * a fill report cut off (`cut_fill`) or a review whose gate call fails while an exit lands (`review_cut`).
 * The exchange schedules are the same as before paper runs existed.
 */
export function drawSchedule(seed: number, run: number, broker: BrokerKind = "exchange"): Schedule {
  const rnd = mulberry32(runSeed(seed, run));
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const portfolio = `${broker === "paper" ? "p" : "f"}${seed}r${run}`;
  const symbol = rnd() < 0.5 ? "BTC/USDT" : "ETH/USDT";
  const minutes = Math.floor((WINDOW_END - WINDOW_START) / 60_000);
  const start = new Date(WINDOW_START + int(0, minutes) * 60_000).toISOString();
  let decisions = 0;
  const decision = () => `${portfolio}-d${++decisions}`;

  const fault = (): SimFault => {
    const r = rnd();
    const count = rnd() < 0.75 ? 1 : 2;
    if (r < 0.2) return { type: "lost_response", count, path: pick(PATHS) };
    if (r < 0.4) return { type: "error_after", count, status: rnd() < 0.5 ? 503 : 500, path: pick(PATHS) };
    if (r < 0.7) {
      const status = pick([500, 503, 429] as const);
      return status === 429 ? { type: "http", count, status, path: pick(PATHS), retryAfterSec: 1 } : { type: "http", count, status, path: pick(PATHS) };
    }
    if (r < 0.85) return { type: "delayed_fill", count: 1, parts: int(2, 3), ticksPerPart: int(1, 2) };
    return { type: "duplicate_fill_report", count: int(1, 3) };
  };
  const entry = (): Step => {
    const r = rnd();
    return { kind: "entry", decision: decision(), pct: [0.1, 0.2, 0.3][int(0, 2)]!, evict: r < 0.6 ? "none" : r < 0.8 ? "after" : "during", delayMs: int(0, 40) };
  };
  const exit = (): Step => ({ kind: "exit", decision: decision(), waitOpen: rnd() < 0.7, evictAccountMs: rnd() < 0.25 ? int(0, 40) : null });
  const paperFault = (): Step =>
    rnd() < 0.5
      ? { kind: "cut_fill", decision: decision(), pct: [0.1, 0.2, 0.3][int(0, 2)]!, delayMs: int(0, 40), holdMs: int(30, 200), reviewExit: rnd() < 0.7 }
      : { kind: "review_cut", decision: decision(), exitDelayMs: int(0, 200), fillExit: rnd() < 0.6, resetDelayMs: int(0, 150) };

  const steps: Step[] = [];
  const n = int(3, 6);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.32) steps.push(broker === "paper" ? paperFault() : { kind: "fault", fault: fault() });
    else if (r < 0.52) steps.push(entry());
    else if (r < 0.68) steps.push(exit());
    else if (r < 0.84) steps.push({ kind: "advance", minutes: int(1, 4) });
    else steps.push({ kind: "evict_after_fill", target: rnd() < 0.5 ? "position" : "account" });
  }
  // Every run trades: an entry somewhere in its first half when none was drawn, and half the runs end on an exit.
  if (!steps.some((s) => s.kind === "entry")) steps.splice(int(0, Math.floor(steps.length / 2)), 0, entry());
  if (rnd() < 0.5) steps.push(exit());
  return { seed, run, broker, portfolio, symbol, start, steps };
}

/** One line per step, for violation reports. */
export function describeStep(s: Step): string {
  switch (s.kind) {
    case "entry":
      return `entry ${s.decision} pct=${s.pct}${s.evict === "none" ? "" : s.evict === "after" ? " +evict position after" : ` +evict position during delivery (${s.delayMs} ms)`}`;
    case "exit":
      return `exit ${s.decision}${s.waitOpen ? " (after the entry fills)" : ""}${s.evictAccountMs === null ? "" : ` +evict account during delivery (${s.evictAccountMs} ms)`}`;
    case "advance":
      return `advance ${s.minutes} min`;
    case "fault":
      return `fault ${JSON.stringify(s.fault)}`;
    case "evict_after_fill":
      return `evict ${s.target} after fill`;
    case "cut_fill":
      return `cut fill report: entry ${s.decision} pct=${s.pct}; account busy ${s.holdMs} ms then reset, the market moving ${s.delayMs} ms into it${s.reviewExit ? "; then a review answers EXIT and the exit fills" : ""}`;
    case "review_cut":
      return `review cut: Claude holds a review open; exit ${s.decision} ${s.exitDelayMs} ms after it asks${s.fillExit ? ", filled by the next minute" : ""}; gate reset ${s.resetDelayMs} ms later`;
  }
}
