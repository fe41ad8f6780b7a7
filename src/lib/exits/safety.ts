import type { ExitConfig } from "../config";
import type { PositionSide } from "../futures/side";

export type SafetyExitKind = "hard_stop" | "trailing_stop" | "take_profit" | "time_stop";

/** What a position knew of the market at entry that moves its stops: the ATR (in % of the close) and the macro trail multiplier. */
export interface EntryStops {
  atrPct?: number | null;
  trailMultiplier?: number | null;
}

export interface SafetyInput {
  /** Absent: a long. */
  side?: PositionSide | undefined;
  entryPrice: number;
  /** The most favourable price since entry (the highest for a long, the lowest for a short). */
  peakPrice: number;
  price: number;
  openedAt: number;
  entry?: EntryStops | null | undefined;
}

export interface SafetyExit {
  kind: SafetyExitKind;
  reason: string;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** The entry's ATR as a fraction of the price, when known. */
function atrFraction(entry: EntryStops | null | undefined): number | null {
  const atr = entry?.atrPct;
  return atr != null && atr > 0 ? atr / 100 : null;
}

/**
 * The hard stop's distance from the entry, as a fraction of the entry price: `hardStopAtr` ATRs of the entry's market
 * when set and known, never wider than `hardStopPct`; otherwise `hardStopPct`. Sizing reads the same distance.
 */
export function stopDistance(cfg: Pick<ExitConfig, "hardStopPct" | "hardStopAtr">, entry: EntryStops | null | undefined): number {
  const atr = atrFraction(entry);
  return cfg.hardStopAtr > 0 && atr !== null ? Math.min(cfg.hardStopPct, cfg.hardStopAtr * atr) : cfg.hardStopPct;
}

/** The take-profit distance (fraction of the entry price): the nearer of the fixed and the ATR multiple, null when both are off. */
export function takeProfitDistance(cfg: Pick<ExitConfig, "takeProfitPct" | "takeProfitAtr">, entry: EntryStops | null | undefined): number | null {
  const atr = atrFraction(entry);
  const byAtr = cfg.takeProfitAtr > 0 && atr !== null ? cfg.takeProfitAtr * atr : null;
  const fixed = cfg.takeProfitPct > 0 ? cfg.takeProfitPct : null;
  if (byAtr === null) return fixed;
  return fixed === null ? byAtr : Math.min(fixed, byAtr);
}

/** The trail, narrowed or widened by the macro regime's multiplier at entry. */
export function trailDistance(cfg: Pick<ExitConfig, "trailPct">, entry: EntryStops | null | undefined): number {
  const m = entry?.trailMultiplier;
  return m != null && m > 0 && m !== 1 ? cfg.trailPct * m : cfg.trailPct;
}

/**
 * Layer-1 safety rules; null when the position may stay open. Every move is read from the position's side (a short's
 * gain is the price falling), so a long's figures are the plain price ratios.
 */
export function checkSafety(p: SafetyInput, now: number, cfg: ExitConfig): SafetyExit | null {
  const short = p.side === "short";
  const change = short ? -(p.price / p.entryPrice - 1) : p.price / p.entryPrice - 1;
  const stop = stopDistance(cfg, p.entry);
  if (change <= -stop) {
    return { kind: "hard_stop", reason: `hard stop: ${pct(change)} from entry ${p.entryPrice}${short ? " (short)" : ""} (limit -${pct(stop)})` };
  }
  const target = takeProfitDistance(cfg, p.entry);
  if (target !== null && change >= target) {
    return { kind: "take_profit", reason: `take profit: +${pct(change)} from entry ${p.entryPrice}${short ? " (short)" : ""} (target +${pct(target)})` };
  }
  const peakGain = short ? -(p.peakPrice / p.entryPrice - 1) : p.peakPrice / p.entryPrice - 1;
  if (peakGain >= cfg.trailActivationPct) {
    const trail = trailDistance(cfg, p.entry);
    const fromPeak = short ? -(p.price / p.peakPrice - 1) : p.price / p.peakPrice - 1;
    if (fromPeak <= -trail) {
      return {
        kind: "trailing_stop",
        reason: `trailing stop: ${pct(fromPeak)} from ${short ? "trough" : "peak"} ${p.peakPrice} (trail ${pct(trail)}, active since +${pct(peakGain)})`,
      };
    }
  }
  return checkTimeStop(p.openedAt, now, cfg);
}

/** The time stop alone: held `maxHoldMs` since `openedAt` (what a position group's leg keeps of the safety layer). */
export function checkTimeStop(openedAt: number, now: number, cfg: Pick<ExitConfig, "maxHoldMs">): SafetyExit | null {
  const held = now - openedAt;
  if (held >= cfg.maxHoldMs) {
    return { kind: "time_stop", reason: `time stop: held ${(held / 3_600_000).toFixed(1)} h (max ${(cfg.maxHoldMs / 3_600_000).toFixed(1)} h)` };
  }
  return null;
}

/** Where the safety layer closes a position (the prices `checkSafety` acts at), for display. */
export interface SafetyLevels {
  /** The hard stop: entry × (1 − stop) for a long, entry × (1 + stop) for a short. */
  hardStop: number;
  /** The take-profit price, null when off. */
  takeProfit: number | null;
  /** The most favourable price at which the trailing stop becomes active: entry × (1 ± trailActivationPct). */
  trailActivatesAt: number;
  trailingActive: boolean;
  /** peak × (1 ∓ trail) once active, else null. */
  trailingStop: number | null;
  /** Engine time of the time stop (openedAt + maxHoldMs); null before the entry filled. */
  timeStopAt: number | null;
}

/** The safety levels of a position now, from its side, entry, peak (trough for a short), opening time and entry market. */
export function safetyLevels(p: { side?: PositionSide | undefined; entryPrice: number; peakPrice: number; openedAt: number | null; entry?: EntryStops | null }, cfg: ExitConfig): SafetyLevels {
  const s = p.side === "short" ? -1 : 1;
  const trailActivatesAt = p.entryPrice * (1 + s * cfg.trailActivationPct);
  const trailingActive = s * (p.peakPrice / p.entryPrice - 1) >= cfg.trailActivationPct;
  const target = takeProfitDistance(cfg, p.entry);
  return {
    hardStop: p.entryPrice * (1 - s * stopDistance(cfg, p.entry)),
    takeProfit: target === null ? null : p.entryPrice * (1 + s * target),
    trailActivatesAt,
    trailingActive,
    trailingStop: trailingActive ? p.peakPrice * (1 - s * trailDistance(cfg, p.entry)) : null,
    timeStopAt: p.openedAt === null ? null : p.openedAt + cfg.maxHoldMs,
  };
}
