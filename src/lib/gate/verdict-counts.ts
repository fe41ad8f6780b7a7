import { GATE_SKIPS, type GateVerdict } from "./types";

/** Verdict counts by key: `open:<layer>` a decision ran, `held:<layer>` cooldown or single-flight held it, `skip:<why>` nothing to decide. */
export type VerdictCounts = Record<string, number>;

/** The count key of a verdict: a fixed set of keys, whatever times or prices its reason names. */
export function verdictKey(v: GateVerdict): string {
  if (v.open) return `open:${v.layer}`;
  if (v.suppressed) return `held:${v.layer}`;
  return `skip:${v.skip ?? v.layer ?? "no layer fired"}`;
}

const SKIP_KEYS = new Set<string>(GATE_SKIPS.map((s) => `skip:${s}`));

/**
 * Stored counts with the keys older versions made from reason text (one per covered close, a timestamp in
 * each) folded into the fixed ones: `…close already covered…` into `skip:close already covered`, any other
 * unknown skip key into `skip:no layer fired`.
 */
export function foldLegacyCounts(counts: VerdictCounts): VerdictCounts {
  const out: VerdictCounts = {};
  if (typeof counts !== "object" || counts === null) return out;
  for (const [key, n] of Object.entries(counts)) {
    if (!Number.isFinite(n)) continue;
    const k =
      !key.startsWith("skip:") || SKIP_KEYS.has(key)
        ? key
        : key.includes("already covered")
          ? "skip:close already covered"
          : key.includes("decision timeframe")
            ? "skip:not the decision timeframe"
            : "skip:no layer fired";
    out[k] = (out[k] ?? 0) + n;
  }
  return out;
}
