import { env } from "cloudflare:workers";
import { inject } from "vitest";
import type { FaultStep, Received, SimChannel } from "../../sim/notify/server";
import { waitFor } from "../workers/support";

export const CHANNELS: SimChannel[] = ["telegram", "discord", "webhook"];

/** What the local receivers got whose body contains `match` (each test's portfolio name keeps tests apart). */
export async function received(match: string, channel?: SimChannel): Promise<Received[]> {
  const q = new URLSearchParams({ match, ...(channel ? { channel } : {}) });
  const res = await fetch(`${inject("notifyUrl")}/sim/received?${q}`);
  if (!res.ok) throw new Error(`sim/received: ${res.status}`);
  return res.json();
}

/** Arms answers for the next requests of `channel` whose body contains `match`. */
export async function arm(channel: SimChannel, match: string, steps: FaultStep[]): Promise<void> {
  const res = await fetch(`${inject("notifyUrl")}/sim/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ channel, match, steps }) });
  if (!res.ok) throw new Error(`sim/faults: ${res.status} ${await res.text()}`);
}

/** Requests the receiver took (2xx) and the sender heard so. */
export const accepted = (rs: Received[]) => rs.filter((r) => r.status !== null && r.status >= 200 && r.status < 300 && !r.abandoned);

/** Waits until every channel in `channels` accepted at least `n` requests matching `match`. */
export function untilAccepted(match: string, channels: SimChannel[] = CHANNELS, n = 1, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const all = await received(match);
      return channels.every((ch) => accepted(all.filter((r) => r.channel === ch)).length >= n) ? all : null;
    },
    `${channels.join(", ")} accepted ${n}× "${match}"`,
    timeoutMs,
    100,
  );
}

export function stream(portfolio: string) {
  return env.STREAM.getByName(`stream:${portfolio}`);
}

export function notifier(portfolio: string) {
  return env.NOTIFIER.getByName(`notifier:${portfolio}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
