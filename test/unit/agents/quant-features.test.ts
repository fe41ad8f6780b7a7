import { describe, expect, it } from "vitest";
import { FEATURE_NAMES } from "../../../src/lib/agents/quant/feature-names";
import { rawFeatures } from "../../../src/lib/agents/quant/raw-features";
import type { Candle } from "../../../src/lib/market/candle";
import { loadCandles } from "../../../sim/data/candles";
import { expectClose } from "./support";

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

/** Wilder RSI(14) and ATR(14) of every candle, by the textbook recursions. */
function wilder(c: readonly Candle[]) {
  const rsi: (number | null)[] = [null];
  const atr: (number | null)[] = [null];
  let g = 0;
  let l = 0;
  let a = 0;
  for (let i = 1; i < c.length; i++) {
    const d = c[i]!.c - c[i - 1]!.c;
    const tr = Math.max(c[i]!.h - c[i]!.l, Math.abs(c[i]!.h - c[i - 1]!.c), Math.abs(c[i]!.l - c[i - 1]!.c));
    if (i < 14) {
      g += Math.max(d, 0);
      l += Math.max(-d, 0);
      a += tr;
      rsi.push(null);
      atr.push(null);
      continue;
    }
    if (i === 14) {
      g = (g + Math.max(d, 0)) / 14;
      l = (l + Math.max(-d, 0)) / 14;
      a = (a + tr) / 14;
    } else {
      g = (g * 13 + Math.max(d, 0)) / 14;
      l = (l * 13 + Math.max(-d, 0)) / 14;
      a = (a * 13 + tr) / 14;
    }
    rsi.push(l === 0 ? 100 : 100 - 100 / (1 + g / l));
    atr.push((100 * a) / c[i]!.c);
  }
  return { rsi, atr };
}

/** Every factor at candle i, written from its definition. */
function naive(c: readonly Candle[], i: number, w: ReturnType<typeof wilder>): number[] {
  const close = (j: number) => c[j]!.c;
  const tp = (j: number) => (c[j]!.h + c[j]!.l + c[j]!.c) / 3;
  const mfiIdx = range(i - 13, i);
  const pos = sum(mfiIdx.map((j) => (tp(j) > tp(j - 1) ? tp(j) * c[j]!.v : 0)));
  const neg = sum(mfiIdx.map((j) => (tp(j) < tp(j - 1) ? tp(j) * c[j]!.v : 0)));
  // OBV over the whole history, then the regression slope by the closed-form formula.
  const obv = [0];
  for (let j = 1; j <= i; j++) obv.push(obv[j - 1]! + Math.sign(c[j]!.c - c[j - 1]!.c) * c[j]!.v);
  const ys = range(i - 19, i).map((j) => obv[j]!);
  const xs = range(0, 19);
  const slope = (20 * sum(xs.map((x, k) => x * ys[k]!)) - sum(xs) * sum(ys)) / (20 * sum(xs.map((x) => x * x)) - sum(xs) ** 2);
  const avgVol = sum(range(i - 19, i).map((j) => c[j]!.v)) / 20;
  const gk = Math.sqrt(sum(range(i - 19, i).map((j) => 0.5 * Math.log(c[j]!.h / c[j]!.l) ** 2 - (2 * Math.log(2) - 1) * Math.log(c[j]!.c / c[j]!.o) ** 2)) / 20);
  const logs = range(i - 19, i).map((j) => Math.log(close(j) / close(j - 1)));
  const lm = sum(logs) / 20;
  const rv = Math.sqrt(sum(logs.map((x) => (x - lm) ** 2)) / 19);
  const er = Math.abs(close(i) - close(i - 20)) / sum(range(i - 19, i).map((j) => Math.abs(close(j) - close(j - 1))));
  const volRatio = sum(range(i - 4, i).map((j) => c[j]!.v)) / 5 / avgVol;
  const win = range(i - 19, i).map(close);
  const mean = sum(win) / 20;
  const sd = Math.sqrt(sum(win.map((x) => (x - mean) ** 2)) / 20);
  const high = Math.max(...range(i - 251, i).map((j) => c[j]!.h));
  const amihud = Math.log(sum(range(i - 19, i).map((j) => Math.abs(close(j) / close(j - 1) - 1) / (close(j) * c[j]!.v))) / 20);
  return [
    close(i) / close(i - 5) - 1,
    close(i) / close(i - 21) - 1,
    close(i) / close(i - 63) - 1,
    w.rsi[i]!,
    neg === 0 ? 100 : 100 - 100 / (1 + pos / neg),
    slope / avgVol,
    gk,
    rv,
    w.atr[i]!,
    er,
    volRatio,
    (4 * sd) / mean,
    close(i) / high - 1,
    amihud,
  ];
}

describe("quant ranker factors", () => {
  for (const symbol of ["ETHUSDT", "SOLUSDT"]) {
    it(`match their definitions on real ${symbol} daily candles`, () => {
      const c = loadCandles(symbol, "1d");
      const w = wilder(c);
      const raw = rawFeatures(c);
      expect(raw[250]).toBeNull();
      let compared = 0;
      for (let i = 251; i < c.length; i += 9) {
        const expected = naive(c, i, w);
        const actual = raw[i];
        expect(actual).not.toBeNull();
        expected.forEach((e, k) => expectClose(actual![k], e, `${symbol} ${FEATURE_NAMES[k]} at ${i}`));
        compared++;
      }
      expect(compared).toBeGreaterThan(190);
    });
  }

  it("do not change for a day when later candles arrive (point in time)", () => {
    const c = loadCandles("BTCUSDT", "1d");
    const full = rawFeatures(c);
    for (const end of [300, 900, 1500, c.length - 2]) {
      const cut = rawFeatures(c.slice(0, end + 1));
      expect(cut[end]).toEqual(full[end]);
    }
  });
});
