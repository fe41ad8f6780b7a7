import type { PositionSide } from "../futures/side";
import type { MarketSnapshot } from "./snapshot-schema";

/** What a ticker holds: a long, a short, or a carry (a position group's legs). */
export type Holding = PositionSide | "carry";

/** What each ticker holds in a snapshot (a spot position is long; legs of a group are the carry). */
export function heldSides(snapshot: Pick<MarketSnapshot, "account">): Map<string, Holding> {
  return new Map(snapshot.account.positions.map((p) => [p.symbol, p.group !== undefined ? "carry" : (p.side ?? "long")]));
}
