import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { waitFor } from "../workers/support";
import { accepted, arm, CHANNELS, notifier, received, sleep, stream, untilAccepted } from "./notify-support";

/**
 * A crash in the middle of a send (its own file: aborting resets every Durable Object of this file's runtime).
 * The row was leased and its attempt counted before the request left; after the restart it is sent again only
 * when the lease (2 × timeout + 1 s) runs out, and the receiver takes it once.
 */
describe("a notifier that crashes mid-send", () => {
  it("sends the leased row again after its lease, once, and counts the cut attempt", async () => {
    const P = "nt-crash";
    const T = Date.UTC(2026, 2, 27, 12);
    await arm("telegram", P, [{ status: 500, delayMs: 3_000 }]);
    const data = { positionId: "p-crash", symbol: "ETH/USDT", qty: 1, entryPrice: 2_000, fee: 2, reason: "crash test" };
    const seq = await stream(P).publish({ type: "position.opened", ts: T, data });
    await waitFor(async () => (await received(P, "telegram")).some((r) => r.status === null), "telegram request in flight", 10_000, 50);
    // The crash cuts the telegram send alone: the other channels' rows are booked as sent first (a row whose
    // answer came but whose booking the crash lost is sent again, as any at-least-once delivery; its id stays).
    await waitFor(
      async () => {
        const rows = (await notifier(P).status()).recent.filter((r) => !r.queue.startsWith("telegram"));
        return rows.length === CHANNELS.length - 1 && rows.every((r) => r.status === "sent");
      },
      "discord and webhook booked as sent",
      10_000,
      50,
    );
    const cutAt = Date.now();
    await abortAllDurableObjects();
    // The mail may come again after a crash: it adds nothing; its flush arms the alarm.
    expect(await notifier(P).notify({ portfolio: P, envelope: { seq, ts: T, type: "position.opened", data } })).toEqual({ queued: 0 });
    await untilAccepted(P, CHANNELS, 1, 25_000);
    const tg = await received(P, "telegram");
    expect(tg.map((r) => [r.status, r.abandoned])).toEqual([
      [500, true],
      [200, false],
    ]);
    // Not before the lease: the leased row was not sent twice at once.
    expect(tg[1]!.at - tg[0]!.at).toBeGreaterThanOrEqual(4_000);
    expect(tg[1]!.at).toBeGreaterThan(cutAt);
    await sleep(1_000);
    for (const ch of CHANNELS) expect(accepted(await received(P, ch)), ch).toHaveLength(1);
    const row = (await notifier(P).status()).recent.find((r) => r.queue === "telegram:1001")!;
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
  });
});
