import type { ExitConfig } from "../config";

export type SafetyExitKind = "hard_stop" | "trailing_stop" | "time_stop";

export interface SafetyInput {
  entryPrice: number;
  peakPrice: number;
  price: number;
  openedAt: number;
}

export interface SafetyExit {
  kind: SafetyExitKind;
  reason: string;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Layer-1 safety rules for a long position; null when it may stay open. */
export function checkSafety(p: SafetyInput, now: number, cfg: ExitConfig): SafetyExit | null {
  const change = p.price / p.entryPrice - 1;
  if (change <= -cfg.hardStopPct) {
    return { kind: "hard_stop", reason: `hard stop: ${pct(change)} from entry ${p.entryPrice} (limit -${pct(cfg.hardStopPct)})` };
  }
  const peakGain = p.peakPrice / p.entryPrice - 1;
  if (peakGain >= cfg.trailActivationPct) {
    const fromPeak = p.price / p.peakPrice - 1;
    if (fromPeak <= -cfg.trailPct) {
      return {
        kind: "trailing_stop",
        reason: `trailing stop: ${pct(fromPeak)} from peak ${p.peakPrice} (trail ${pct(cfg.trailPct)}, active since +${pct(peakGain)})`,
      };
    }
  }
  const held = now - p.openedAt;
  if (held >= cfg.maxHoldMs) {
    return { kind: "time_stop", reason: `time stop: held ${(held / 3_600_000).toFixed(1)} h (max ${(cfg.maxHoldMs / 3_600_000).toFixed(1)} h)` };
  }
  return null;
}

/** Where the safety layer closes a long position (the prices `checkSafety` acts at), for display. */
export interface SafetyLevels {
  /** The hard stop: entry × (1 − hardStopPct). */
  hardStop: number;
  /** The peak at or above which the trailing stop is active: entry × (1 + trailActivationPct). */
  trailActivatesAt: number;
  trailingActive: boolean;
  /** peak × (1 − trailPct) once active, else null. */
  trailingStop: number | null;
  /** Engine time of the time stop (openedAt + maxHoldMs); null before the entry filled. */
  timeStopAt: number | null;
}

/** The safety levels of a long position now, from its entry, peak and opening time. */
export function safetyLevels(p: { entryPrice: number; peakPrice: number; openedAt: number | null }, cfg: ExitConfig): SafetyLevels {
  const trailActivatesAt = p.entryPrice * (1 + cfg.trailActivationPct);
  const trailingActive = p.peakPrice / p.entryPrice - 1 >= cfg.trailActivationPct;
  return {
    hardStop: p.entryPrice * (1 - cfg.hardStopPct),
    trailActivatesAt,
    trailingActive,
    trailingStop: trailingActive ? p.peakPrice * (1 - cfg.trailPct) : null,
    timeStopAt: p.openedAt === null ? null : p.openedAt + cfg.maxHoldMs,
  };
}
