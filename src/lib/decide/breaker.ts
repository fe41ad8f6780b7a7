/** Circuit breaker of the Claude decider: 3 failures in a row open it; after the cooldown one try is let through. */
export interface BreakerState {
  state: "closed" | "open" | "half_open";
  consecutiveFailures: number;
  openedAt: number | null;
  lastFailure: string | null;
}

export interface BreakerConfig {
  failureThreshold: number;
  cooldownMs: number;
}

export function closedBreaker(): BreakerState {
  return { state: "closed", consecutiveFailures: 0, openedAt: null, lastFailure: null };
}

/** Whether a call may go out now; an open breaker past its cooldown turns half-open and lets one through. */
export function breakerAllows(b: BreakerState, cfg: BreakerConfig, now: number): { allowed: boolean; state: BreakerState; reason: string } {
  if (b.state === "closed") return { allowed: true, state: b, reason: "breaker closed" };
  const waited = now - (b.openedAt ?? now);
  // A trial that never reported back (the actor died mid-call) is replaced by a new one after a cooldown.
  if (b.state === "half_open" && waited < cfg.cooldownMs) return { allowed: false, state: b, reason: "breaker half-open: a trial call is in flight" };
  if (waited >= cfg.cooldownMs) return { allowed: true, state: { ...b, state: "half_open", openedAt: now }, reason: "breaker half-open: trial call" };
  return { allowed: false, state: b, reason: `breaker open for another ${Math.ceil((cfg.cooldownMs - waited) / 1000)} s after: ${b.lastFailure ?? "?"}` };
}

export function breakerSuccess(_b: BreakerState): BreakerState {
  return closedBreaker();
}

export function breakerFailure(b: BreakerState, cfg: BreakerConfig, reason: string, now: number): BreakerState {
  const failures = b.consecutiveFailures + 1;
  if (b.state === "half_open" || failures >= cfg.failureThreshold) return { state: "open", consecutiveFailures: failures, openedAt: now, lastFailure: reason };
  return { ...b, consecutiveFailures: failures, lastFailure: reason };
}
