import { describe, expect, it } from "vitest";
import { alignedContiguousHistory, latestContiguousRun } from "../../../src/lib/agents/quant/contiguous";

const DAY = 86_400_000;
const day = (i: number) => ({ t: i * DAY, o: 1, h: 1, l: 1, c: 1, v: 1 });
const run = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => day(from + k));

describe("contiguous daily history for the quant ranker", () => {
  it("takes the newest unbroken run long enough, skipping a short tail after a gap", () => {
    const candles = [...run(0, 100), ...run(110, 112)];
    expect(latestContiguousRun(candles, 50).map((c) => c.t / DAY)).toEqual(run(0, 100).map((c) => c.t / DAY));
    expect(latestContiguousRun(candles, 2).map((c) => c.t / DAY)).toEqual([110, 111]);
    expect(latestContiguousRun(candles, 101)).toEqual([]);
  });

  it("cuts every symbol at the earliest run end so they share one as-of date", () => {
    const r = alignedContiguousHistory({ A: run(0, 100), B: [...run(0, 90), ...run(95, 96)] }, 30)!;
    expect(r.asOf).toBe(90 * DAY);
    expect(r.candles.A!.at(-1)!.t).toBe(89 * DAY);
    expect(r.candles.B!.length).toBe(90);
    expect(alignedContiguousHistory({ A: run(0, 10) }, 30)).toBeNull();
  });
});
