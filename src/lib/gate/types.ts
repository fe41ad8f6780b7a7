import type { Timeframe } from "../market/timeframe";
import type { MaterialMove } from "./materiality";

/** What opened (or tried to open) the gate. */
/** What opened (or tried to open) the gate. "zscore" is kept for records written before material moves replaced it. */
export type GateLayer = "candle_close" | "timer" | "material" | "review" | "zscore" | "wake_condition" | "watchdog" | "manual";

export type WakeOperator = "gt" | "lt" | "crosses_above" | "crosses_below" | "abs_change_pct_gt";
export type WakeMetric = "price" | "zRet" | "zVol";

/** A condition the decider asked to be woken on; one-shot: it is removed when it fires. */
export interface WakeCondition {
  id: string;
  symbol: string;
  metric: WakeMetric;
  operator: WakeOperator;
  threshold: number;
  reason: string;
  /** Value of the metric when the condition was set: the base of abs_change_pct_gt. */
  reference: number | null;
  /** Last value seen, for the crosses_* operators (null until the first tick after it was set). */
  last: number | null;
}

export interface PendingWake {
  layer: GateLayer;
  reason: string;
  since: number;
  /** Not before this engine time: a material move waits `materialGatherMs` for the moves that come with it. */
  notBefore?: number;
}

export interface GateState {
  lastOpenAt: number | null;
  /**
   * Positions the evaluator found at risk: when a review was asked for each, and whether it has been calm since (a
   * position stays in until calm and past `reviewWakeCooldownMs`; a position at risk at every review asks once).
   */
  reviewAsked: Record<string, { at: number; calm: boolean }>;
  /** Each symbol's price at the last decision that completed: what the decider has seen. */
  decidedPrices: Record<string, number>;
  inFlight: { id: string; since: number } | null;
  /** When the decider's own timer (next_check_seconds) falls due; null while none is set. */
  nextCheckAt: number | null;
  wakeConditions: WakeCondition[];
  /** A scheduled wake (candle close, timer, wake condition) that cooldown or single-flight held back. */
  pending: PendingWake | null;
}

export interface TickEvent {
  kind: "tick";
  symbol: string;
  price: number;
  zRet: number;
  zVol: number;
}

export type GateEvent =
  | TickEvent
  | { kind: "candle_close"; symbol: string; tf: Timeframe; closeTime: number }
  | { kind: "material"; move: MaterialMove }
  /** A position's review: `risk` says why it is at risk, null when it is not. */
  | { kind: "position_review"; positionId: string; symbol: string; risk: string | null }
  | { kind: "timer" }
  | { kind: "watchdog"; silentForMs: number | null }
  | { kind: "manual"; reason: string };

export interface GateVerdict {
  open: boolean;
  /** The layer that fired, or null when none did. */
  layer: GateLayer | null;
  reason: string;
  /** True when a layer fired but cooldown or single-flight held it back. */
  suppressed: boolean;
  /**
   * When no layer fired: why, as a fixed phrase without times or prices (verdict counts are keyed by it; `reason`
   * has the particulars).
   */
  skip?: GateSkip;
}

export const GATE_SKIPS = [
  "no layer fired",
  "gate not configured",
  "engine stopped",
  "not the decision timeframe",
  "close already covered",
  "move already covered",
  "move already decided",
  "review recently asked",
  "position not at risk",
  "no decider timer set",
  "decider timer not due",
  "watchdog: ticks recent",
] as const;
export type GateSkip = (typeof GATE_SKIPS)[number];

export interface GateResult {
  verdict: GateVerdict;
  state: GateState;
}

/**
 * Every gate state is built here, field by field in one order, so all of them share one object shape:
 * the per-tick check then reads monomorphic properties (spread copies from other shapes cost it 5×).
 * The merge is `Object.assign`, not `{ ...s, ...patch }`: V8 runs that spread through its slow path.
 */
export function gateState(s: GateState, patch: Partial<GateState> = {}): GateState {
  const x: GateState = Object.assign({}, s, patch);
  return {
    lastOpenAt: x.lastOpenAt,
    reviewAsked: x.reviewAsked ?? {},
    decidedPrices: x.decidedPrices ?? {},
    inFlight: x.inFlight,
    nextCheckAt: x.nextCheckAt,
    wakeConditions: x.wakeConditions,
    pending: x.pending,
  };
}

/** A wake condition, built in one shape for the same reason as `gateState`. */
export function wakeCondition(c: WakeCondition, patch: Partial<WakeCondition> = {}): WakeCondition {
  const x: WakeCondition = Object.assign({}, c, patch);
  return { id: x.id, symbol: x.symbol, metric: x.metric, operator: x.operator, threshold: x.threshold, reason: x.reason, reference: x.reference, last: x.last };
}

export function initialGateState(): GateState {
  return gateState({ lastOpenAt: null, reviewAsked: {}, decidedPrices: {}, inFlight: null, nextCheckAt: null, wakeConditions: [], pending: null });
}

/** A gate state read back from storage: written by an older version (fields missing) or not a state at all. */
export function storedGateState(stored: unknown): GateState {
  if (stored === null || typeof stored !== "object" || Array.isArray(stored)) return initialGateState();
  const s = stored as Partial<GateState>;
  return gateState(initialGateState(), {
    lastOpenAt: typeof s.lastOpenAt === "number" ? s.lastOpenAt : null,
    reviewAsked: storedReviews(s.reviewAsked),
    decidedPrices: s.decidedPrices && typeof s.decidedPrices === "object" ? s.decidedPrices : {},
    inFlight: s.inFlight && typeof s.inFlight === "object" ? s.inFlight : null,
    nextCheckAt: typeof s.nextCheckAt === "number" ? s.nextCheckAt : null,
    wakeConditions: Array.isArray(s.wakeConditions) ? s.wakeConditions : [],
    pending: s.pending && typeof s.pending === "object" ? s.pending : null,
  });
}

/** Reviews asked, as stored: entries that are not `{at, calm}` are dropped. */
function storedReviews(v: unknown): GateState["reviewAsked"] {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return {};
  const out: GateState["reviewAsked"] = {};
  for (const [id, a] of Object.entries(v as Record<string, unknown>)) {
    const r = a as { at?: unknown; calm?: unknown } | null;
    if (r !== null && typeof r === "object" && typeof r.at === "number" && typeof r.calm === "boolean") out[id] = { at: r.at, calm: r.calm };
  }
  return out;
}
