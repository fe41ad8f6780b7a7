import { env } from "cloudflare:workers";
import { pathPointTime } from "../../src/lib/market/candle-path";
import { actorName } from "../../src/actors/names";
import { simPost, tickerStub, waitFor, type SimSession } from "../workers/support";

const MINUTE = 60_000;

/** A portfolio's actors that can still be working on what a frame started. */
export interface Quiet {
  portfolio: string;
  venue: string;
  symbols: string[];
}

/** True when an actor has no mail to deliver and no timer due (none running in its alarm). */
async function kernelIdle(stub: { kernelStatus(): Promise<{ mailbox: { pending: number }; timersDue: string[] }> }): Promise<boolean> {
  const k = await stub.kernelStatus();
  return k.mailbox.pending === 0 && k.timersDue.length === 0;
}

/**
 * Waits until every actor of the portfolio has done everything the frames up to `at` started: each ticker has handled
 * them (fan-out included), the gate has no decision in flight, and the gate, the account, every position the account
 * has held and the learner have no mail to deliver and no timer running.
 */
export async function quiescent(q: Quiet, at: number, frames: number, positions: Set<string>, everyMs = 2): Promise<void> {
  const gate = env.GATE.getByName(actorName.gate(q.portfolio));
  const account = env.ACCOUNT.getByName(actorName.account(q.portfolio));
  const learner = env.LEARNER.getByName(actorName.learner(q.portfolio));
  let busy = "";
  const idle = async (): Promise<boolean> => {
    for (const symbol of q.symbols) {
      const t = await tickerStub(symbol, q.venue).status();
      busy = `ticker ${symbol}: frame at ${t.feed.lastEventAt}, ${t.feed.framesOk} frames, ${t.framesPending} pending`;
      if (t.feed.lastEventAt !== at || t.feed.framesOk < frames || t.framesPending > 0) return false;
    }
    busy = `gate: ${JSON.stringify((await gate.status()).state.inFlight)} ${JSON.stringify(await gate.kernelStatus())}`;
    if ((await gate.status()).state.inFlight !== null || !(await kernelIdle(gate))) return false;
    for (const p of (await account.summary()).positions) positions.add(p.id);
    busy = `account: ${JSON.stringify(await account.kernelStatus())}`;
    if (!(await kernelIdle(account))) return false;
    for (const id of positions) {
      const stub = env.POSITION.getByName(actorName.position(q.portfolio, id));
      busy = `position ${id}: ${JSON.stringify(await stub.kernelStatus())}`;
      if (!(await kernelIdle(stub))) return false;
    }
    busy = `learner: ${JSON.stringify(await learner.kernelStatus())}`;
    return kernelIdle(learner);
  };
  await waitFor(idle, `the portfolio quiet after ${new Date(at).toISOString()} (${busy})`, 30_000, everyMs).catch((err: unknown) => {
    throw new Error(`${String(err)}; busy: ${busy}`);
  });
}

/**
 * Replays `minutes` one-minute candles from `from` through the simulator's frames (its opening frame, two partials and
 * the close: the backtester's four path points at its times), and waits until the portfolio is quiet after every frame
 * at one of `instants` (a close and the next opening frame share a time: each is waited on) and at the end of each run
 * of frames between them. A frame's own reactions (the positions' fills, stops and reviews, the gate's verdicts) are
 * done before the ticker takes the next; what a decision starts runs on in the gate's alarm, so the replay waits where
 * one opens. The instants are the backtest's decisions: a decision the actors open elsewhere shows as a difference.
 */
export async function steppedReplay(s: SimSession, q: Quiet, from: number, minutes: number, instants: ReadonlySet<number>): Promise<{ positions: Set<string>; frames: number; waits: number }> {
  const positions = new Set<string>();
  const times: number[] = [];
  for (let m = from; m < from + minutes * MINUTE; m += MINUTE) for (let k = 0; k < 4; k++) times.push(pathPointTime(m, MINUTE, k));
  let sent = 0;
  let waits = 0;
  for (let i = 0; i < times.length; i++) {
    if (!instants.has(times[i]!) && i < times.length - 1) continue;
    const run = i + 1 - sent;
    await simPost(s, "advance", { frames: run });
    sent = i + 1;
    // A long run of frames is looked at less often: the probes' calls would compete with the ticker taking them.
    await quiescent(q, times[i]!, sent, positions, run > 4 ? 50 : 2);
    waits++;
  }
  return { positions, frames: sent, waits };
}
