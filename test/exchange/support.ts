import { env } from "cloudflare:workers";
import { createSession, migrateD1, simState, startTicker, waitFor, type SimSession } from "../workers/support";

export * from "../workers/support";

/** What GET sim/state lists of a session's account: the exchange's truth. */
export interface ExchangeTruth {
  ordersByClientId: Record<string, number>;
  orders: { clientOrderId: string; status: string; type: string; side: string; executedQty: string; stopPrice?: string }[];
  trades: { id: number; orderId: number; qty: string; price: string; commission: string; commissionAsset: string }[];
  balances: { asset: string; free: number; locked: number }[];
}

export async function exchangeTruth(s: SimSession): Promise<ExchangeTruth> {
  return (await simState(s)) as unknown as ExchangeTruth;
}

export function balanceOf(t: ExchangeTruth, asset: string): number {
  const b = t.balances.find((x) => x.asset === asset);
  return b ? b.free + b.locked : 0;
}

/** An account on its own simulator session (its own exchange balances), with a ticker for its symbol. */
export async function exchangePortfolio(portfolio: string, symbol = "BTC/USDT", start = "2026-03-26T10:00:00Z") {
  await migrateD1();
  const session = await createSession({ start, symbols: [symbol.replace("/", "")] });
  const account = env.ACCOUNT.getByName(`account:${portfolio}`);
  await account.init({ portfolio, venue: portfolio, restUrl: session.restBase, symbols: [symbol], initialCash: 10_000 });
  await startTicker(session, symbol, portfolio, portfolio);
  await waitFor(async () => (await simState(session)).connections > 0, "socket connected");
  return { session, account, position: (id: string) => env.POSITION.getByName(`position:${portfolio}:${id}`) };
}
