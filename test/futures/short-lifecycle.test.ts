import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { PositionState } from "../../src/lib/execution/position";
import { advance, api, createSession, migrateD1, simState, startTicker, waitFor, type SimSession } from "../workers/support";

const MINUTE = 60_000;
const SLIP = 0.0005;
const FEE = 0.001;

beforeAll(async () => {
  await migrateD1();
});

/** The session's 1m klines from `from` for `n` minutes, as [open time, path prices (open, extremes, close)]. */
async function minutePaths(s: SimSession, symbol: string, from: number, n: number): Promise<Map<number, number[]>> {
  const rows = (await (await fetch(`${s.restBase}/api/v3/klines?symbol=${symbol}&interval=1m&startTime=${from}&limit=${n}`)).json()) as [number, string, string, string, string][];
  return new Map(rows.map((r) => [r[0], [r[1], r[2], r[3], r[4]].map(Number)]));
}

/** Whether `price` is one of the session's prices of the minute holding `at` (a frame the ticker passed on). */
function isSimPrice(paths: Map<number, number[]>, at: number, price: number): boolean {
  const minute = Math.floor(at / MINUTE) * MINUTE;
  return [minute, minute - MINUTE].some((t) => (paths.get(t) ?? []).some((p) => Math.abs(p / price - 1) < 1e-12));
}

async function open(portfolio: string, s: SimSession, symbol: string, at: number) {
  const venue = `${portfolio}v`;
  const account = env.ACCOUNT.getByName(`account:${portfolio}`);
  await account.init({ portfolio, venue, restUrl: s.restBase, symbols: [symbol], initialCash: 10_000 });
  await startTicker(s, symbol, portfolio, venue);
  await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
  const r = await account.requestEntry({ decisionId: `${portfolio}-d1`, at, symbol, positionPct: 0.3, agent: "test", reason: "short test", side: "short" });
  expect(r).toMatchObject({ accepted: true });
  const position = env.POSITION.getByName(`position:${portfolio}:${r.positionId}`);
  return { account, position, positionId: r.positionId! };
}

describe("a short on the perpetual through the actors (paper broker, prices and funding from the simulator)", () => {
  it("books P&L, fees and funding equal to a hand computation from the simulator's prices and funding settlements", async () => {
    // BTC 2026-03-27: the 08:00 settlement is −0.006298 % (shorts pay).
    const start = Date.UTC(2026, 2, 27, 7, 55);
    const settlement = Date.UTC(2026, 2, 27, 8);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"], partials: 2 });
    const { account, position, positionId } = await open("fshort", s, "BTC/USDT", start);
    await advance(s, 1);
    await waitFor(async () => (await account.summary()).positions.find((p) => p.id === positionId && p.status === "open"), "the short opened");
    // Across the settlement, minute by minute, until the ticker's funding poll has reached the position.
    let pos: PositionState | null = null;
    for (let i = 0; i < 15 && !pos?.fundingPayments?.length; i++) {
      await advance(s, 1);
      await new Promise((r) => setTimeout(r, 300));
      pos = await position.status();
    }
    expect(pos?.fundingPayments).toHaveLength(1);
    await account.requestExit({ decisionId: "fshort-d2", at: (await simState(s)).now, symbol: "BTC/USDT", reason: "test exit" });
    await advance(s, 1);
    const closed = await waitFor(async () => {
      const p = await position.status();
      return p?.status === "closed" ? p : null;
    }, "the short closed");

    const rates = (await (await fetch(`${s.restBase}/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=${settlement}&limit=1`)).json()) as { fundingTime: number; fundingRate: string }[];
    expect(rates[0]!.fundingTime).toBe(settlement);
    const rate = Number(rates[0]!.fundingRate);
    const paths = await minutePaths(s, "BTCUSDT", start - MINUTE, 40);
    const [entry, exit] = closed.orders;
    expect(entry).toMatchObject({ side: "sell", status: "filled" });
    expect(exit).toMatchObject({ side: "buy", status: "filled", reduceOnly: true });
    // Each fill at one of the simulator's prices, moved by the slippage against the position; the taker fee on its notional.
    expect(isSimPrice(paths, entry!.filledAt!, entry!.fillPrice! / (1 - SLIP))).toBe(true);
    expect(isSimPrice(paths, exit!.filledAt!, exit!.fillPrice! / (1 + SLIP))).toBe(true);
    expect(entry!.fee).toBeCloseTo(entry!.filledQty! * entry!.fillPrice! * FEE, 9);
    expect(exit!.fee).toBeCloseTo(exit!.filledQty! * exit!.fillPrice! * FEE, 9);
    // The settlement: the simulator's rate at 08:00, on the notional at a simulator price of that minute.
    const paid = closed.fundingPayments![0]!;
    expect(paid).toMatchObject({ at: settlement, rate });
    expect(paid.markAt).toBeGreaterThanOrEqual(settlement);
    expect(isSimPrice(paths, paid.markAt, paid.markPrice)).toBe(true);
    const funding = rate * closed.qty * paid.markPrice; // a short receives rate × notional (pays when negative)
    expect(paid.amount).toBeCloseTo(funding, 12);
    const pnl = entry!.filledQty! * entry!.fillPrice! - exit!.filledQty! * exit!.fillPrice! - entry!.fee! - exit!.fee! + funding;
    expect(closed.pnl).toBeCloseTo(pnl, 9);

    // D1 and the book agree: the trade row, the position row, the account's cash.
    const trade = await waitFor(() => env.DB.prepare("SELECT * FROM trades WHERE id = ?").bind(positionId).first<Record<string, number | string>>(), "the trade row");
    expect(trade).toMatchObject({ side: "short", pnl: expect.closeTo(pnl, 9), funding: expect.closeTo(funding, 12), fees: expect.closeTo(entry!.fee! + exit!.fee!, 9) });
    const row = await waitFor(() => env.DB.prepare("SELECT * FROM positions WHERE id = ? AND status = 'closed'").bind(positionId).first<Record<string, number | string>>(), "the position row");
    expect(row).toMatchObject({ side: "short", venue: "futures", leverage: 2, funding: expect.closeTo(funding, 12) });
    const book = await waitFor(async () => {
      const b = await account.summary();
      return b.closedCount === 1 ? b : null;
    }, "the close booked");
    expect(book.cash).toBeCloseTo(10_000 + pnl, 6);
    expect(book.realizedPnl).toBeCloseTo(pnl, 9);
  });

  it("shows a short's side, leverage, liquidation price and funding at GET /api/positions", async () => {
    const start = Date.UTC(2026, 2, 27, 9);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["ETHUSDT"], partials: 2 });
    const { account, positionId } = await open("main", s, "ETH/USDT", start);
    await advance(s, 1);
    await waitFor(async () => (await account.summary()).positions.find((p) => p.id === positionId && p.status === "open"), "the short opened");
    const live = (await (await api("/api/positions?live=true")).json()) as { positions: Record<string, unknown>[] };
    const p = live.positions.find((x) => x.id === positionId)!;
    expect(p).toMatchObject({ side: "short", venue: "futures", leverage: 50, funding: 0, liquidationPrice: expect.any(Number) });
    expect(p.liquidationPrice as number).toBeGreaterThan(p.entryPrice as number);
    // The history row reaches D1 through the position's outbox.
    const row = await waitFor(
      async () => ((await (await api("/api/positions?status=open")).json()) as { positions: Record<string, unknown>[] }).positions.find((x) => x.id === positionId),
      "the open position's row",
    );
    expect(row).toMatchObject({ side: "short", venue: "futures", leverage: 50, liquidation_price: expect.closeTo(p.liquidationPrice as number, 6) });
  });

  it("is liquidated once when the simulator's price jumps past its liquidation price, and booked once", async () => {
    // ETH 2026-03-28 13:40: from 2004.58 to 2047.45 in one step (+2.1 %), past a 50x short's liquidation (~1.6 %) and its 1.5 % stop.
    const start = Date.UTC(2026, 2, 28, 13, 38);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["ETHUSDT"], partials: 2 });
    const { account, position, positionId } = await open("fliq", s, "ETH/USDT", start);
    await advance(s, 3);
    const closed = await waitFor(async () => {
      const p = await position.status();
      return p?.status === "closed" ? p : null;
    }, "the liquidation");
    expect(closed).toMatchObject({ exitKind: "liquidation", side: "short", leverage: 50 });
    const notional = closed.qty * closed.entryPrice;
    expect(closed.pnl).toBeCloseTo(-notional / 50 - closed.entryFee, 6);
    await advance(s, 3);
    const book = await waitFor(async () => {
      const b = await account.summary();
      return b.closedCount === 1 ? b : null;
    }, "the liquidation booked");
    await new Promise((r) => setTimeout(r, 500));
    const again = await account.summary();
    expect(again.closedCount).toBe(1);
    expect(again.realizedPnl).toBeCloseTo(closed.pnl!, 9);
    expect(book.cash).toBeCloseTo(10_000 + closed.pnl!, 6);
    const trades = await env.DB.prepare("SELECT exit_kind, pnl FROM trades WHERE id = ?").bind(positionId).all();
    expect(trades.results).toEqual([{ exit_kind: "liquidation", pnl: expect.closeTo(closed.pnl!, 9) }]);
  });
});
