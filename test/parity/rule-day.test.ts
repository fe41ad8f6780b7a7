import { describe, expect, it } from "vitest";
import { backtestDay, backtestOutcome, liveLearner, liveOutcome, replayDay, startDay } from "./day";

describe("one core, two interpreters: the rule pipeline", () => {
  it("a replayed day decides, fills, trades and learns the same through the actors in workerd and through the backtester", async () => {
    const world = await startDay({ portfolio: "par", venue: "parv", decider: "rule" });
    const result = await backtestDay(world);
    await replayDay(world, new Set(result.decisions.map((d) => d.at)));

    const live = await liveOutcome(world.portfolio);
    const bt = backtestOutcome(result);
    // The day has what the parity is about: entries, decisions woken by a review, and safety exits (time stops).
    expect(bt.fills.filter((f) => f.side === "buy").length).toBeGreaterThanOrEqual(4);
    expect(bt.decisions.some((d) => d.layer === "review")).toBe(true);
    expect(bt.trades.filter((t) => t.exitKind === "time_stop").length).toBeGreaterThanOrEqual(1);
    expect(live.decisions).toEqual(bt.decisions);
    expect(live.fills).toEqual(bt.fills);
    expect(live.trades).toEqual(bt.trades);
    expect(await liveLearner(world.portfolio)).toEqual(result.learner);
  }, 300_000);
});
