/** Which way a position is exposed: a long gains when the price rises, a short when it falls. */
export type PositionSide = "long" | "short";

/** Where a position is held: spot (the asset bought outright) or the USD-M perpetual (margin, funding, liquidation). */
export type Venue = "spot" | "futures";

/** +1 for a long, −1 for a short: a price move times this is the position's gain per unit. */
export function direction(side: PositionSide): 1 | -1 {
  return side === "short" ? -1 : 1;
}

/** The side a stored record names, long when it names none (every record written before shorts existed). */
export function sideOf(record: { side?: PositionSide | null }): PositionSide {
  return record.side === "short" ? "short" : "long";
}

/** The venue a stored record names, spot when it names none. */
export function venueOf(record: { venue?: Venue | null }): Venue {
  return record.venue === "futures" ? "futures" : "spot";
}
