import type { PositionSide } from "../futures/side";
import type { MarketSnapshot } from "./snapshot-schema";

/** The side of each ticker's open position in a snapshot (a spot position is long). */
export function heldSides(snapshot: Pick<MarketSnapshot, "account">): Map<string, PositionSide> {
  return new Map(snapshot.account.positions.map((p) => [p.symbol, p.side ?? "long"]));
}
