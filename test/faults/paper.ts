import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { advance, createSession, llmControl, migrateD1, simState, startTicker, tickerStub, waitFor, type SimSession } from "../workers/support";
import type { PositionState } from "../../src/lib/execution/position";
import { bookBlockers, stopActors, CONVERGE_MS, Hang, diagnose, evict, pollUntil, reset, resetWhileBusy, settle, sleep, within, type AnyStub, type RunResult, type Violation } from "./common";
import { describeStep, type Schedule, type Step } from "./schedule";

/**
 * The paper broker under the same seeded schedules: positions fill at the feed's next price, so there is
 * no exchange truth. The engine is checked against itself once it has converged: the account's book
 * against the positions' own states, its cash against their entries and closes, closes booked once by
 * account and learner, and every position's history moving forward only (status reads in order, and no
 * order or trade row in D1 that the position no longer has). Reviews ask Claude (the local Messages-API
 * server), which `review_cut` uses to hold a review's gate call open.
 *
 * Invariants (violation names): p1_* the account's book against the positions (p1_lost_close: a closed
 * position the account still holds; p1_lost_fill: an open one it holds pending; p1_unbooked_open: an open
 * one it does not hold), p2_cash (initial cash + Σ closed PnL − Σ held entry cost and fee, within 0.01),
 * p3_account_closes and p4_learner_trades (= closed positions), 5_convergence (10 s), step_hang,
 * p6_status_backwards (a position read exiting or closed, later open) and p7_history_ahead (D1 holds an
 * order or trade the position no longer has): an exit or a close undone, as a stale write does.
 * Actors are read through their own storage (runInDurableObject) where RPC names differ between versions.
 */

export const INITIAL_CASH = 10_000;
const EPS_CASH = 0.01;
const FINAL = new Set(["open", "closed", "failed"]);
const RANK: Record<string, number> = { pending_entry: 0, open: 1, exiting: 2, closed: 3, failed: 3 };

type AccountView = { cash: number; closedCount: number; positions: { id: string; status: string }[] };

/** Mail and history an actor still holds, read from its storage (the kernel's own tables). */
async function backlog(stub: AnyStub): Promise<{ mail: number; history: number }> {
  return runInDurableObject(stub, (_i, state) => {
    const n = (t: string) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`).one().n;
    return { mail: n("_mailbox"), history: n("_outbox") };
  });
}

/** A position's status and its fill report as the position holds it (attempts so far; null once delivered). */
async function fillReport(stub: AnyStub, id: string): Promise<{ status: string | null; attempts: number | null; error: string | null }> {
  return runInDurableObject(stub, (instance, state) => {
    const row = state.storage.sql.exec<{ attempts: number; last_error: string | null }>("SELECT attempts, last_error FROM _mailbox WHERE key = ?", `filled:${id}`).toArray()[0];
    const pos = (instance as unknown as { pos: PositionState | null }).pos;
    return { status: pos?.status ?? null, attempts: row ? row.attempts : null, error: row?.last_error ?? null };
  });
}

async function llmHeld(): Promise<number> {
  return ((await llmControl("state")) as { held: number }).held;
}

/** The position a held review call is about (its id is in the review's prompt). */
async function heldReviewOf(ids: string[]): Promise<string | null> {
  const reqs = (await llmControl("requests")) as { status: number | null; error: string | null; body: unknown }[];
  const held = reqs.filter((r) => r.status === null).pop();
  if (!held) return null;
  const text = JSON.stringify(held.body);
  return ids.find((id) => text.includes(id)) ?? null;
}

export async function runPaperSchedule(schedule: Schedule): Promise<RunResult> {
  const t0 = Date.now();
  const log: string[] = [];
  const violations: Violation[] = [];
  const scheduleLines = [`portfolio ${schedule.portfolio} ${schedule.symbol} start ${schedule.start} (paper broker)`, ...schedule.steps.map((s, i) => `${i + 1}. ${describeStep(s)}`)];
  const violate = (invariant: string, detail: string) => violations.push({ invariant, seed: schedule.seed, run: schedule.run, detail, schedule: scheduleLines });
  const { portfolio, symbol } = schedule;
  const base = symbol.split("/")[0]!;

  await migrateD1();
  await llmControl("reset", {});
  const session = await createSession({ start: schedule.start, symbols: [symbol.replace("/", "")] });
  // Fresh stubs for every call: a stub that was connected to an instance the harness reset stays broken.
  const account = () => env.ACCOUNT.getByName(`account:${portfolio}`);
  const gate = () => env.GATE.getByName(`gate:${portfolio}`);
  const position = (id: string) => env.POSITION.getByName(`position:${portfolio}:${id}`);
  await account().init({ portfolio, venue: portfolio, restUrl: session.restBase, symbols: [symbol], initialCash: INITIAL_CASH });
  await startTicker(session, symbol, portfolio, portfolio);
  await waitFor(async () => (await simState(session)).connections > 0, "socket connected");

  /** Every position id an entry request may have created (accepted, or the request died mid-way). */
  const candidates: string[] = [];
  let latest: string | null = null;
  let at = Date.parse(schedule.start);
  const engineAt = () => (at += 1_000);
  const move = async (minutes: number) => {
    await advance(session, minutes);
    at += minutes * 60_000;
  };

  /** Every status the harness read of each position, in order, with where it was read. */
  const seen = new Map<string, { status: string; where: string }[]>();
  let where = "setup";
  const statusOf = async (id: string): Promise<PositionState | null> => {
    const st = (await position(id).status()) as PositionState | null;
    if (st) {
      const h = seen.get(id) ?? [];
      if (h[h.length - 1]?.status !== st.status) h.push({ status: st.status, where });
      seen.set(id, h);
    }
    return st;
  };
  const waitLeft = (id: string, status: string, ms: number) =>
    pollUntil(
      () => statusOf(id),
      (s) => s !== null && s.status !== status,
      ms,
    );
  /** The latest position's entry filled: the market moves a minute when it still waits for a price. */
  const filled = async (id: string, ms: number): Promise<PositionState | null> => {
    const st = await statusOf(id);
    if (st?.status !== "pending_entry") return st;
    await move(1);
    return waitLeft(id, "pending_entry", ms);
  };

  for (const [i, step] of schedule.steps.entries()) {
    const line = `${i + 1}. ${describeStep(step)}`;
    where = `step ${i + 1} (${step.kind})`;
    try {
      log.push(`${line} -> ${await within(15_000, `step ${i + 1}`, runStep(step))}`);
    } catch (err) {
      log.push(`${line} -> ${err instanceof Error ? err.message : String(err)}`);
      violate(err instanceof Hang ? "step_hang" : "step_error", `${line}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async function entry(decision: string, pct: number) {
    const id = `${decision}-${base}`;
    candidates.push(id);
    const r = await account().requestEntry({ decisionId: decision, at: engineAt(), symbol, positionPct: pct, agent: "faults", reason: "fault harness" });
    if (r.accepted) latest = id;
    return { id, r };
  }

  async function runStep(step: Step): Promise<string> {
    switch (step.kind) {
      case "entry": {
        const id = `${step.decision}-${base}`;
        if (step.evict === "during") {
          candidates.push(id);
          const running = settle(account().requestEntry({ decisionId: step.decision, at: engineAt(), symbol, positionPct: step.pct, agent: "faults", reason: "fault harness" }));
          await sleep(step.delayMs);
          const ev = await evict(position(id));
          const r = await running;
          if (!r.ok || r.value.accepted) latest = id;
          return `${r.ok ? (r.value.accepted ? "accepted" : `refused: ${r.value.detail}`) : `request died: ${r.error}`} (position at ${step.delayMs} ms: ${ev})`;
        }
        const { r } = await entry(step.decision, step.pct);
        const ev = r.accepted && step.evict === "after" ? `, position ${await evict(position(id))}` : "";
        return r.accepted ? `accepted ${id}${ev}` : `refused: ${r.detail}`;
      }
      case "exit": {
        // Paper fills need a price: the latest entry fills when the market moves; then the account books it (its fill report).
        const st = step.waitOpen && latest ? await filled(latest, 1_500) : null;
        if (st?.status === "open")
          await pollUntil(
            () => account().summary(),
            (a) => a.positions.some((p) => p.id === st.id && p.status === "open"),
            1_000,
          );
        const req = { decisionId: step.decision, at: engineAt(), symbol, reason: "fault harness exit" };
        const note = st ? ` (latest ${st.status})` : "";
        if (step.evictAccountMs !== null) {
          const running = settle(account().requestExit(req));
          await sleep(step.evictAccountMs);
          const ev = await evict(account());
          const r = await running;
          return `${r.ok ? (r.value.accepted ? "accepted" : `refused: ${r.value.detail}`) : `request died: ${r.error}`} (account at ${step.evictAccountMs} ms: ${ev})${note}`;
        }
        const r = await account().requestExit(req);
        return `${r.accepted ? `accepted ${r.positionId}` : `refused: ${r.detail}`}${note}`;
      }
      case "advance":
        await move(step.minutes);
        return "ok";
      case "fault":
        return "skipped (exchange broker only)";
      case "evict_after_fill": {
        if (!latest) return "skipped (no position)";
        const st = await filled(latest, 3_000);
        if (!st || st.status !== "open") return `skipped (position ${st?.status ?? "missing"})`;
        return `${step.target} ${await evict(step.target === "position" ? position(latest) : account())} (position open)`;
      }
      case "cut_fill":
        return cutFill(step);
      case "review_cut":
        return reviewCut(step);
    }
  }

  async function cutFill(step: Extract<Step, { kind: "cut_fill" }>): Promise<string> {
    let sold = "";
    const held = latest ? await statusOf(latest) : null;
    if (held && (held.status === "open" || held.status === "exiting")) {
      // One position per symbol: the one held is sold first (a SELL, then the BUY).
      const heldId = held.id;
      const r = await account().requestExit({ decisionId: `${step.decision}s`, at: engineAt(), symbol, reason: "fault harness: sold before a new entry" });
      if (held.status === "exiting" || r.accepted) {
        const st = await waitLeft(heldId, "open", 500);
        if (st?.status === "exiting") await move(1);
        const end = await pollUntil(
          () => statusOf(heldId),
          (x) => x?.status === "closed",
          1_000,
        );
        // The account books the close when its report arrives; until then it still holds the symbol.
        const freed = await pollUntil(
          () => account().summary(),
          (a) => !a.positions.some((p) => p.id === heldId),
          1_000,
        );
        sold = `sold ${heldId} (${end?.status ?? "missing"}${freed.positions.some((p) => p.id === heldId) ? ", still booked" : ""}); `;
      } else sold = `sell refused: ${r.detail}; `;
    }
    const e = await entry(step.decision, step.pct);
    if (!e.r.accepted) return `${sold}skipped (entry refused: ${e.r.detail})`;
    const pid = e.id;
    const st = await pollUntil(
      () => statusOf(pid),
      (x) => x !== null,
      1_000,
    );
    if (st?.status !== "pending_entry") return `${sold}entry ${pid} accepted; skipped (position ${st?.status ?? "missing"})`;
    if (step.reviewExit) await llmControl("script", { responses: [{ action: "EXIT", confidence: 0.9, reasoning: "fault harness: exit after the fill report was cut" }] });
    const t = Date.now();
    const busy = resetWhileBusy(account(), step.holdMs, "fault harness: account reset while busy");
    await sleep(step.delayMs);
    const moved = await settle(move(1));
    const wasReset = await busy;
    if (!moved.ok) return `${sold}market move failed: ${moved.error}`;
    const opened = await waitLeft(pid, "pending_entry", 1_000);
    const fill = await fillReport(position(pid), pid);
    const report = fill.attempts === null ? "delivered" : fill.attempts === 0 ? "not delivered yet" : `failed ${fill.attempts}× (${fill.error}), waits for its retry`;
    let tail = "";
    if (step.reviewExit && opened?.status === "open") {
      // A review is due 3 minutes of market time after the fill; it answers EXIT, the next minute fills it.
      await move(4);
      const ex = await waitLeft(pid, "open", 1_000);
      if (ex?.status === "exiting") await move(1);
      const end = await pollUntil(
        () => statusOf(pid),
        (x) => x?.status === "closed",
        1_000,
      );
      tail = `; review exit: ${end?.status ?? "missing"} ${Date.now() - t} ms after the hold began`;
    }
    return `${sold}entry ${pid} ${opened?.status ?? "missing"}; account ${wasReset} after ${step.holdMs} ms busy; fill report ${report}${tail}`;
  }

  async function reviewCut(step: Extract<Step, { kind: "review_cut" }>): Promise<string> {
    if (!latest) return "skipped (no position)";
    const st = await filled(latest, 1_000);
    if (st?.status !== "open") return `skipped (position ${st?.status ?? "missing"})`;
    await llmControl("mode", { mode: "timeout", count: 1 });
    // The market moves until a position's review asks Claude, whose call is then held open.
    let minutes = 0;
    let held = 0;
    while (minutes < 5 && held === 0) {
      await move(1);
      minutes++;
      held = await pollUntil(llmHeld, (n) => n > 0, 300);
    }
    if (held === 0) {
      await llmControl("mode", { mode: "policy" });
      return `skipped (no review asked Claude in ${minutes} min)`;
    }
    const tHeld = Date.now();
    const reviewed = await heldReviewOf(candidates);
    const before = reviewed ? await statusOf(reviewed) : null;
    await sleep(step.exitDelayMs);
    const r = await settle(account().requestExit({ decisionId: step.decision, at: engineAt(), symbol, reason: "fault harness exit during a review" }));
    const exitTo = r.ok && r.value.accepted ? r.value.positionId! : null;
    let landed = exitTo ? (await waitLeft(exitTo, "open", 500))?.status : null;
    if (exitTo && step.fillExit && landed === "exiting") {
      await move(1);
      landed = (
        await pollUntil(
          () => statusOf(exitTo),
          (x) => x?.status === "closed",
          500,
        )
      )?.status;
    }
    await sleep(step.resetDelayMs);
    const stillHeld = (await llmHeld()) > 0;
    const gateReset = await reset(gate(), "fault harness: gate reset during a review");
    const resetAt = Date.now() - tHeld;
    where = `${where}, after the gate reset during ${reviewed ?? "a"} review`;
    // The review ends: failed (the gate was reset), or answered when Claude's call had already timed out.
    const after =
      reviewed && before
        ? await pollUntil(
            () => statusOf(reviewed),
            (x) => (x?.reviews ?? 0) > before.reviews,
            2_000,
          )
        : null;
    const exitNote = r.ok ? (r.value.accepted ? `exit accepted for ${exitTo} (${landed})` : `exit refused: ${r.value.detail}`) : `exit request died: ${r.error}`;
    const ended = after && before && after.reviews > before.reviews ? "review ended" : "review not ended";
    return `review of ${reviewed ?? "?"} held after ${minutes} min; ${exitNote}; gate ${gateReset} ${resetAt} ms into the call (${stillHeld ? "Claude still held it" : "Claude had timed out"}); ${reviewed ?? "?"} after the review: ${after?.status ?? "?"} (${ended})`;
  }

  // ---- convergence: the market moves, the engine settles --------------------------------------
  where = "convergence";
  await llmControl("mode", { mode: "policy" });
  const tFault = Date.now();
  await move(2);
  let lastAdvance = Date.now();
  let converged = false;
  let why = "";
  let positions: PositionState[] = [];
  let acct = null as AccountView | null;
  while (Date.now() - tFault <= CONVERGE_MS) {
    try {
      await probe();
    } catch (err) {
      if (!(err instanceof Hang)) throw err;
      why = err.message;
    }
    if (converged) break;
    // A waiting entry or exit fills at the next price: the market keeps moving while the engine settles.
    if (Date.now() - lastAdvance > 2_000) {
      await move(1);
      lastAdvance = Date.now();
    }
    await sleep(100);
  }
  async function probe(): Promise<void> {
    const found: PositionState[] = [];
    const blockers: string[] = [];
    for (const id of candidates) {
      const st = await within(3_000, `${id}.status`, statusOf(id));
      if (!st) continue;
      found.push(st);
      if (!FINAL.has(st.status)) blockers.push(`${id} is ${st.status}`);
      const k = await within(3_000, `${id} backlog`, backlog(position(id)));
      if (k.mail || k.history) blockers.push(`${id} mailbox ${k.mail}, history ${k.history}`);
    }
    positions = found;
    acct = (await within(3_000, "account.summary", account().summary())) as AccountView;
    const ak = await within(3_000, "account backlog", backlog(account()));
    if (ak.mail || ak.history) blockers.push(`account mailbox ${ak.mail}, history ${ak.history}`);
    blockers.push(...bookBlockers(positions, acct!.positions));
    if (blockers.length === 0) converged = true;
    else why = blockers.join("; ");
  }
  const convergeMs = converged ? Date.now() - tFault : null;
  if (!converged) {
    const stored = [await diagnose(account(), "account"), ...(await Promise.all(candidates.map((id) => diagnose(position(id), id))))];
    violate("5_convergence", `not converged ${CONVERGE_MS} ms after the last fault: ${why}\nstored backlog (times relative to now):\n${stored.join("\n")}`);
  }

  // ---- invariants: the engine against itself ------------------------------------------------
  where = "verdict";
  if (!acct) violate("account_unreachable", "the account never answered summary() after the last step");
  else checkBook(acct);
  const closed = positions.filter((p) => p.status === "closed");
  const learned = (await within(5_000, "learner.status", env.LEARNER.getByName(`learner:${portfolio}`).status())).trades;
  if (learned !== closed.length) violate("p4_learner_trades", `learner trades ${learned}, closed positions ${closed.length}`);
  checkForward();
  await checkHistory();

  function checkBook(a: AccountView): void {
    const book = new Map(a.positions.map((p) => [p.id, p.status]));
    const describe = (p: PositionState) => `${p.id} (${p.status}${p.exitKind ? `, exit ${p.exitKind}: ${p.exitReason}` : ""}${p.pnl !== null ? `, pnl ${p.pnl.toFixed(4)}` : ""})`;
    for (const p of positions) {
      const held = book.get(p.id);
      if (p.status === "closed" && held) violate("p1_lost_close", `${describe(p)} is closed, the account still holds it ${held}: the close was never booked (account closedCount ${a.closedCount})`);
      if (p.status === "failed" && held) violate("p1_lost_failure", `${describe(p)} failed, the account still holds it ${held}`);
      if ((p.status === "open" || p.status === "exiting") && held === "pending")
        violate("p1_lost_fill", `${describe(p)} is ${p.status}, the account still holds it pending: its fill was never booked`);
      if ((p.status === "open" || p.status === "exiting") && !held) violate("p1_unbooked_open", `${describe(p)} is ${p.status}, the account does not hold it (account closedCount ${a.closedCount})`);
      book.delete(p.id);
    }
    for (const [id, status] of book) violate("p1_orphan_booking", `the account holds ${id} ${status}, which no position is`);

    // Cash: every closed position's net PnL, every held one's entry cost and fee, nothing else.
    const closedPnl = positions.filter((p) => p.status === "closed").reduce((s, p) => s + (p.pnl ?? 0), 0);
    const holding = positions.filter((p) => p.status === "open" || p.status === "exiting").reduce((s, p) => s + p.qty * p.entryPrice + p.entryFee, 0);
    const expected = INITIAL_CASH + closedPnl - holding;
    if (Math.abs(a.cash - expected) > EPS_CASH)
      violate(
        "p2_cash",
        `account cash ${a.cash.toFixed(6)}, initial + closed PnL ${closedPnl.toFixed(6)} − held entries ${holding.toFixed(6)} = ${expected.toFixed(6)} (diff ${(a.cash - expected).toFixed(6)})`,
      );
    const nClosed = positions.filter((p) => p.status === "closed").length;
    if (a.closedCount !== nClosed) violate("p3_account_closes", `account closedCount ${a.closedCount}, closed positions ${nClosed}`);
  }

  /** A position's status never goes back (pending_entry → open → exiting → closed, or → failed). */
  function checkForward(): void {
    for (const [id, h] of seen) {
      for (let i = 1; i < h.length; i++) {
        if (RANK[h[i]!.status]! < RANK[h[i - 1]!.status]!) {
          violate("p6_status_backwards", `${id} went ${h[i - 1]!.status} → ${h[i]!.status} (read ${h[i - 1]!.where}, then ${h[i]!.where}); status reads: ${h.map((x) => x.status).join(" → ")}`);
          break;
        }
      }
    }
  }

  /** D1 holds what each position wrote: an order or trade row the position no longer has means its state went back. */
  async function checkHistory(): Promise<void> {
    const orders = (
      await env.DB.prepare("SELECT id, position_id, purpose, status FROM orders WHERE portfolio = ?").bind(portfolio).all<{ id: string; position_id: string; purpose: string; status: string }>()
    ).results;
    const trades = (await env.DB.prepare("SELECT id, exit_kind, exit_reason FROM trades WHERE portfolio = ?").bind(portfolio).all<{ id: string; exit_kind: string; exit_reason: string }>()).results;
    const byId = new Map(positions.map((p) => [p.id, p]));
    for (const o of orders) {
      const p = byId.get(o.position_id);
      if (!p) continue;
      const mine = p.orders.find((x) => x.clientOrderId === o.id);
      if (!mine) violate("p7_history_ahead", `${p.id} is ${p.status} without its ${o.purpose} order ${o.id}, which D1 holds as ${o.status}: the order was undone`);
      else if (o.status === "filled" && mine.status !== "filled") violate("p7_history_ahead", `${p.id}: order ${o.id} is ${mine.status}, D1 holds it filled`);
    }
    for (const t of trades) {
      const p = byId.get(t.id);
      if (p && p.status !== "closed") violate("p7_history_ahead", `${p.id} is ${p.status}, D1 holds its trade (closed by ${t.exit_kind}: ${t.exit_reason}): the close was undone`);
    }
  }

  log.push(
    `final: ${positions.map((p) => `${p.id}=${p.status}${p.exitReason ? ` (${p.exitReason})` : ""}`).join(", ") || "no positions"}; ${acct ? `cash ${acct.cash.toFixed(2)}, closedCount ${acct.closedCount}` : "account unreachable"}`,
  );
  await quiesce(session, schedule, candidates);
  return { schedule, violations, log, wallMs: Date.now() - t0, convergeMs };
}

/** After the verdict: the run's actors stop working (ticker stopped, alarms removed) so later runs keep the machine. */
async function quiesce(session: SimSession, schedule: Schedule, candidates: string[]): Promise<void> {
  await settle(within(3_000, "ticker.stop", tickerStub(schedule.symbol, schedule.portfolio).stop()));
  await settle(llmControl("reset", {}));
  const p = schedule.portfolio;
  const stubs: AnyStub[] = [
    env.ACCOUNT.getByName(`account:${p}`),
    env.GATE.getByName(`gate:${p}`),
    env.LEARNER.getByName(`learner:${p}`),
    ...candidates.map((id) => env.POSITION.getByName(`position:${p}:${id}`)),
  ];
  await stopActors(session.restBase, stubs);
}
