import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { completeDecision, evaluateGate, failDecision, initialGateState, storedGateState, type GateEvent, type GateState } from "../../../src/lib/gate";

const cfg = DEFAULT_CONFIG.gate;
/** The gate without the material moves' 5-minute gathering: a move opens at once. */
const now = { ...cfg, materialGatherMs: 0 };
const T0 = Date.UTC(2026, 2, 24, 4, 0, 0);
const tick = (over: Partial<Extract<GateEvent, { kind: "tick" }>> = {}): GateEvent => ({ kind: "tick", symbol: "BTC/USDT", price: 70_000, zRet: 0, zVol: 0, ...over });

const move = (at = T0, symbol = "BTC/USDT", kind: "return_shock" | "band_break" | "stop" = "return_shock"): GateEvent => ({ kind: "material", move: { symbol, kind, at, detail: `${symbol} moved` } });

function open(state: GateState, event: GateEvent, now: number, id = "main-d1") {
  const r = evaluateGate(cfg, state, event, now, id);
  return r;
}

describe("gate layer 1: decision-timeframe candle close", () => {
  it("opens on a close of the decision timeframe and says which", () => {
    const r = open(initialGateState(), { kind: "candle_close", symbol: "BTC/USDT", tf: "4h", closeTime: T0 }, T0);
    expect(r.verdict.open).toBe(true);
    expect(r.verdict.layer).toBe("candle_close");
    expect(r.verdict.reason).toContain("BTC/USDT 4h candle closed at 2026-03-24T04:00:00.000Z");
    expect(r.state.inFlight).toEqual({ id: "main-d1", since: T0 });
  });

  it("stays shut on a close of any other timeframe", () => {
    const s = initialGateState();
    const r = open(s, { kind: "candle_close", symbol: "BTC/USDT", tf: "15m", closeTime: T0 }, T0);
    expect(r.verdict).toMatchObject({ open: false, layer: null, suppressed: false });
    expect(r.verdict.reason).toBe("15m close is not the decision timeframe (4h)");
    expect(r.state).toBe(s);
  });
});

describe("gate layer 2: the decider's own timer", () => {
  it("opens on the first tick at or after next_check and not before", () => {
    const s: GateState = { ...initialGateState(), nextCheckAt: T0 + 3_600_000 };
    const early = open(s, tick(), T0 + 3_599_999);
    expect(early.verdict.open).toBe(false);
    expect(early.state).toBe(s);
    const due = open(s, tick(), T0 + 3_600_000);
    expect(due.verdict).toMatchObject({ open: true, layer: "timer" });
    expect(due.state.nextCheckAt).toBeNull();
  });

  it("a timer alarm that is not due stays shut with its reason", () => {
    const s: GateState = { ...initialGateState(), nextCheckAt: T0 + 60_000 };
    expect(open(s, { kind: "timer" }, T0).verdict.reason).toBe("decider timer not due");
    expect(open(initialGateState(), { kind: "timer" }, T0).verdict.reason).toBe("no decider timer set");
    expect(open(s, { kind: "timer" }, T0 + 60_000).verdict).toMatchObject({ open: true, layer: "timer" });
  });
});

describe("gate layer 3: material moves", () => {
  it("holds a material move 5 minutes to gather the moves that come with it, then opens once for all", () => {
    const held = open(initialGateState(), move(T0, "BTC/USDT"), T0, "d1");
    expect(held.verdict).toMatchObject({ open: false, layer: "material", suppressed: true });
    expect(held.state.pending).toMatchObject({ layer: "material", notBefore: T0 + cfg.materialGatherMs });
    const eth = open(held.state, move(T0 + 120_000, "ETH/USDT"), T0 + 120_000, "d1");
    expect(eth.state).toBe(held.state);
    expect(open(eth.state, tick(), T0 + cfg.materialGatherMs - 1, "d1").verdict.open).toBe(false);
    const fired = open(eth.state, tick(), T0 + cfg.materialGatherMs, "d1");
    expect(fired.verdict).toMatchObject({ open: true, layer: "material" });
    expect(fired.verdict.reason).toMatch(/^deferred material: material move \(return_shock\): BTC\/USDT moved/);
    // A decision-timeframe close inside the wait decides them: the held move goes with it.
    const close = open(held.state, { kind: "candle_close", symbol: "BTC/USDT", tf: "4h", closeTime: T0 + 60_000 }, T0 + 60_000, "d1");
    expect(close.verdict).toMatchObject({ open: true, layer: "candle_close" });
    expect(close.state.pending).toBeNull();
  });

  it("opens on a material move and says what moved", () => {
    const r = evaluateGate(now, initialGateState(), move(T0), T0, "main-d1");
    expect(r.verdict).toMatchObject({ open: true, layer: "material" });
    expect(r.verdict.reason).toBe("material move (return_shock): BTC/USDT moved");
  });

  it("no longer opens on a single tick's z-score, however large", () => {
    const s = initialGateState();
    const r = open(s, tick({ zRet: 9, zVol: -9 }), T0);
    expect(r.verdict).toMatchObject({ open: false, layer: null, reason: "no layer fired" });
    expect(r.state).toBe(s);
  });

  it("coalesces: the moves a decision opened at or after already saw are skipped, later ones open", () => {
    const first = evaluateGate(now, initialGateState(), move(T0, "BTC/USDT"), T0, "d1");
    const done = completeDecision(cfg, first.state, { decisionId: "d1", nextCheckSeconds: 14_400, wakeConditions: [], prices: {} }, T0 + 5_000);
    const eth = evaluateGate(now, done, move(T0, "ETH/USDT"), T0 + 70_000, "d2");
    expect(eth.verdict).toMatchObject({ open: false, skip: "move already covered" });
    expect(eth.state).toBe(done);
    expect(evaluateGate(now, done, move(T0 + 60_000, "ETH/USDT"), T0 + 70_000, "d2").verdict).toMatchObject({ open: true, layer: "material" });
  });

  it("keeps a move held by a decision in flight and fires it after", () => {
    const first = open(initialGateState(), { kind: "candle_close", symbol: "BTC/USDT", tf: "4h", closeTime: T0 }, T0, "d1");
    const held = open(first.state, move(T0 + 1000, "SOL/USDT"), T0 + 1000, "d2");
    expect(held.verdict.suppressed).toBe(true);
    expect(held.state.pending).toMatchObject({ layer: "material" });
  });
});

describe("gate: positions at risk", () => {
  const review = (risk: string | null, positionId = "p1"): GateEvent => ({ kind: "position_review", positionId, symbol: "BTC/USDT", risk });
  const done = (state: GateState, id: string, at: number) => completeDecision(cfg, state, { decisionId: id, nextCheckSeconds: 14_400, wakeConditions: [], prices: {} }, at);

  it("a position at risk opens one review decision, and asks again only after a calm review and the cooldown", () => {
    const first = open(initialGateState(), review("score -0.2"), T0, "d1");
    expect(first.verdict).toMatchObject({ open: true, layer: "review" });
    expect(first.verdict.reason).toBe("position p1 (BTC/USDT) at risk: score -0.2");
    const s1 = done(first.state, "d1", T0 + 5_000);
    // Still at risk at every later review: no new call, however long it lasts.
    const still = open(s1, review("score -0.2"), T0 + 2 * cfg.reviewWakeCooldownMs, "d2");
    expect(still.verdict).toMatchObject({ open: false, skip: "review recently asked" });
    expect(still.state).toBe(s1);
    // Another position at risk asks for itself.
    expect(open(s1, review("score -0.2", "p2"), T0 + 120_000, "d2").verdict).toMatchObject({ open: true, layer: "review" });
    // Calm, then at risk again inside the cooldown: no call; after it: one.
    const calm = open(s1, review(null), T0 + 600_000, "d2");
    expect(calm.verdict).toMatchObject({ open: false, skip: "position not at risk" });
    expect(calm.state.reviewAsked.p1).toEqual({ at: T0, calm: true });
    expect(open(calm.state, review("score -0.2"), T0 + cfg.reviewWakeCooldownMs - 1, "d2").verdict).toMatchObject({ open: false, skip: "review recently asked" });
    expect(open(calm.state, review("score -0.2"), T0 + cfg.reviewWakeCooldownMs, "d2").verdict).toMatchObject({ open: true, layer: "review" });
  });

  it("a decision that is also about a material move is never a review (entries keep their share)", () => {
    // A material move gathering, then a position at risk: the review goes with the move, as a material decision.
    const gathering = open(initialGateState(), move(T0), T0, "d1");
    const withReview = open(gathering.state, review("score -0.2"), T0 + 60_000, "d1");
    expect(withReview.verdict).toMatchObject({ open: true, layer: "material" });
    expect(withReview.verdict.reason).toMatch(/^deferred material: material move .*; position p1 \(BTC\/USDT\) at risk: score -0.2$/);
    // A review held by a decision in flight, then a material move: the held wake becomes material.
    const first = open(initialGateState(), { kind: "candle_close", symbol: "BTC/USDT", tf: "4h", closeTime: T0 }, T0, "d1");
    const heldReview = open(first.state, review("score -0.2"), T0 + 1000, "d2");
    expect(heldReview.state.pending).toMatchObject({ layer: "review" });
    const joined = open(heldReview.state, move(T0 + 2000), T0 + 2000, "d2");
    expect(joined.state.pending).toMatchObject({ layer: "material" });
    expect(joined.state.pending!.reason).toContain("with position p1 (BTC/USDT) at risk");
  });

  it("stored review entries that are not {at, calm} are dropped on load", () => {
    const s = storedGateState({ ...initialGateState(), reviewAsked: { p1: null, p2: { at: T0, calm: true }, p3: { at: "x" } } });
    expect(s.reviewAsked).toEqual({ p2: { at: T0, calm: true } });
    expect(open(s, review("score -0.2", "p1"), T0, "d1").verdict).toMatchObject({ open: true, layer: "review" });
  });

  it("a calm review of a position never at risk changes nothing", () => {
    const s = initialGateState();
    const r = open(s, review(null), T0);
    expect(r.state).toBe(s);
    expect(r.verdict.skip).toBe("position not at risk");
  });
});

describe("gate: a shock the last decision saw", () => {
  it("skips a return shock within shockSigma σ of the last decision's price, opens one beyond", () => {
    const first = evaluateGate(now, initialGateState(), { kind: "candle_close", symbol: "BTC/USDT", tf: "4h", closeTime: T0 }, T0, "d1");
    const s = completeDecision(cfg, first.state, { decisionId: "d1", nextCheckSeconds: 14_400, wakeConditions: [], prices: { "BTC/USDT": 100 } }, T0 + 1000);
    expect(s.decidedPrices).toEqual({ "BTC/USDT": 100 });
    const shock = (price: number): GateEvent => ({ kind: "material", move: { symbol: "BTC/USDT", kind: "return_shock", at: T0 + 600_000, detail: "x", price, sigma: 0.005 } });
    // ln(101/100)/0.005 = 1.99 σ: the decision saw this price already.
    expect(evaluateGate(now, s, shock(101), T0 + 600_000, "d2").verdict).toMatchObject({ open: false, skip: "move already decided" });
    // ln(98.7/100)/0.005 = -2.6 σ: a new move.
    expect(evaluateGate(now, s, shock(98.7), T0 + 600_000, "d2").verdict).toMatchObject({ open: true, layer: "material" });
  });
});

describe("gate layer 4: wake conditions", () => {
  const decided = (conds: Parameters<typeof completeDecision>[2]["wakeConditions"]) =>
    completeDecision(cfg, { ...initialGateState(), inFlight: { id: "d0", since: T0 } }, { decisionId: "d0", nextCheckSeconds: 14_400, wakeConditions: conds, prices: { "BTC/USDT": 70_000 } }, T0);

  it("gt and lt fire when the price is beyond the threshold, once", () => {
    const s = decided([{ symbol: "BTC/USDT", metric: "price", operator: "lt", threshold: 68_000, reason: "support break" }]);
    expect(open(s, tick({ price: 68_500 }), T0 + 1000).verdict.open).toBe(false);
    const r = open(s, tick({ price: 67_900 }), T0 + 2000);
    expect(r.verdict).toMatchObject({ open: true, layer: "wake_condition" });
    expect(r.verdict.reason).toContain("support break");
    expect(r.state.wakeConditions).toHaveLength(0);
    const g = decided([{ symbol: "BTC/USDT", metric: "price", operator: "gt", threshold: 71_000, reason: "breakout" }]);
    expect(open(g, tick({ price: 71_000 }), T0 + 1000).verdict.open).toBe(false);
    expect(open(g, tick({ price: 71_000.01 }), T0 + 1000).verdict.open).toBe(true);
  });

  it("crosses_above needs a tick below then a tick above", () => {
    let s = decided([{ symbol: "BTC/USDT", metric: "price", operator: "crosses_above", threshold: 70_500, reason: "cross" }]);
    const first = open(s, tick({ price: 71_000 }), T0 + 1000);
    expect(first.verdict.open).toBe(false);
    s = first.state;
    const below = open(s, tick({ price: 70_400 }), T0 + 2000);
    expect(below.verdict.open).toBe(false);
    const above = open(below.state, tick({ price: 70_600 }), T0 + 3000);
    expect(above.verdict).toMatchObject({ open: true, layer: "wake_condition" });
  });

  it("crosses_below needs a tick above then a tick below", () => {
    const s = decided([{ symbol: "BTC/USDT", metric: "price", operator: "crosses_below", threshold: 69_500, reason: "cross down" }]);
    const a = open(s, tick({ price: 69_600 }), T0 + 1000);
    expect(a.verdict.open).toBe(false);
    expect(open(a.state, tick({ price: 69_400 }), T0 + 2000).verdict.layer).toBe("wake_condition");
  });

  it("abs_change_pct_gt measures from the price when the condition was set", () => {
    const s = decided([{ symbol: "BTC/USDT", metric: "price", operator: "abs_change_pct_gt", threshold: 3, reason: "3% move" }]);
    expect(s.wakeConditions[0]?.reference).toBe(70_000);
    expect(open(s, tick({ price: 72_099 }), T0 + 1000).verdict.open).toBe(false);
    expect(open(s, tick({ price: 72_101 }), T0 + 1000).verdict.open).toBe(true);
    expect(open(s, tick({ price: 67_899 }), T0 + 1000).verdict.open).toBe(true);
  });

  it("ignores conditions of other symbols", () => {
    const s = decided([{ symbol: "ETH/USDT", metric: "price", operator: "lt", threshold: 1_000_000, reason: "eth" }]);
    const r = open(s, tick({ price: 1 }), T0 + 1000);
    expect(r.verdict.open).toBe(false);
    expect(r.state).toBe(s);
  });
});

describe("gate cooldown and single-flight", () => {
  it("holds a second wake within 60 s of the last one, and lets it through after", () => {
    const first = open(initialGateState(), { kind: "candle_close", symbol: "BTC/USDT", tf: "4h", closeTime: T0 }, T0, "d1");
    const done = completeDecision(cfg, first.state, { decisionId: "d1", nextCheckSeconds: 3600, wakeConditions: [], prices: {} }, T0 + 5_000);
    const held = evaluateGate(now, done, move(T0 + 59_999), T0 + 59_999, "d2");
    expect(held.verdict).toMatchObject({ open: false, layer: "material", suppressed: true });
    expect(held.verdict.reason).toContain("held by cooldown: 60 s since last wake (min 60 s)");
    expect(evaluateGate(now, done, move(T0 + 59_999), T0 + 60_000, "d2").verdict.open).toBe(true);
  });

  it("never opens while a decision is in flight", () => {
    const first = open(initialGateState(), { kind: "candle_close", symbol: "BTC/USDT", tf: "4h", closeTime: T0 }, T0, "d1");
    const r = evaluateGate(now, first.state, move(T0 + 600_000), T0 + 600_000, "d2");
    expect(r.verdict.suppressed).toBe(true);
    expect(r.verdict.reason).toContain("single-flight: decision d1 in flight");
    expect(open(first.state, { kind: "manual", reason: "user" }, T0 + 1, "d2").verdict.open).toBe(false);
  });

  it("keeps a held candle close and fires it once nothing holds it", () => {
    const first = evaluateGate(now, initialGateState(), move(T0), T0, "d1");
    const held = open(first.state, { kind: "candle_close", symbol: "ETH/USDT", tf: "4h", closeTime: T0 + 1000 }, T0 + 1000, "d2");
    expect(held.verdict.suppressed).toBe(true);
    expect(held.state.pending).toMatchObject({ layer: "candle_close" });
    const done = completeDecision(cfg, held.state, { decisionId: "d1", nextCheckSeconds: 3600, wakeConditions: [], prices: {} }, T0 + 2000);
    expect(open(done, tick(), T0 + 30_000, "d2").verdict.open).toBe(false);
    const fired = open(done, tick(), T0 + 60_000, "d2");
    expect(fired.verdict).toMatchObject({ open: true, layer: "candle_close" });
    expect(fired.verdict.reason).toMatch(/^deferred candle_close: ETH\/USDT 4h candle closed/);
    expect(fired.state.pending).toBeNull();
  });

  it("a manual wake skips the cooldown", () => {
    const first = evaluateGate(now, initialGateState(), move(T0), T0, "d1");
    const done = completeDecision(cfg, first.state, { decisionId: "d1", nextCheckSeconds: 3600, wakeConditions: [], prices: {} }, T0 + 1000);
    expect(open(done, { kind: "manual", reason: "user asked" }, T0 + 2000, "d2").verdict).toMatchObject({ open: true, layer: "manual", reason: "manual wake: user asked" });
  });
});

describe("gate watchdog", () => {
  it("forces a check after 5 minutes without ticks, not before", () => {
    expect(open(initialGateState(), { kind: "watchdog", silentForMs: 299_999 }, T0).verdict).toMatchObject({ open: false, reason: "watchdog: last tick 300 s ago" });
    const r = open(initialGateState(), { kind: "watchdog", silentForMs: 300_000 }, T0);
    expect(r.verdict).toMatchObject({ open: true, layer: "watchdog", reason: "watchdog: no tick for 300 s, forcing a check" });
  });
});

describe("ending a decision", () => {
  it("sets the timer within [minNextCheckSeconds, 14400] s and is idempotent", () => {
    const first = evaluateGate(now, initialGateState(), move(T0), T0, "d1");
    const a = completeDecision(cfg, first.state, { decisionId: "d1", nextCheckSeconds: 5, wakeConditions: [], prices: {} }, T0 + 1000);
    expect(a.nextCheckAt).toBe(T0 + 1000 + cfg.minNextCheckSeconds * 1000);
    expect(a.inFlight).toBeNull();
    expect(completeDecision(cfg, a, { decisionId: "d1", nextCheckSeconds: 100, wakeConditions: [], prices: {} }, T0 + 2000)).toBe(a);
    const b = completeDecision(cfg, first.state, { decisionId: "d1", nextCheckSeconds: 1e9, wakeConditions: [], prices: {} }, T0);
    expect(b.nextCheckAt).toBe(T0 + 14_400_000);
  });

  it("a failed decision frees the gate and retries after the default interval", () => {
    const first = evaluateGate(now, initialGateState(), move(T0), T0, "d1");
    const f = failDecision(cfg, first.state, "d1", T0 + 1000);
    expect(f.inFlight).toBeNull();
    expect(f.nextCheckAt).toBe(T0 + 1000 + cfg.defaultNextCheckSeconds * 1000);
    expect(failDecision(cfg, f, "d1", T0 + 2000)).toBe(f);
  });
});

describe("gate: one decision per decision-timeframe close", () => {
  it("skips the other tickers' closes of the same time, already covered by the decision that opened", () => {
    const first = open(initialGateState(), { kind: "candle_close", symbol: "BTC/USDT", tf: "4h", closeTime: T0 }, T0, "d1");
    expect(first.verdict.open).toBe(true);
    const eth = open(first.state, { kind: "candle_close", symbol: "ETH/USDT", tf: "4h", closeTime: T0 }, T0 + 5, "d2");
    expect(eth.verdict).toMatchObject({ open: false, layer: null, suppressed: false });
    expect(eth.verdict.reason).toBe("ETH/USDT 4h close already covered by the decision at 2026-03-24T04:00:00.000Z");
    expect(eth.state.pending).toBeNull();
    const done = completeDecision(cfg, first.state, { decisionId: "d1", nextCheckSeconds: 3600, wakeConditions: [], prices: {} }, T0 + 10);
    expect(open(done, { kind: "candle_close", symbol: "BTC/USDT", tf: "4h", closeTime: T0 + 14_400_000 }, T0 + 14_400_000, "d2").verdict.open).toBe(true);
  });
});
