import type { NotifyRetryConfig } from "./config";

/** What one send came to, as the channel adapters classify the receiver's answer. */
export type SendOutcome =
  | { kind: "sent"; note?: string }
  /** 5xx, a network failure, a timeout: try again after a backoff. */
  | { kind: "retry"; error: string }
  /** 429: wait what the receiver asked (ms). */
  | { kind: "rate_limited"; retryAfterMs: number; error: string }
  /** Any other 4xx: sending again cannot help. */
  | { kind: "failed"; error: string };

/** A delivery row's counters before the answer is applied (`attempts` already counts this send). */
export interface DeliveryCounters {
  attempts: number;
  limited: number;
}

export type DeliveryStep = { status: "sent" } | { status: "pending"; nextAt: number; attempts: number; limited: number; error: string } | { status: "dead"; error: string };

/** Exponential backoff: base × 2^(attempts−1), at most max. */
export function backoffMs(attempts: number, cfg: Pick<NotifyRetryConfig, "baseMs" | "maxMs">): number {
  return Math.min(cfg.maxMs, cfg.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 20));
}

/**
 * The next state of a delivery after one send. A 429 does not count as an attempt (the receiver is up and
 * said when), but is bounded on its own; a 5xx or network failure backs off until `maxAttempts`; any other
 * refusal is final.
 */
export function afterSend(outcome: SendOutcome, c: DeliveryCounters, cfg: NotifyRetryConfig, now: number): DeliveryStep {
  switch (outcome.kind) {
    case "sent":
      return { status: "sent" };
    case "failed":
      return { status: "dead", error: outcome.error };
    case "retry":
      if (c.attempts >= cfg.maxAttempts) return { status: "dead", error: `${outcome.error} (${c.attempts} attempts)` };
      return { status: "pending", nextAt: now + backoffMs(c.attempts, cfg), attempts: c.attempts, limited: c.limited, error: outcome.error };
    case "rate_limited": {
      const limited = c.limited + 1;
      if (limited > cfg.maxRateLimited) return { status: "dead", error: `${outcome.error} (rate limited ${limited} times)` };
      const wait = Math.min(Math.max(outcome.retryAfterMs, 0), cfg.maxRetryAfterMs);
      // The 429 gave the attempt back: only 5xx and network failures count toward maxAttempts.
      return { status: "pending", nextAt: now + wait, attempts: Math.max(c.attempts - 1, 0), limited, error: outcome.error };
    }
  }
}
