import type { GateVerdict } from "./types";

/** A manual wake through the API inside `everyMs` of wall time of the last one: refused with how long to wait (null: allowed). */
export function manualWakeRefusal(lastWall: number | null, wall: number, everyMs: number): (GateVerdict & { retryAfterMs: number }) | null {
  if (lastWall === null || wall - lastWall >= everyMs || wall < lastWall) return null;
  const retryAfterMs = everyMs - (wall - lastWall);
  const reason = `manual wakes are limited to one per ${Math.round(everyMs / 1000)} s: try again in ${Math.ceil(retryAfterMs / 1000)} s`;
  return { open: false, layer: "manual", reason, suppressed: true, retryAfterMs };
}
