import { describe, expect, it } from "vitest";
import { topQuantileLabels } from "../../../src/lib/agents/quant/labels";
import { QuantOptionsSchema } from "../../../src/lib/agents/quant/options";
import { buildPanel } from "../../../src/lib/agents/quant/panel";
import { rawFeatures } from "../../../src/lib/agents/quant/raw-features";
import { crossSectionalZ, timeSeriesZ } from "../../../src/lib/agents/quant/zscore";
import { closedBy } from "../../../src/lib/agents/quant/closed-by";
import { DAY, dailyUniverse, expectClose, indexAt } from "./support";

describe("z-scores", () => {
  it("standardise a cross-section by its mean and population std", () => {
    const z = crossSectionalZ(
      [
        [1, 5],
        [2, 5],
        [3, 5],
      ],
      3,
    );
    const s = Math.sqrt(2 / 3);
    expectClose(z[0]![0], -1 / s);
    expectClose(z[1]![0], 0);
    expectClose(z[2]![0], 1 / s);
    expect(z.map((r) => r[1])).toEqual([0, 0, 0]); // no spread: 0
  });

  it("winsorise at ±3σ (reachable only with ten or more assets)", () => {
    const rows = [...Array.from({ length: 16 }, () => [0]), [1]]; // the outlier sits at √16 = 4σ
    const z = crossSectionalZ(rows, 3);
    expect(z[16]![0]).toBe(3);
    expectClose(z[0]![0], -0.25);
  });

  it("over an asset's own trailing window match a direct calculation", () => {
    const raw = rawFeatures(dailyUniverse()["BTCUSDT"]!);
    const z = timeSeriesZ(raw, 365, 90, 3);
    const first = raw.findIndex((r) => r !== null);
    expect(z[first + 88]).toBeNull();
    expect(z[first + 89]).not.toBeNull();
    let clipped = 0;
    for (let i = first + 89; i < raw.length; i += 37) {
      const from = Math.max(first, i - 364);
      for (let j = 0; j < 14; j++) {
        const xs = raw.slice(from, i + 1).map((r) => r![j]!);
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
        const e = Math.max(-3, Math.min(3, (raw[i]![j]! - mean) / sd));
        if (Math.abs(e) === 3) clipped++;
        expectClose(z[i]![j], e, `feature ${j} at ${i}`);
      }
    }
    expect(clipped).toBeGreaterThan(0);
  });
});

describe("top-quantile labels", () => {
  it("mark the best of three, and the top quarter of eight", () => {
    expect(topQuantileLabels([0.1, -0.2, 0.3], 0.25)).toEqual([0, 0, 1]);
    expect(topQuantileLabels([1, 8, 3, 7, 2, 6, 4, 5], 0.25)).toEqual([0, 1, 0, 1, 0, 0, 0, 0]);
  });
});

describe("feature panel on real BTC/ETH/SOL daily candles", () => {
  const data = dailyUniverse();
  const opts = QuantOptionsSchema.parse({});
  const panel = buildPanel(data, opts);

  it("starts the day all three assets have a 252-day history (SOL listed 2020-08-11)", () => {
    const sol = data["SOLUSDT"]!;
    expect(panel.dates[0]).toBe(sol[251]!.t + DAY);
    expect(panel.byDate.get(panel.dates[0]! - DAY)).toBeUndefined();
  });

  it("holds cross-sectional z-scores, 7-day forward returns and best-of-three labels", () => {
    const t = Date.UTC(2023, 4, 17);
    const rows = panel.byDate.get(t + DAY)!;
    expect(rows.map((r) => r.symbol)).toEqual(["BTCUSDT", "ETHUSDT", "SOLUSDT"]);
    const raws = rows.map((r) => rawFeatures(data[r.symbol]!)[indexAt(data[r.symbol]!, t)]!);
    const fwd = rows.map((r) => {
      const c = data[r.symbol]!;
      const i = indexAt(c, t);
      return c[i + 7]!.c / c[i]!.c - 1;
    });
    for (let j = 0; j < 14; j++) {
      const xs = raws.map((r) => r[j]!);
      const mean = (xs[0]! + xs[1]! + xs[2]!) / 3;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
      rows.forEach((r, k) => expectClose(r.features[j], (xs[k]! - mean) / sd, `feature ${j}`));
    }
    rows.forEach((r, k) => expectClose(r.forwardReturn, fwd[k]!));
    const best = fwd.indexOf(Math.max(...fwd));
    expect(rows.map((r) => r.label)).toEqual(rows.map((_, k) => (k === best ? 1 : 0)));
  });

  it("has no label where the data ends before the horizon", () => {
    const last = panel.dates[panel.dates.length - 1]!;
    expect(panel.byDate.get(last)!.every((r) => r.forwardReturn === null && r.label === null)).toBe(true);
    expect(panel.byDate.get(last - 7 * DAY)!.every((r) => r.label !== null)).toBe(true);
    expect(panel.byDate.get(last - 6 * DAY)!.every((r) => r.label === null)).toBe(true);
  });

  for (const normalization of ["cross-sectional", "time-series", "both"] as const) {
    it(`gives a day the same ${normalization} features whatever candles follow it`, () => {
      const o = QuantOptionsSchema.parse({ normalization });
      const full = buildPanel(data, o);
      for (const day of [Date.UTC(2022, 5, 1), Date.UTC(2023, 10, 15), Date.UTC(2025, 2, 3)]) {
        const cut = buildPanel(closedBy(data, day), o);
        expect(cut.byDate.get(day)!.map((r) => r.features)).toEqual(full.byDate.get(day)!.map((r) => r.features));
      }
    });
  }
});
