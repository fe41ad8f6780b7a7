import { env } from "cloudflare:workers";
import { advance, balanceOf, exchangePortfolio, exchangeTruth, simPost, tickerStub, type ExchangeTruth, type SimSession } from "../exchange/support";
import type { PositionState } from "../../src/lib/execution/position";
import { bookBlockers, stopActors, CONVERGE_MS, Hang, diagnose, evict, settle, sleep, within, type AnyStub, type RunResult, type Violation } from "./common";
import { describeStep, type Schedule, type Step } from "./schedule";

export type { RunResult, Violation } from "./common";

/**
 * Runs one schedule through the real actors (account, positions, ticker, learner) against its own
 * simulator session, lets the engine converge with the faults cleared, and checks the invariants
 * against the simulator's truth (GET sim/state).
 */

/** Below this value (USDT) what a closed position leaves on the exchange is dust. */
const DUST = 5;
const EPS_CASH = 0.01;
const FINAL_POSITION = new Set(["open", "closed", "failed"]);

type AccountView = { cash: number; feesPaid: number; closedCount: number; positions: { id: string; status: string }[] };
type KernelView = { mailbox: { pending: number }; history: { pending: number }; deadLetters: number };

async function kernel(stub: AnyStub): Promise<KernelView> {
  return (await (stub as unknown as { kernelStatus(): Promise<KernelView> }).kernelStatus()) as KernelView;
}

/** Orders a position still has in flight: anything not final except a protective stop resting untouched. */
function inFlight(p: PositionState): string[] {
  return p.orders
    .filter((o) => {
      if (o.status === "intent" || o.status === "sent" || o.status === "unknown") return true;
      if (o.status === "submitted" || o.status === "partially_filled") return o.purpose !== "stop" || o.cancelRequested === true;
      return false;
    })
    .map((o) => `${o.clientOrderId}:${o.status}${o.cancelRequested ? "(cancel)" : ""}`);
}

/** Polls a position until it has left pending_entry (or the time is up); returns its last status. */
async function waitStatus(stub: { status(): Promise<unknown> }, ms: number): Promise<PositionState | null> {
  const until = Date.now() + ms;
  let st: PositionState | null = null;
  while (Date.now() < until) {
    st = (await stub.status()) as PositionState | null;
    if (st && st.status !== "pending_entry") break;
    await sleep(25);
  }
  return st;
}

export async function runSchedule(schedule: Schedule): Promise<RunResult> {
  const t0 = Date.now();
  const log: string[] = [];
  const violations: Violation[] = [];
  const scheduleLines = [`portfolio ${schedule.portfolio} ${schedule.symbol} start ${schedule.start}`, ...schedule.steps.map((s, i) => `${i + 1}. ${describeStep(s)}`)];
  const violate = (invariant: string, detail: string) => violations.push({ invariant, seed: schedule.seed, run: schedule.run, detail, schedule: scheduleLines });

  const { session, account, position } = await exchangePortfolio(schedule.portfolio, schedule.symbol, schedule.start);
  const usdtStart = balanceOf(await exchangeTruth(session), "USDT");
  const base = schedule.symbol.split("/")[0]!;
  /** Every position id an entry request may have created (accepted, or the request died mid-way). */
  const candidates: string[] = [];
  let latest: string | null = null;
  let at = Date.parse(schedule.start);
  const engineAt = () => (at += 1_000);

  for (const [i, step] of schedule.steps.entries()) {
    const line = `${i + 1}. ${describeStep(step)}`;
    try {
      log.push(`${line} -> ${await within(15_000, `step ${i + 1}`, runStep(step))}`);
    } catch (err) {
      log.push(`${line} -> ${err instanceof Error ? err.message : String(err)}`);
      violate(err instanceof Hang ? "step_hang" : "step_error", `${line}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async function runStep(step: Step): Promise<string> {
    switch (step.kind) {
      case "entry": {
        const id = `${step.decision}-${base}`;
        candidates.push(id);
        const req = { decisionId: step.decision, at: engineAt(), symbol: schedule.symbol, positionPct: step.pct, agent: "faults", reason: "fault harness" };
        if (step.evict === "during") {
          const running = settle(account.requestEntry(req));
          await sleep(step.delayMs);
          const ev = await evict(position(id));
          const r = await running;
          if (!r.ok || r.value.accepted) latest = id;
          return `${r.ok ? (r.value.accepted ? "accepted" : `refused: ${r.value.detail}`) : `request died: ${r.error}`} (position at ${step.delayMs} ms: ${ev})`;
        }
        const r = await account.requestEntry(req);
        if (r.accepted) latest = id;
        const ev = r.accepted && step.evict === "after" ? `, position ${await evict(position(id))}` : "";
        return r.accepted ? `accepted ${id}${ev}` : `refused: ${r.detail}`;
      }
      case "exit": {
        if (step.waitOpen && latest) await waitStatus(position(latest), 1_500);
        const req = { decisionId: step.decision, at: engineAt(), symbol: schedule.symbol, reason: "fault harness exit" };
        if (step.evictAccountMs !== null) {
          const running = settle(account.requestExit(req));
          await sleep(step.evictAccountMs);
          const ev = await evict(account);
          const r = await running;
          return `${r.ok ? (r.value.accepted ? "accepted" : `refused: ${r.value.detail}`) : `request died: ${r.error}`} (account at ${step.evictAccountMs} ms: ${ev})`;
        }
        const r = await account.requestExit(req);
        return r.accepted ? `accepted ${r.positionId}` : `refused: ${r.detail}`;
      }
      case "advance":
        await advance(session, step.minutes);
        at += step.minutes * 60_000;
        return "ok";
      case "fault":
        await simPost(session, "fault", step.fault);
        return "armed";
      case "evict_after_fill": {
        if (!latest) return "skipped (no position)";
        const stub = position(latest);
        const st = await waitStatus(stub, 3_000);
        if (!st || st.status !== "open") return `skipped (position ${st?.status ?? "missing"})`;
        return `${step.target} ${await evict(step.target === "position" ? stub : account)} (position open)`;
      }
      case "cut_fill":
      case "review_cut":
        return "skipped (paper broker only)";
    }
  }

  // ---- convergence: faults cleared, the market moves, the engine settles --------------------
  await simPost(session, "fault", { type: "clear" });
  const tFault = Date.now();
  await advance(session, 2);
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
    // A late or delayed order needs ticks to fill: the market keeps moving while the engine settles.
    if (Date.now() - lastAdvance > 2_000) {
      await advance(session, 1);
      lastAdvance = Date.now();
    }
    await sleep(100);
  }
  async function probe(): Promise<void> {
    const seen: PositionState[] = [];
    const blockers: string[] = [];
    for (const id of candidates) {
      const st = await within(3_000, `${id}.status`, position(id).status());
      if (!st) continue;
      seen.push(st);
      if (!FINAL_POSITION.has(st.status)) blockers.push(`${id} is ${st.status}`);
      const flying = inFlight(st);
      if (flying.length) blockers.push(`${id} in flight: ${flying.join(",")}`);
      const k = await within(3_000, `${id}.kernelStatus`, kernel(position(id)));
      if (k.mailbox.pending || k.history.pending) blockers.push(`${id} mailbox ${k.mailbox.pending}, history ${k.history.pending}`);
    }
    positions = seen;
    acct = (await within(3_000, "account.summary", account.summary())) as AccountView;
    const ak = await within(3_000, "account.kernelStatus", kernel(account));
    if (ak.mailbox.pending || ak.history.pending) blockers.push(`account mailbox ${ak.mailbox.pending}, history ${ak.history.pending}`);
    blockers.push(...bookBlockers(positions, acct!.positions));
    if (blockers.length === 0) converged = true;
    else why = blockers.join("; ");
  }
  const convergeMs = converged ? Date.now() - tFault : null;
  if (!converged) {
    const stored = [await diagnose(account, "account"), ...(await Promise.all(candidates.map((id) => diagnose(position(id), id))))];
    violate("5_convergence", `not converged ${CONVERGE_MS} ms after the last fault: ${why}\nstored backlog (times relative to now):\n${stored.join("\n")}`);
  }

  // ---- invariants against the exchange's truth ---------------------------------------------
  const truth: ExchangeTruth = await exchangeTruth(session);
  let learnerTrades = 0;
  checkInvariants(truth);

  function checkInvariants(t: ExchangeTruth) {
    if (!acct) {
      violate("account_unreachable", "the account never answered summary() after the last step");
      return;
    }
    // (1) at most one exchange order per client order id.
    const dup = Object.entries(t.ordersByClientId).filter(([, n]) => n > 1);
    if (dup.length) violate("1_one_order_per_client_id", dup.map(([c, n]) => `${c} created ${n} times`).join("; "));

    // (2) no phantom order, no lost or phantom position.
    const known = new Map<string, string>();
    for (const p of positions) for (const o of p.orders) known.set(o.clientOrderId, p.id);
    const phantom = t.orders.filter((o) => !known.has(o.clientOrderId));
    if (phantom.length) violate("2_no_phantom_order", phantom.map((o) => `${o.clientOrderId} (${o.side} ${o.type} ${o.status} executed ${o.executedQty}) belongs to no position`).join("; "));
    const price = currentPrice(t);
    const openQty = positions.filter((p) => p.status === "open").reduce((q, p) => q + p.qty, 0);
    const closed = positions.filter((p) => p.status === "closed");
    const exchangeBase = balanceOf(t, base);
    const dustAllowed = DUST * closed.length + EPS_CASH;
    if (openQty > 0 && exchangeBase < openQty - dustAllowed / price) violate("2_no_lost_position", `engine holds ${openQty} ${base} open, the exchange holds ${exchangeBase}`);
    if (openQty === 0 && exchangeBase * price > dustAllowed)
      violate("2_no_phantom_position", `no open position, the exchange holds ${exchangeBase} ${base} (${(exchangeBase * price).toFixed(2)} USDT, dust allowed ${dustAllowed.toFixed(2)})`);

    // (3) cash, base and fees agree with the exchange.
    const usdtChange = balanceOf(t, "USDT") - usdtStart;
    const expectedCash = 10_000 + usdtChange;
    if (Math.abs(acct.cash - expectedCash) > EPS_CASH)
      violate("3_cash", `account cash ${acct.cash.toFixed(6)}, initial cash + exchange USDT change ${expectedCash.toFixed(6)} (diff ${(acct.cash - expectedCash).toFixed(6)})`);
    const baseDiffValue = Math.abs(exchangeBase - openQty) * price;
    if (baseDiffValue > dustAllowed) violate("3_base", `exchange ${base} ${exchangeBase}, open positions ${openQty}: ${baseDiffValue.toFixed(2)} USDT apart (dust allowed ${dustAllowed.toFixed(2)})`);
    const commissions = t.trades.reduce((f, tr) => f + (tr.commissionAsset === "USDT" ? Number(tr.commission) : Number(tr.commission) * Number(tr.price)), 0);
    if (Math.abs(acct.feesPaid - commissions) > EPS_CASH) violate("3_fees", `account fees ${acct.feesPaid.toFixed(6)}, exchange commissions ${commissions.toFixed(6)} USDT`);

    // (4) every closed position booked once by the account and once by the learner.
    if (acct.closedCount !== closed.length) violate("4_account_closes", `account closedCount ${acct.closedCount}, closed positions ${closed.length}`);
    learnerTrades = closed.length;
  }
  const learned = (await within(5_000, "learner.status", env.LEARNER.getByName(`learner:${schedule.portfolio}`).status())).trades;
  if (learned !== learnerTrades) violate("4_learner_trades", `learner trades ${learned}, closed positions ${learnerTrades}`);

  log.push(
    `final: ${positions.map((p) => `${p.id}=${p.status}${p.exitReason ? ` (${p.exitReason})` : ""}`).join(", ") || "no positions"}; ${acct ? `cash ${acct.cash.toFixed(2)}, closedCount ${acct.closedCount}` : "account unreachable"}`,
  );
  await quiesce(session, schedule, candidates);
  return { schedule, violations, log, wallMs: Date.now() - t0, convergeMs };
}

function currentPrice(t: ExchangeTruth): number {
  const prices = (t as unknown as { prices: Record<string, number> }).prices;
  const p = Object.values(prices ?? {})[0];
  if (p) return Number(p);
  const last = t.trades[t.trades.length - 1];
  return last ? Number(last.price) : 1;
}

/** After the verdict: the run's actors stop working (ticker stopped, alarms removed) so later runs keep the machine. */
async function quiesce(session: SimSession, schedule: Schedule, candidates: string[]): Promise<void> {
  await settle(within(3_000, "ticker.stop", tickerStub(schedule.symbol, schedule.portfolio).stop()));
  const stubs: AnyStub[] = [env.ACCOUNT.getByName(`account:${schedule.portfolio}`), ...candidates.map((id) => env.POSITION.getByName(`position:${schedule.portfolio}:${id}`))];
  await stopActors(session.restBase, stubs);
}
