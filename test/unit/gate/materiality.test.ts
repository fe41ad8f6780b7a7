import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import {
  checkedMateriality,
  initialMateriality,
  materialStep,
  observeBaseCandle,
  refreshBand,
  refreshHourly,
  stopMove,
  storedMateriality,
  type MaterialityState,
} from "../../../src/lib/gate/materiality";
import type { Candle } from "../../../src/lib/market/candle";

const cfg = DEFAULT_CONFIG.gate.material;
const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 24);

/** 30 days of hourly candles alternating ±0.5 %: σ of the hourly log returns ≈ 0.005; 100 units of volume an hour. */
function hourly(): Candle[] {
  const out: Candle[] = [];
  let c = 100;
  for (let i = 0; i < 30 * 24 + 1; i++) {
    c *= i % 2 === 0 ? 1.005 : 1 / 1.005;
    out.push({ t: T0 - (30 * 24 + 1 - i) * HOUR, o: c, h: c, l: c, c, v: 100 });
  }
  return out;
}

const minute = (i: number, c: number, v = 100 / 60): Candle => ({ t: T0 + i * MIN, o: c, h: c, l: c, c, v });

/** Feeds minutes 0..n-1 at `price(i)`; answers the state and every move with its minute. */
function feed(s: MaterialityState, n: number, price: (i: number) => number, volume = 100 / 60, from = 0) {
  const moves: { i: number; kind: string }[] = [];
  for (let i = from; i < from + n; i++) {
    const r = observeBaseCandle(s, "BTC/USDT", minute(i, price(i), volume), MIN, cfg);
    s = r.state;
    for (const m of r.moves) moves.push({ i, kind: m.kind });
  }
  return { s, moves };
}

describe("material moves", () => {
  const ready = () => refreshHourly(initialMateriality(), hourly(), cfg, T0);

  it("measures σ of the hourly returns over the last 30 days", () => {
    expect(ready().sigma).toBeCloseTo(Math.log(1.005), 6);
    expect(refreshHourly(initialMateriality(), hourly().slice(-10), cfg, T0).sigma).toBeNull();
    // The returns on either side of a missing hour are not hourly returns: they are left out, not counted as one.
    const holed = hourly();
    holed.splice(360, 1, ...[]);
    expect(refreshHourly(initialMateriality(), holed, cfg, T0).sigma).toBeCloseTo(Math.log(1.005), 6);
  });

  it("falls back on the 4h candles scaled to an hour when hourly ones are missing", () => {
    const four: Candle[] = [];
    let c = 100;
    for (let i = 0; i < 30 * 6 + 1; i++) {
      c *= i % 2 === 0 ? 1.01 : 1 / 1.01;
      four.push({ t: T0 - (30 * 6 + 1 - i) * 4 * HOUR, o: c, h: c, l: c, c, v: 400 });
    }
    const s = refreshHourly(initialMateriality(), [], cfg, T0, four);
    expect(s.sigma).toBeCloseTo(Math.log(1.01) / 2, 6);
    expect(s.hourlyVolume).toBeCloseTo(100, 6);
  });

  it("a 3 σ hour on the usual volume is one return shock, re-armed only once the hour calms", () => {
    // 61 flat minutes, then a steady climb reaching +1.6 % (≈ 3.2 σ) over the trailing hour, then flat again.
    const climb = (i: number) => (i < 61 ? 100 : i < 121 ? 100 * (1 + 0.016 * ((i - 60) / 60)) : 101.6);
    const r = feed(ready(), 300, climb);
    expect(r.moves.filter((m) => m.kind === "return_shock")).toHaveLength(1);
    const at = r.moves[0]!.i;
    expect(Math.log(climb(at) / climb(at - 60)) / Math.log(1.005)).toBeGreaterThanOrEqual(2.5);
    // Flat after the climb: the hour's return falls back inside 1.5 σ and the check is armed again.
    expect(r.s.shockArmed).toBe(true);
  });

  it("a steady slide that never calms fires again for each new leg of shockSigma σ", () => {
    // Flat for an hour, then down 3 σ an hour (0.015 a minute-hour at σ ≈ 0.005) for four hours without a pause.
    const slide = (i: number) => (i < 61 ? 100 : 100 * Math.exp(-0.015 * ((i - 60) / 60)));
    const r = feed(ready(), 61 + 240, slide);
    const shocks = r.moves.filter((m) => m.kind === "return_shock");
    expect(shocks.length).toBeGreaterThanOrEqual(3);
    // Each leg at least 2.5 σ past the price of the one before.
    for (let k = 1; k < shocks.length; k++) {
      expect(Math.abs(Math.log(slide(shocks[k]!.i) / slide(shocks[k - 1]!.i))) / Math.log(1.005)).toBeGreaterThanOrEqual(2.5);
    }
  });

  it("no shock without the volume behind it, and none below 2.5 σ", () => {
    const climb = (i: number) => (i < 61 ? 100 : 100 * (1 + 0.016 * Math.min(1, (i - 60) / 60)));
    expect(feed(ready(), 200, climb, 1).moves).toHaveLength(0);
    const small = (i: number) => (i < 61 ? 100 : 100 * (1 + 0.01 * Math.min(1, (i - 60) / 60)));
    expect(feed(ready(), 200, small).moves).toHaveLength(0);
  });

  it("a gap in the minutes restarts the trailing hour", () => {
    let s = feed(ready(), 61, () => 100).s;
    // Minute 200 after a gap: +3 % against minute 60, but the hour is not contiguous: no move.
    const r = observeBaseCandle(s, "BTC/USDT", minute(200, 103), MIN, cfg);
    expect(r.moves).toHaveLength(0);
    expect(r.state.closes).toEqual([103]);
    s = r.state;
  });

  it("a close leaving the decision-timeframe band is one band break until the price is back at the middle", () => {
    const fourHour: Candle[] = Array.from({ length: 20 }, (_, i) => ({ t: T0 - (20 - i) * 4 * HOUR, o: 100, h: 100, l: 100, c: i % 2 ? 101 : 99, v: 1 }));
    let s = refreshBand(initialMateriality(), fourHour, cfg);
    expect(s.band!.upper).toBeCloseTo(102, 6);
    // Inside, out (break), further out, back inside but above the middle (still the same break), out again (no new
    // break), back at the middle (re-armed), out (a new break).
    const prices = [100, 102.5, 103, 101, 102.6, 100, 102.7];
    const kinds: string[][] = [];
    prices.forEach((p, i) => {
      const r = observeBaseCandle(s, "BTC/USDT", minute(i, p), MIN, cfg);
      s = r.state;
      kinds.push(r.moves.map((m) => m.kind));
    });
    expect(kinds).toEqual([[], ["band_break"], [], [], [], [], ["band_break"]]);
  });

  it("finds nothing between closes coarser than an hour, or when disabled", () => {
    const s = ready();
    expect(observeBaseCandle(s, "BTC/USDT", { t: T0, o: 1, h: 1, l: 1, c: 2, v: 1 }, 4 * HOUR, cfg).moves).toHaveLength(0);
    expect(feed(s, 200, (i) => (i < 61 ? 100 : 110)).moves.length).toBeGreaterThan(0);
    const off = { ...cfg, enabled: false };
    let t = s;
    let n = 0;
    for (let i = 0; i < 200; i++) {
      const r = observeBaseCandle(t, "BTC/USDT", minute(i, i < 61 ? 100 : 110), MIN, off);
      t = r.state;
      n += r.moves.length;
    }
    expect(n).toBe(0);
  });

  it("a price stop is a material move; a time stop or a decision's exit is not", () => {
    expect(stopMove("ETH/USDT", "hard_stop", T0, "hard stop: -15%")).toMatchObject({ kind: "stop", symbol: "ETH/USDT", at: T0 });
    expect(stopMove("ETH/USDT", "trailing_stop", T0, "trail")).not.toBeNull();
    expect(stopMove("ETH/USDT", "time_stop", T0, "held 7 d")).toBeNull();
    expect(stopMove("ETH/USDT", "decision", T0, "sell")).toBeNull();
  });

  it("keeps σ by the close as the full recomputation gives it, over gaps in the hours and the 4h fallback", () => {
    // 50 days of hourly candles with a pseudo-random walk, two holes in the hours; 4h candles from the same walk.
    const hours: Candle[] = [];
    let c = 100;
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const start = T0 - 50 * 24 * HOUR;
    for (let i = 0; i < 50 * 24; i++) {
      c *= 1 + 0.01 * rnd();
      if (i === 300 || (i >= 700 && i < 720)) continue;
      hours.push({ t: start + i * HOUR, o: c, h: c, l: c, c, v: 100 + 50 * rnd() });
    }
    const fours: Candle[] = [];
    for (let i = 0; i < hours.length; i++) {
      const h = hours[i]!;
      if (h.t % (4 * HOUR) === 0) fours.push({ ...h, v: h.v * 4 });
    }
    const upTo = (list: Candle[], ms: number, now: number, n: number) => list.filter((x) => x.t + ms <= now).slice(-n);
    let s = initialMateriality();
    // The same steps from the state as an actor stores it and reads it back every hour (its windows rebuilt each time).
    let stored = initialMateriality();
    for (let now = start + 2 * HOUR; now <= start + 50 * 24 * HOUR; now += HOUR) {
      const closed = (tf: string, n: number) => (tf === "1h" ? upTo(hours, HOUR, now, n) : tf === "4h" ? upTo(fours, 4 * HOUR, now, n) : []);
      s = materialStep(s, "BTC/USDT", minute((now - T0) / MIN - 1, c), MIN, cfg, "4h", { hour: true, decision: false }, closed).state;
      const back = checkedMateriality(JSON.parse(JSON.stringify(storedMateriality(stored))));
      stored = materialStep(back, "BTC/USDT", minute((now - T0) / MIN - 1, c), MIN, cfg, "4h", { hour: true, decision: false }, closed).state;
      const full = refreshHourly(initialMateriality(), closed("1h", 30 * 24 + 1), cfg, now, closed("4h", 30 * 6 + 1));
      if (full.sigma === null) expect(s.sigma).toBeNull();
      else expect(Math.abs(s.sigma! - full.sigma) / full.sigma).toBeLessThan(1e-12);
      if (full.sigma === null) expect(stored.sigma).toBeNull();
      else expect(Math.abs(stored.sigma! - full.sigma) / full.sigma).toBeLessThan(1e-12);
      if (full.hourlyVolume === null) expect(s.hourlyVolume).toBeNull();
      else expect(Math.abs(s.hourlyVolume! - full.hourlyVolume) / full.hourlyVolume).toBeLessThan(1e-12);
    }
  });

  it("is a value: stepping one state twice gives the same answer", () => {
    const climb = (i: number) => (i < 61 ? 100 : 100 * (1 + 0.016 * Math.min(1, (i - 60) / 60)));
    const s = feed(ready(), 100, climb).s;
    const once = feed(s, 50, climb, 100 / 60, 100);
    const twice = feed(s, 50, climb, 100 / 60, 100);
    expect(twice.moves).toEqual(once.moves);
    expect(twice.s.closes.slice(twice.s.hourStart, twice.s.hourEnd)).toEqual(once.s.closes.slice(once.s.hourStart, once.s.hourEnd));
    expect(twice.s.hourEnd - twice.s.hourStart).toBe(61);
  });

  it("is stored as its trailing hour only: a state read back each minute makes the same moves and σ to rounding", () => {
    const climb = (i: number) => (i < 61 ? 100 : 100 * (1 + 0.016 * Math.min(1, (i - 60) / 60)));
    const live = feed(ready(), 200, climb);
    let s = ready();
    const moves: { i: number; kind: string }[] = [];
    let largest = 0;
    for (let i = 0; i < 200; i++) {
      const text = JSON.stringify(storedMateriality(s));
      largest = Math.max(largest, text.length);
      const r = observeBaseCandle(checkedMateriality(JSON.parse(text)), "BTC/USDT", minute(i, climb(i)), MIN, cfg);
      s = r.state;
      for (const m of r.moves) moves.push({ i, kind: m.kind });
    }
    expect(moves.length).toBeGreaterThan(0);
    expect(moves).toEqual(live.moves);
    expect(Math.abs(s.sigma! - live.s.sigma!) / live.s.sigma!).toBeLessThan(1e-12);
    expect(storedMateriality(s).hourly).toBeNull();
    // The trailing hour (61 closes and volumes) and a few numbers: about 2 KB of JSON.
    expect(largest).toBeLessThan(3_000);
  });

  it("reads back a state stored before the trailing hour was a range", () => {
    const closes = Array.from({ length: 61 }, (_, i) => 100 + i);
    const old = { closes, volumes: closes.slice(1).map(() => 2), lastT: T0, sigma: 0.005, hourlyVolume: 100, band: null, shockArmed: true, bandSide: null };
    const s = checkedMateriality(JSON.parse(JSON.stringify(old)));
    expect(s.hourEnd - s.hourStart).toBe(61);
    expect(s.volumes.slice(-60)).toEqual(old.volumes);
    expect(s.hourly).toBeNull();
  });
});
