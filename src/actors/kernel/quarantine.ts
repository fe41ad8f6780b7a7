import { errorMessage } from "../../adapters/log";

export interface QuarantinedValue {
  key: string;
  value: string;
  error: string;
  at: number;
}

/**
 * Stored state that cannot be read back (corrupt, non-finite, from an incompatible version) is moved
 * aside instead of thrown: a constructor that throws would make the actor unreachable for good.
 */
export class Quarantine {
  private readonly found: QuarantinedValue[] = [];

  constructor(
    private readonly sql: SqlStorage,
    private readonly kv: SyncKvStorage,
  ) {}

  /**
   * Reads `key` through `restore`; on failure the stored value is quarantined, removed from the live
   * state and `fallback()` is used. Never throws.
   */
  restore<T>(key: string, restore: (stored: unknown) => T, fallback: () => T): T {
    let stored: unknown;
    try {
      stored = this.kv.get(key);
      if (stored === undefined) return fallback();
      return restore(stored);
    } catch (err) {
      const value = safeJson(stored);
      const at = Date.now();
      this.sql.exec("INSERT INTO _quarantine (key, value, error, at) VALUES (?, ?, ?, ?)", key, value, errorMessage(err).slice(0, 500), at);
      this.kv.delete(key);
      this.found.push({ key, value, error: errorMessage(err), at });
      return fallback();
    }
  }

  /** Values quarantined since this instance started (the actor alerts on them once it can). */
  takeNew(): QuarantinedValue[] {
    return this.found.splice(0);
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _quarantine").one().n;
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "undefined";
  } catch {
    return String(v);
  }
}
