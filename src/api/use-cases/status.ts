import type { Env } from "../../env";
import { actorName } from "../../actors/names";
import { executionSettings } from "../../lib/execution/mode";
import { actors, VENUE } from "../context";

type KernelStatus = Awaited<ReturnType<ReturnType<typeof actors>["gate"]["kernelStatus"]>>;

/** Every actor's durable backlog (mail, history, dead letters, quarantined state), with totals. */
function backlog(named: { name: string; kernel: KernelStatus }[]) {
  const totals = { mailPending: 0, historyPending: 0, deadLetters: 0, quarantined: 0 };
  for (const { kernel } of named) {
    totals.mailPending += kernel.mailbox.pending;
    totals.historyPending += kernel.history.pending;
    totals.deadLetters += kernel.deadLetters;
    totals.quarantined += kernel.quarantined;
  }
  const attention = named.filter(({ kernel }) => kernel.deadLetters > 0 || kernel.quarantined > 0 || kernel.mailbox.stuck !== null);
  return { ...totals, actors: attention.map(({ name, kernel }) => ({ name, ...kernel })) };
}

/** Everything at a glance (GET /api/status, the MCP `status` tool): account, feeds, gate, learner, and the backlog of durable work. */
export async function engineStatus(env: Env, portfolio?: string) {
  const a = actors(env, portfolio);
  const execution = executionSettings(env);
  const gate = await a.gate.status();
  const [account, reconciliation, learner, feeds, userStream] = await Promise.all([
    gate.configured ? a.account.summary() : Promise.resolve(null),
    gate.configured ? a.account.reconciliation() : Promise.resolve(null),
    a.learner.status(),
    Promise.all(gate.symbols.map((s) => a.ticker(s).status())),
    execution.broker === "exchange" ? env.USER_STREAM.getByName(actorName.userStream(a.portfolio)).status() : Promise.resolve(null),
  ]);
  const positions = account?.positions.map((p) => ({ name: actorName.position(a.portfolio, p.id), stub: env.POSITION.getByName(actorName.position(a.portfolio, p.id)) })) ?? [];
  const named = await Promise.all([
    a.gate.kernelStatus().then((kernel) => ({ name: actorName.gate(a.portfolio), kernel })),
    a.account.kernelStatus().then((kernel) => ({ name: actorName.account(a.portfolio), kernel })),
    a.learner.kernelStatus().then((kernel) => ({ name: actorName.learner(a.portfolio), kernel })),
    ...gate.symbols.map((s) =>
      a
        .ticker(s)
        .kernelStatus()
        .then((kernel) => ({ name: actorName.ticker(VENUE, s), kernel })),
    ),
    ...positions.map((p) => p.stub.kernelStatus().then((kernel) => ({ name: p.name, kernel }))),
    ...(execution.broker === "exchange"
      ? [
          env.USER_STREAM.getByName(actorName.userStream(a.portfolio))
            .kernelStatus()
            .then((kernel) => ({ name: actorName.userStream(a.portfolio), kernel })),
        ]
      : []),
    // The stream's mail to the notifier, and notifications given up (dead letters of kind "notification").
    a.stream.kernelStatus().then((kernel) => ({ name: actorName.stream(a.portfolio), kernel })),
    env.NOTIFIER.getByName(actorName.notifier(a.portfolio))
      .kernelStatus()
      .then((kernel) => ({ name: actorName.notifier(a.portfolio), kernel })),
  ]);
  return {
    portfolio: a.portfolio,
    mode: execution.mode,
    execution,
    clock: { mode: env.CLOCK_MODE === "feed" ? "feed" : "wall", now: gate.now },
    account,
    feeds: feeds.map((f) => ({
      symbol: f.symbol,
      status: f.feed.status,
      lastPrice: f.last?.price ?? null,
      lastEventAt: f.feed.lastEventAt,
      framesOk: f.feed.framesOk,
      dropped: f.feed.dropped,
      restRejected: f.feed.restRejected ?? {},
      disconnects: f.feed.disconnects,
      candlesBackfilled: f.feed.candlesBackfilled,
      lastError: f.feed.lastError,
    })),
    gate: { stopped: gate.stopped, decisions: gate.decisions, inFlight: gate.state.inFlight, nextCheckAt: gate.state.nextCheckAt, lastTickAgoMs: gate.lastTickAgoMs, counts: gate.counts },
    learner,
    reconciliation,
    userStream,
    backlog: backlog(named),
  };
}
