import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PositionActor } from "../../src/actors/position-actor";
import type { PositionClosedMessage } from "../../src/actors/messages";
import { advance, createSession, migrateD1, startPortfolio, waitFor } from "./support";

const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT"];
const START = "2026-03-26T12:00:00Z";

async function decideNow(gate: Awaited<ReturnType<typeof startPortfolio>>["gate"], portfolio: string): Promise<any> {
  await waitFor(async () => (await gate.status()).state.inFlight === null, "gate free");
  const before = (await gate.status()).decisions;
  expect((await gate.wake("test")).open).toBe(true);
  const id = `${portfolio}-d${before + 1}`;
  return waitFor(async () => env.DB.prepare("SELECT * FROM decisions WHERE id = ? AND status IN ('executed', 'failed')").bind(id).first<any>(), `decision ${id}`);
}

const closed = (id: string, regimeKey: string, pnlPct: number): PositionClosedMessage => ({
  positionId: id,
  symbol: "BTC/USDT",
  agent: "rule:synthesizer",
  decisionId: "x",
  qty: 1,
  entryPrice: 100,
  exitPrice: 100 * (1 + pnlPct),
  proceeds: 100 * (1 + pnlPct),
  exitFee: 0,
  fees: 0,
  pnl: 100 * pnlPct,
  pnlPct,
  openedAt: 1,
  closedAt: 2,
  exitKind: "decision",
  exitReason: "test",
  regimeKey,
  agentSignals: { market: 0.8, momentum: 0.6, quant: -0.5, regime: 0.4 },
});

describe("the rule pipeline in the GateActor, with the learner", () => {
  it("decides through the synthesizer with the learner's weights once it has enough trades", async () => {
    await migrateD1();
    const session = await createSession({ start: START });
    const { gate } = await startPortfolio({ portfolio: "l1", venue: "lv1", session, symbols: SYMBOLS, decider: "rule" });
    const learner = env.LEARNER.getByName("learner:l1");
    // The quant ranker trains in the learner's alarm on the tickers' daily history: the newest unbroken
    // run, which ends on 2026-03-15 because the shipped daily files stop there (the replay resumes 03-24).
    const trainedAt = await waitFor(async () => learner.quantVersion(), "quant model trained", 60_000);
    expect(trainedAt).toBe(Date.UTC(2026, 2, 16));

    const first = await decideNow(gate, "l1");
    expect(first).toMatchObject({ status: "executed", decider: "rule:synthesizer" });
    const votes0 = (await env.DB.prepare("SELECT * FROM agent_votes WHERE decision_id = ?").bind(first.id).all<any>()).results;
    expect(votes0.map((v) => v.symbol).sort()).toEqual(SYMBOLS);
    expect(votes0.every((v) => v.weights_source === "defaults")).toBe(true);
    // Scoring on 2026-03-26 would need features across the 9-day hole: the agent sits out rather than guess.
    const quant = votes0.map((v) => (JSON.parse(v.scores_json) as { agent: string; active: boolean; reason: string }[]).find((x) => x.agent === "quant")!);
    expect(quant.every((q) => !q.active && q.reason === "no quant features for this ticker at the last daily close")).toBe(true);
    const signals = (await env.DB.prepare("SELECT strategy, action FROM signals WHERE decision_id = ?").bind(first.id).all<any>()).results;
    expect(signals).toHaveLength(SYMBOLS.length * 5); // five strategies enabled by default, PASS included

    // Closed trades teach the learner (market and momentum agreed with winners, quant did not).
    const key = votes0[0]!.regime as string;
    for (let i = 0; i < 6; i++) expect((await learner.recordTrade(closed(`seed-${i}`, key, 0.05))).recorded).toBe(true);
    const second = await decideNow(gate, "l1");
    const votes = (await env.DB.prepare("SELECT * FROM agent_votes WHERE decision_id = ? AND regime = ?").bind(second.id, key).all<any>()).results;
    expect(votes.length).toBeGreaterThan(0);
    const expected = await learner.sampleWeights({ regimes: [key], seed: second.id, defaults: { quant: 0.35, market: 0.24, momentum: 0.18, sentiment: 0.12, regime: 0.11, derivatives: 0 } });
    for (const v of votes) {
      expect(v.weights_source).toBe("regime");
      expect(JSON.parse(v.weights_json)).toEqual(expected[key]!.weights);
    }
    const posteriors = await learner.posteriors();
    expect(posteriors.regimes[key]!.posteriors.market!.mean).toBeGreaterThan(posteriors.regimes[key]!.posteriors.quant!.mean);
  }, 60_000);

  it("a closed trade updates the learner once even when its delivery runs twice", async () => {
    await migrateD1();
    const session = await createSession({ start: START, symbols: ["ETHUSDT"] });
    const { account } = await startPortfolio({ portfolio: "l2", venue: "lv2", session, symbols: ["ETH/USDT"], decider: "rule" });
    const learner = env.LEARNER.getByName("learner:l2");
    const entry = await account.requestEntry({
      decisionId: "l2-d1",
      at: Date.parse(START),
      symbol: "ETH/USDT",
      positionPct: 0.2,
      agent: "rule:synthesizer",
      reason: "test",
      entryContext: { regime: "ranging", atrPct: 1, momentum: 0.01, regimeKey: "ranging", agentSignals: { market: 0.7, momentum: -0.3 } },
    });
    const pos = env.POSITION.getByName(`position:l2:${entry.positionId}`);
    await waitFor(async () => (await pos.status())?.status === "pending_entry", "entry submitted");
    await advance(session, 1);
    await waitFor(async () => (await account.summary()).positions[0]?.status === "open", "open");
    await account.requestExit({ decisionId: "l2-d2", at: Date.parse(START) + 60_000, symbol: "ETH/USDT", reason: "test exit" });
    await waitFor(async () => (await pos.status())?.status === "exiting", "exiting");
    await advance(session, 1);
    await waitFor(async () => (await learner.status()).trades === 1, "learner got the trade");
    const once = await learner.posteriors();
    expect(once.trades).toBe(1);
    expect(once.regimes.ranging!.trades).toBe(1);

    // The mailbox delivers again (as after a crash between delivery and acknowledgement), and the RPC is repeated.
    await runInDurableObject(pos, async (instance) => {
      const actor = instance as unknown as PositionActor & { mailbox: { post(k: string, b: string, t: string, m: string, p: unknown, at: number): void } };
      const p = (await actor.status())!;
      actor.mailbox.post(`closed:${p.id}:learner`, "LEARNER", "learner:l2", "recordTrade", { ...closed(p.id, "ranging", 0.01), agentSignals: { market: 0.7, momentum: -0.3 } }, 0);
      await actor.alarm();
    });
    const msg = { ...closed(entry.positionId!, "ranging", 0.01), agentSignals: { market: 0.7, momentum: -0.3 } };
    expect((await learner.recordTrade(msg)).recorded).toBe(false);
    expect(await learner.posteriors()).toEqual(once);
    expect((await learner.status()).trades).toBe(1);
  }, 60_000);
});
