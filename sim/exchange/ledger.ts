import { round8 } from "./intervals";

export interface Balance {
  free: number;
  locked: number;
}

/** Free/locked balances per asset; remembers which assets changed since the last `takeTouched()`. */
export class Ledger {
  private readonly bal = new Map<string, Balance>();
  private touched = new Set<string>();

  constructor(initial: Record<string, number>) {
    for (const [asset, free] of Object.entries(initial)) this.bal.set(asset, { free, locked: 0 });
  }

  get(asset: string): Balance {
    let b = this.bal.get(asset);
    if (!b) this.bal.set(asset, (b = { free: 0, locked: 0 }));
    return b;
  }

  list(): { asset: string; free: number; locked: number }[] {
    return [...this.bal.entries()].map(([asset, b]) => ({ asset, ...b }));
  }

  /** Adds `free` and `locked` deltas to an asset. */
  add(asset: string, free: number, locked = 0): void {
    const b = this.get(asset);
    b.free = round8(b.free + free);
    b.locked = round8(b.locked + locked);
    this.touched.add(asset);
  }

  lock(asset: string, amount: number): void {
    this.add(asset, -amount, amount);
  }

  unlock(asset: string, amount: number): void {
    this.add(asset, amount, -amount);
  }

  /** Assets changed since the previous call, in first-change order. */
  takeTouched(): string[] {
    const out = [...this.touched];
    this.touched = new Set();
    return out;
  }
}
