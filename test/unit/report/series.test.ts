import { describe, expect, it } from "vitest";
import { seededRng } from "../../../src/lib/util/rng";
import { downsampleMinMax } from "../../../tools/report/downsample";
import { computeDrawdown } from "../../../tools/report/drawdown";
import { timeTicks } from "../../../tools/report/time-ticks";
import { valueTicks } from "../../../tools/report/value-ticks";
import { DAY } from "./fixtures";

describe("computeDrawdown", () => {
  it("measures each point against the running peak", () => {
    const dd = computeDrawdown([100, 120, 90, 130, 65].map((equity, t) => ({ t, equity })));
    expect(dd.map((d) => d.drawdown)).toEqual([0, 0, -0.25, 0, -0.5]);
  });
});

describe("downsampleMinMax", () => {
  const rng = seededRng(11);
  const series = Array.from({ length: 10_001 }, (_, i) => ({ i, v: rng.next() }));

  it("keeps first, last, global extremes and original order within maxPoints", () => {
    const out = downsampleMinMax(series, 500, (p) => p.v);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out[0]).toBe(series[0]);
    expect(out.at(-1)).toBe(series.at(-1));
    const vals = series.map((p) => p.v);
    expect(out.some((p) => p.v === Math.max(...vals))).toBe(true);
    expect(out.some((p) => p.v === Math.min(...vals))).toBe(true);
    for (let k = 1; k < out.length; k++) expect(out[k]!.i).toBeGreaterThan(out[k - 1]!.i);
  });

  it("keeps every bucket's extremes, so no local spike is lost", () => {
    const spiky = series.map((p) => ({ ...p, v: p.i === 4321 ? 1e9 : p.i === 8765 ? -1e9 : p.v }));
    const out = downsampleMinMax(spiky, 200, (p) => p.v);
    expect(out.map((p) => p.i)).toEqual(expect.arrayContaining([4321, 8765]));
  });

  it("returns a short series unchanged", () => {
    expect(downsampleMinMax(series.slice(0, 50), 100, (p) => p.v)).toEqual(series.slice(0, 50));
  });
});

describe("axis ticks", () => {
  it("puts 3-year daily ticks on half-year boundaries", () => {
    const t0 = Date.UTC(2021, 11, 15);
    const ticks = timeTicks(t0, t0 + 3 * 365 * DAY, 7);
    expect(ticks.map((k) => k.label)).toEqual(["Jan 2022", "Jul 2022", "Jan 2023", "Jul 2023", "Jan 2024", "Jul 2024"]);
    expect(ticks[0]!.t).toBe(Date.UTC(2022, 0, 1));
  });

  it("uses dates for day steps and times for hour steps", () => {
    const t0 = Date.UTC(2024, 4, 1);
    expect(timeTicks(t0, t0 + 10 * DAY, 6).map((k) => k.label)).toEqual(["2024-05-01", "2024-05-03", "2024-05-05", "2024-05-07", "2024-05-09", "2024-05-11"]);
    expect(timeTicks(t0, t0 + DAY / 2, 5)[1]!.label).toBe("05-01 03:00");
  });

  it("never returns more ticks than asked for", () => {
    for (const span of [0.3, 2, 9, 40, 200, 1000, 5000]) expect(timeTicks(0, span * DAY, 5).length).toBeLessThanOrEqual(5);
  });

  it("labels equity ticks compactly and drawdown ticks as percentages", () => {
    expect(valueTicks(9_000, 41_000, 4, "compact").map((k) => k.label)).toEqual(["10k", "20k", "30k", "40k"]);
    expect(valueTicks(-0.09, 0, 4, "percent").map((k) => k.label)).toEqual(["-8%", "-6%", "-4%", "-2%", "0%"]);
    expect(valueTicks(0.95, 1.27, 3, "compact").map((k) => k.label)).toEqual(["1.0", "1.1", "1.2"]);
  });
});
