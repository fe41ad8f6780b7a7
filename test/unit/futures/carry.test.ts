import { describe, expect, it } from "vitest";
import { availableCash, equity, newAccountBook, orphanedLegs, type AccountBook } from "../../../src/lib/account/ledger";
import { bookClose, bookEntryFilled, entryRequested } from "../../../src/lib/account/reactions";
import { releaseEntry } from "../../../src/lib/account/transitions";
import { runBacktest } from "../../../src/lib/backtest/engine";
import { EngineConfigSchema } from "../../../src/lib/config";
import { paperBroker, pricePosition } from "../../../src/lib/execution/brokers";
import { markRejected, newPosition, requestExit, type PositionState } from "../../../src/lib/execution/position";
import { positionReports } from "../../../src/lib/execution/position-reports";
import { shippedInput, SINGLE } from "../backtest/fixtures";

const T0 = Date.UTC(2024, 0, 1, 4);
const cfg = EngineConfigSchema.parse({ market: { type: "futures", leverage: 2 } });
const broker = paperBroker(cfg.paper);
const carry = { decisionId: "d1", at: T0, symbol: "BTC/USDT", positionPct: 0.3, agent: "rule", reason: "funding carry", group: "carry" as const };

function step(book: AccountBook, before: PositionState, after: PositionState, now: number): AccountBook {
  const r = positionReports(before, after, now);
  if (r.entryFilled) book = bookEntryFilled(book, r.entryFilled, cfg.risk, now);
  if (r.entryFailed) book = releaseEntry(book, r.entryFailed.positionId);
  if (r.closed) book = bookClose(book, r.closed, cfg.risk, now);
  return book;
}

describe("the funding carry: spot long and perpetual short as one unit", () => {
  it("reserves both legs of equal notional, a spot long and a 2x perpetual short, in one group", () => {
    const e = entryRequested(newAccountBook(10_000, T0), carry, "main", cfg, T0);
    expect(e.result.accepted).toBe(true);
    expect(e.opens.map((o) => [o.id, o.notional, o.futures?.side ?? "spot", o.group])).toEqual([
      ["d1-BTC-spot", 3_000, "spot", "d1-BTC-carry"],
      ["d1-BTC-perp", 3_000, "short", "d1-BTC-carry"],
    ]);
    // Reserved for both: the spot notional and the perpetual's margin (notional / 2).
    expect(10_000 - availableCash(e.book)).toBeCloseTo(3_000 + 1_500, 9);
    expect(Object.values(e.book.positions).map((p) => p.group)).toEqual(["d1-BTC-carry", "d1-BTC-carry"]);
  });

  it("refuses both legs when either is refused: on spot, and when the perpetual leg would not fit the same notional", () => {
    const spot = entryRequested(newAccountBook(10_000, T0), carry, "main", EngineConfigSchema.parse({}), T0);
    expect(spot).toMatchObject({ result: { accepted: false }, opens: [] });
    expect(Object.keys(spot.book.positions)).toEqual([]);
    // Two positions left of three: the spot leg fits, the perpetual leg does not.
    const tight = EngineConfigSchema.parse({ market: { type: "futures" }, risk: { maxPositions: 1 } });
    const e = entryRequested(newAccountBook(10_000, T0), carry, "main", tight, T0);
    expect(e.result).toMatchObject({ accepted: false, detail: expect.stringMatching(/^carry refused \(perpetual leg; neither leg opens\): risk denied: max positions reached/) });
    expect(Object.keys(e.book.positions)).toEqual([]);
    // The exposure room takes 1.4 × the spot leg only: the perpetual leg would be clamped, so neither opens.
    const room = EngineConfigSchema.parse({ market: { type: "futures" }, risk: { maxExposurePct: 0.5 } });
    const r = entryRequested(newAccountBook(10_000, T0), carry, "main", room, T0);
    expect(r.result).toMatchObject({ accepted: false, detail: expect.stringMatching(/could take 2000.00 of the spot leg's 3000.00 USDT; neither leg opens/) });
    expect(Object.keys(r.book.positions)).toEqual([]);
  });

  it("closes the orphan when one leg's entry fails (an injected rejection), and the book ends flat", () => {
    const e = entryRequested(newAccountBook(10_000, T0), carry, "main", cfg, T0);
    let book = e.book;
    let spot = broker.submit(newPosition(e.opens[0]!, T0), T0);
    let perp = broker.submit(newPosition(e.opens[1]!, T0), T0);
    // The venue rejects the perpetual leg's order; the spot leg fills at the next price.
    const rejected = markRejected(perp, perp.orders[0]!.clientOrderId, "injected: margin is insufficient");
    book = step(book, perp, rejected, T0 + 1);
    perp = rejected;
    expect(orphanedLegs(book)).toEqual([]); // the spot leg is still pending: it waits for its fill
    const filled = pricePosition(broker, spot, 40_000, T0 + 2, cfg.exits).state;
    book = step(book, spot, filled, T0 + 2);
    spot = filled;
    expect(orphanedLegs(book)).toEqual(["d1-BTC-spot"]);
    const exiting = broker.submit(requestExit(spot, "orphan", "orphan leg", T0 + 2), T0 + 2);
    const closed = pricePosition(broker, exiting, 40_010, T0 + 3, cfg.exits).state;
    book = step(book, exiting, closed, T0 + 3);
    expect(closed).toMatchObject({ status: "closed", exitKind: "orphan" });
    expect(book.positions).toEqual({});
    expect(orphanedLegs(book)).toEqual([]);
    expect(equity(book)).toBeCloseTo(10_000 + closed.pnl!, 9);
  });

  it("in a backtest, opens and closes both legs together, of equal notional, and its carry is the shipped funding × the perpetual's notional", async () => {
    const D = (y: number, m: number) => Date.UTC(y, m - 1, 1);
    const single = SINGLE("funding-arb");
    const input = shippedInput("4h", D(2024, 1), D(2025, 1), { ...single, strategies: { "funding-arb": { enabled: true, params: {} } }, market: { type: "futures", leverage: 2 } });
    delete input.candles["SOL/USDT"];
    const r = await runBacktest(input);
    const groups = new Map<string, typeof r.trades>();
    for (const t of r.trades) groups.set(t.id.replace(/-(spot|perp)$/, ""), [...(groups.get(t.id.replace(/-(spot|perp)$/, "")) ?? []), t]);
    expect(groups.size).toBeGreaterThan(3);
    for (const [id, legs] of groups) {
      expect(legs.map((t) => t.side).sort(), id).toEqual(["long", "short"]);
      const [spot, perp] = [legs.find((t) => t.side === "long")!, legs.find((t) => t.side === "short")!];
      expect(spot.entryAt).toBe(perp.entryAt);
      expect(spot.exitAt).toBe(perp.exitAt);
      const entries = r.fills.filter((f) => f.clientOrderId === `${spot.id}-e` || f.clientOrderId === `${perp.id}-e`);
      // Equal notional: each leg's order was for the same quote amount, filled at the same market price.
      expect(entries[0]!.marketPrice).toBe(entries[1]!.marketPrice);
      expect(entries[0]!.qty * entries[0]!.price).toBeCloseTo(entries[1]!.qty * entries[1]!.price, 9);
      // The carry: every shipped settlement while the perpetual leg was open (one at the very instant of the exit is paid
      // only when the settlement came first), each at the shipped rate × the leg's notional at its mark.
      const paid = r.fundingPayments.filter((p) => p.positionId === perp.id);
      const inside = input.funding![perp.symbol]!.filter((f) => f.at > perp.entryAt && f.at < perp.exitAt);
      expect(paid.filter((p) => p.at < perp.exitAt).map((p) => p.at)).toEqual(inside.map((f) => f.at));
      const carried = paid.reduce((sum, p) => sum + input.funding![perp.symbol]!.find((f) => f.at === p.at)!.value * perp.qty * p.markPrice, 0);
      expect(Math.abs(perp.funding! - carried)).toBeLessThan(1e-9);
      expect(spot.funding).toBeUndefined();
    }
  });
});
