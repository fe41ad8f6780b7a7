import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createSession, migrateD1, waitFor, type SimSession } from "../workers/support";
import { exchangeTruth, type ExchangeTruth } from "../exchange/support";

export * from "../exchange/support";

/** What GET sim/state adds for the WebSocket API and the REST calls it received. */
export interface StreamTruth extends ExchangeTruth {
  orders: (ExchangeTruth["orders"][number] & { orderId: number })[];
  wsApi: { sockets: number; subscriptions: number; eventsSent: number };
  requests: Record<string, number>;
  faults: { duplicateFillReports: number };
}

export async function streamTruth(s: SimSession): Promise<StreamTruth> {
  return (await exchangeTruth(s)) as StreamTruth;
}

export const userStream = (portfolio: string) => env.USER_STREAM.getByName(`user-stream:${portfolio}`);

/** Due time of the account's next reconciliation pass (null while a pass runs or none is set). */
function nextReconcile(portfolio: string): Promise<number | null> {
  return runInDurableObject(env.ACCOUNT.getByName(`account:${portfolio}`), (_i, state) => {
    const row = state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM _timers WHERE name = 'reconcile'").toArray()[0];
    return row?.due_at ?? null;
  });
}

/**
 * An account on its own simulator session with no market feed: its positions hear of no price, so they never
 * exit on their own, and with the stream project's config they never poll an order either. Returns once the
 * stream is subscribed and the reconciliation it asked for has run (the next one is an hour away).
 */
export async function streamPortfolio(portfolio: string, start: string) {
  await migrateD1();
  const session = await createSession({ start, symbols: ["BTCUSDT"] });
  const account = env.ACCOUNT.getByName(`account:${portfolio}`);
  await account.init({ portfolio, venue: portfolio, restUrl: session.restBase, symbols: ["BTC/USDT"], initialCash: 10_000 });
  const stream = userStream(portfolio);
  // Live, and its request for a reconciliation delivered (the mail leaves after the status is set).
  await waitFor(async () => (await stream.status()).status === "live" && (await stream.kernelStatus()).mailbox.pending === 0, "user-data stream subscribed");
  await waitFor(async () => ((await nextReconcile(portfolio)) ?? 0) > Date.now() + 600_000, "reconciliation after the subscription done");
  return { session, account, stream, position: (id: string) => env.POSITION.getByName(`position:${portfolio}:${id}`), nextReconcile: () => nextReconcile(portfolio) };
}
