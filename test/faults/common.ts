import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import type { Schedule } from "./schedule";

/** What both runners (exchange broker: harness.ts, paper broker: paper.ts) share. */

export interface Violation {
  invariant: string;
  seed: number;
  run: number;
  detail: string;
  schedule: string[];
}

export interface RunResult {
  schedule: Schedule;
  violations: Violation[];
  /** What each step did (accepted, refused, skipped...), for the report. */
  log: string[];
  wallMs: number;
  convergeMs: number | null;
}

/** Wall time the engine gets to converge after the last fault (invariant 5). */
export const CONVERGE_MS = 10_000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type AnyStub = DurableObjectStub;

/** Evicts an actor; one that is not running (never created, or already evicted) is noted, not an error. */
export async function evict(stub: AnyStub): Promise<string> {
  try {
    await evictDurableObject(stub);
    return "evicted";
  } catch (err) {
    const m = err instanceof Error ? err.message : String(err);
    if (/not currently running/.test(m)) return "not running";
    throw err;
  }
}

/** A call that does not answer within `ms` is a hang: reported as a violation instead of a test timeout. */
export class Hang extends Error {}
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Hang(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** An actor's durable backlog as stored: alarm, outbox, mailbox and timers (for a convergence report). */
export async function diagnose(stub: AnyStub, name: string): Promise<string> {
  const r = await settle(
    within(
      3_000,
      `${name} storage`,
      runInDurableObject(stub, async (_i, state) => {
        const sql = state.storage.sql;
        const now = Date.now();
        const one = <T>(q: string) => sql.exec(q).toArray()[0] as T;
        const alarm = await state.storage.getAlarm();
        const outbox = one<{ n: number; next: number | null; attempts: number | null; err: string | null }>(
          "SELECT COUNT(*) AS n, MIN(next_at) AS next, MAX(attempts) AS attempts, MAX(last_error) AS err FROM _outbox",
        );
        const mail = one<{ n: number; next: number | null; attempts: number | null; err: string | null }>(
          "SELECT COUNT(*) AS n, MIN(next_at) AS next, MAX(attempts) AS attempts, MAX(last_error) AS err FROM _mailbox",
        );
        const keys = sql
          .exec("SELECT key, method, attempts FROM _mailbox ORDER BY rowid")
          .toArray()
          .map((m) => `${m.key}→${m.method}#${m.attempts}`);
        const timers = sql
          .exec("SELECT name, due_at FROM _timers")
          .toArray()
          .map((t) => `${t.name}@${Number(t.due_at) - now}ms`);
        const rel = (t: number | null) => (t === null ? "none" : `${t - now}ms`);
        return `${name}: alarm ${rel(alarm)}, outbox ${outbox.n} (next ${rel(outbox.next)}, attempts ${outbox.attempts}, error ${outbox.err}), mailbox ${mail.n} (next ${rel(mail.next)}, attempts ${mail.attempts}, error ${mail.err}; ${keys.join(" ")}), timers [${timers.join(", ")}]`;
      }),
    ),
  );
  return r.ok ? r.value : `${name}: ${r.error}`;
}

/** Polls `read` until `done` holds for what it returns (or the time is up); returns the last value read. */
export async function pollUntil<T>(read: () => Promise<T>, done: (v: T) => boolean, ms: number, everyMs = 25): Promise<T> {
  const until = Date.now() + ms;
  let v = await read();
  while (!done(v) && Date.now() < until) {
    await sleep(everyMs);
    v = await read();
  }
  return v;
}

/**
 * Resets an actor the way a deploy or an exceeded limit does (`ctx.abort`): calls in flight to it fail
 * with the reset's error; the next call starts a new instance from storage. (An eviction is graceful: it
 * waits for calls in flight and serves the ones arriving meanwhile, so it never fails a delivery.)
 */
export async function reset(stub: AnyStub, why: string): Promise<string> {
  const r = await settle(runInDurableObject(stub, (_i, state) => state.abort(why)));
  return r.ok ? "not reset" : "reset";
}

/**
 * Keeps an actor busy for `ms` (its input gate held, as a long storage operation or a slow start would),
 * then resets it: every call queued at it meanwhile fails without having run.
 */
export async function resetWhileBusy(stub: AnyStub, ms: number, why: string): Promise<string> {
  const r = await settle(
    runInDurableObject(stub, (_i, state) =>
      state.blockConcurrencyWhile(async () => {
        await sleep(ms);
        throw new Error(why);
      }),
    ),
  );
  return r.ok ? "not reset" : "reset";
}

/** Where the positions and the account's book disagree on what is open, or the book still holds a pending entry. */
export function bookBlockers(positions: readonly { id: string; status: string }[], book: readonly { id: string; status: string }[]): string[] {
  const ids = (xs: readonly { id: string; status: string }[], status: string) =>
    xs
      .filter((p) => p.status === status)
      .map((p) => p.id)
      .sort();
  const engineOpen = ids(positions, "open");
  const bookOpen = ids(book, "open");
  const bookPending = book.filter((p) => p.status === "pending").map((p) => p.id);
  const out: string[] = [];
  if (bookPending.length) out.push(`account holds pending ${bookPending.join(",")}`);
  if (engineOpen.join() !== bookOpen.join()) out.push(`open positions ${engineOpen.join(",") || "none"}, account books ${bookOpen.join(",") || "none"}`);
  return out;
}

/** The run's actors stop working (alarms removed) and its simulator session ends, so later runs keep the machine. */
export async function stopActors(restBase: string, stubs: AnyStub[]): Promise<void> {
  for (const s of stubs)
    await settle(
      within(
        3_000,
        "deleteAlarm",
        runInDurableObject(s, (_i, state) => state.storage.deleteAlarm()),
      ),
    );
  await settle(fetch(`${restBase}/sim/session`, { method: "DELETE" }));
}
