import { describe, expect, it } from "vitest";
import { acceptEntry } from "../../../src/lib/account/accept-entry";
import { newAccountBook, type AccountBook } from "../../../src/lib/account/ledger";
import { applyClose, applyEntryFill, reserveEntry } from "../../../src/lib/account/transitions";
import { DEFAULT_CONFIG, EngineConfigSchema, type EngineConfig } from "../../../src/lib/config";
import { cooldownsInForce, protectionRefusal, recordClose } from "../../../src/lib/risk/protections";

const T0 = Date.UTC(2026, 2, 24);
const H = 3_600_000;

const withRisk = (risk: Partial<EngineConfig["risk"]>): EngineConfig => EngineConfigSchema.parse({ risk });
const STREAK = withRisk({ lossStreak: { losses: 3, cooldownMs: 12 * H } });
const STOPS = withRisk({ stopCooldownMs: 6 * H });
const buy = (decisionId: string, symbol = "BTC/USDT") => ({ decisionId, symbol, positionPct: 0.1 });

/** Opens a position in `symbol` and closes it at `pnl` by `exitKind` at `at`, through the account's own functions. */
function roundTrip(book: AccountBook, id: string, symbol: string, pnl: number, exitKind: string, at: number, cfg: EngineConfig): AccountBook {
  let b = reserveEntry(book, { id, symbol, notional: 1000 }, at - H);
  b = applyEntryFill(b, { positionId: id, qty: 10, price: 100, fee: 0, at: at - H });
  return applyClose(b, { positionId: id, exitPrice: 100 + pnl / 10, proceeds: 1000 + pnl, exitFee: 0, pnl, at, exitKind }, cfg.risk);
}

describe("protections are off by default", () => {
  it("the defaults disable both (0), and a close leaves the book without protection state", () => {
    expect(DEFAULT_CONFIG.risk.lossStreak).toEqual({ losses: 0, cooldownMs: 0 });
    expect(DEFAULT_CONFIG.risk.stopCooldownMs).toBe(0);
    let book = newAccountBook(10_000, T0);
    for (let i = 0; i < 5; i++) book = roundTrip(book, `p${i}`, "BTC/USDT", -50, "hard_stop", T0 + i * H, DEFAULT_CONFIG);
    expect(book.protections).toBeUndefined();
    expect("protections" in book).toBe(false);
    expect(acceptEntry(book, buy("d1"), DEFAULT_CONFIG, T0 + 5 * H).accepted).toBe(true);
  });

  it("applyClose without a config (as the backtester calls it) books only the money", () => {
    let b = reserveEntry(newAccountBook(10_000, T0), { id: "p", symbol: "BTC/USDT", notional: 1000 }, T0);
    b = applyEntryFill(b, { positionId: "p", qty: 10, price: 100, fee: 0, at: T0 });
    const closed = applyClose(b, { positionId: "p", exitPrice: 80, proceeds: 800, exitFee: 0, pnl: -200, at: T0 + H, exitKind: "hard_stop" });
    expect(closed.protections).toBeUndefined();
  });
});

describe("loss-streak cooldown", () => {
  it("given 3 losing closes in a row, when an entry comes within 12 h of the third, then it is refused; after, accepted", () => {
    let book = newAccountBook(10_000, T0);
    book = roundTrip(book, "a", "BTC/USDT", -40, "review", T0 + 1 * H, STREAK);
    book = roundTrip(book, "b", "ETH/USDT", -40, "decision", T0 + 2 * H, STREAK);
    expect(book.protections?.lossStreak).toBe(2);
    expect(acceptEntry(book, buy("d0", "SOL/USDT"), STREAK, T0 + 2 * H).accepted).toBe(true);
    book = roundTrip(book, "c", "SOL/USDT", -25.5, "time_stop", T0 + 3 * H, STREAK);
    expect(book.protections).toMatchObject({ lossStreak: 0, streakCooldown: { until: T0 + 15 * H, reason: "3 losing closes in a row (last SOL/USDT -25.50)" } });

    const during = acceptEntry(book, buy("d1"), STREAK, T0 + 15 * H - 1);
    expect(during).toMatchObject({ accepted: false, detail: `risk denied: loss-streak cooldown until ${new Date(T0 + 15 * H).toISOString()}: 3 losing closes in a row (last SOL/USDT -25.50)` });
    expect(cooldownsInForce(book, T0 + 4 * H).streak?.until).toBe(T0 + 15 * H);
    expect(acceptEntry(book, buy("d2"), STREAK, T0 + 15 * H)).toMatchObject({ accepted: true });
    expect(cooldownsInForce(book, T0 + 15 * H).streak).toBeNull();
  });

  it("a close that does not lose resets the streak", () => {
    let book = newAccountBook(10_000, T0);
    book = roundTrip(book, "a", "BTC/USDT", -10, "review", T0 + 1 * H, STREAK);
    book = roundTrip(book, "b", "BTC/USDT", -10, "review", T0 + 2 * H, STREAK);
    book = roundTrip(book, "c", "BTC/USDT", 5, "review", T0 + 3 * H, STREAK);
    book = roundTrip(book, "d", "BTC/USDT", -10, "review", T0 + 4 * H, STREAK);
    book = roundTrip(book, "e", "BTC/USDT", -10, "review", T0 + 5 * H, STREAK);
    expect(book.protections).toMatchObject({ lossStreak: 2, streakCooldown: null });
    expect(protectionRefusal(book, "BTC/USDT", T0 + 5 * H)).toBeNull();
  });

  it("losses need a cooldown length to count: losses 3 with cooldownMs 0 stays off", () => {
    const half = withRisk({ lossStreak: { losses: 3, cooldownMs: 0 } });
    let book = newAccountBook(10_000, T0);
    for (let i = 0; i < 4; i++) book = roundTrip(book, `p${i}`, "BTC/USDT", -10, "review", T0 + i * H, half);
    expect(book.protections).toBeUndefined();
  });
});

describe("stop-loss cooldown per symbol", () => {
  it("given a hard stop in BTC, entries in BTC are refused for 6 h while ETH is accepted", () => {
    const book = roundTrip(newAccountBook(10_000, T0), "a", "BTC/USDT", -150, "hard_stop", T0 + H, STOPS);
    const refused = acceptEntry(book, buy("d1", "BTC/USDT"), STOPS, T0 + 2 * H);
    expect(refused).toMatchObject({
      accepted: false,
      detail: `risk denied: BTC/USDT in stop-loss cooldown until ${new Date(T0 + 7 * H).toISOString()} after a hard_stop at ${new Date(T0 + H).toISOString()}`,
    });
    expect(acceptEntry(book, buy("d1", "ETH/USDT"), STOPS, T0 + 2 * H).accepted).toBe(true);
    expect(acceptEntry(book, buy("d2", "BTC/USDT"), STOPS, T0 + 7 * H).accepted).toBe(true);
  });

  it("a trailing stop also starts it, even in profit; other exits do not", () => {
    let book = roundTrip(newAccountBook(10_000, T0), "a", "ETH/USDT", 80, "trailing_stop", T0 + H, STOPS);
    expect(protectionRefusal(book, "ETH/USDT", T0 + 2 * H)).toMatch(/^ETH\/USDT in stop-loss cooldown/);
    for (const kind of ["time_stop", "review", "decision", "operator"]) book = roundTrip(book, `x-${kind}`, "SOL/USDT", -20, kind, T0 + 2 * H, STOPS);
    expect(protectionRefusal(book, "SOL/USDT", T0 + 2 * H)).toBeNull();
    expect(cooldownsInForce(book, T0 + 2 * H).symbols.map((c) => c.symbol)).toEqual(["ETH/USDT"]);
  });

  it("ended cooldowns are dropped when the next stop is recorded", () => {
    let book = roundTrip(newAccountBook(10_000, T0), "a", "ETH/USDT", -80, "hard_stop", T0 + H, STOPS);
    book = roundTrip(book, "b", "BTC/USDT", -80, "hard_stop", T0 + 10 * H, STOPS);
    expect(Object.keys(book.protections!.symbolCooldowns)).toEqual(["BTC/USDT"]);
  });

  it("recordClose is pure: the input book is not changed", () => {
    const book = newAccountBook(10_000, T0);
    const next = recordClose(book, { symbol: "BTC/USDT", pnl: -1, exitKind: "hard_stop", at: T0 }, STOPS.risk);
    expect(book.protections).toBeUndefined();
    expect(next.protections?.symbolCooldowns["BTC/USDT"]?.until).toBe(T0 + 6 * H);
  });
});
