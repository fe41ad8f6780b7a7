import type { Quarantine } from "../kernel/quarantine";
import { actorName } from "../names";

/** The stored subscriber list, checked: a list of portfolio names, each once (anything else is quarantined). */
export function subscriberList(stored: unknown): string[] {
  if (!Array.isArray(stored) || !stored.every((p): p is string => typeof p === "string" && p.length > 0)) throw new Error("subscribers is not a list of portfolio names");
  return [...new Set(stored)];
}

/**
 * The portfolios a market feeds, in the order they started (kv `subscribers`): each one's gate gets the ticks, closes
 * and material moves, its stream the feed's events. State stored before there was a list has the one portfolio of the
 * ticker's `setup` (`legacy`); a list that cannot be read is quarantined.
 */
export class Subscribers {
  private list: string[];
  private gates: string[];

  constructor(
    private readonly kv: SyncKvStorage,
    quarantine: Quarantine,
    legacy: () => string[],
  ) {
    this.list = quarantine.restore("subscribers", subscriberList, legacy);
    this.gates = this.list.map((p) => actorName.gate(p));
  }

  get portfolios(): string[] {
    return this.list;
  }

  /** The gate of each portfolio, in the same order. */
  get gateNames(): readonly string[] {
    return this.gates;
  }

  get first(): string | null {
    return this.list[0] ?? null;
  }

  includes(portfolio: string): boolean {
    return this.list.includes(portfolio);
  }

  /** Adds `portfolio` (once). */
  join(portfolio: string): void {
    if (!this.list.includes(portfolio)) this.set([...this.list, portfolio]);
  }

  /** Removes `portfolio` when it is on the list. */
  leave(portfolio: string): void {
    if (this.list.includes(portfolio)) this.set(this.list.filter((p) => p !== portfolio));
  }

  clear(): void {
    this.set([]);
  }

  private set(list: string[]): void {
    this.list = list;
    this.gates = list.map((p) => actorName.gate(p));
    this.kv.put("subscribers", list);
  }
}
