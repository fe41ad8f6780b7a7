import { DAY_MS, type QuantOptions } from "./options";
import type { PanelRow, QuantPanel } from "./panel";

export interface TrainingSet {
  X: number[][];
  y: (0 | 1)[];
  rows: PanelRow[];
  /** Latest sample day allowed: asOf − (horizon + purge) days; every label ends purgeDays before asOf. */
  cutoff: number;
  /** Earliest sample day allowed (exclusive): cutoff − windowDays. */
  windowStart: number;
}

/**
 * The training samples for a model trained at `asOf`: the labelled panel rows of the days in
 * (cutoff − windowDays, cutoff] with cutoff = asOf − (horizonDays + purgeDays)·1 day, so the last label
 * (which needs the close `horizonDays` later) ends `purgeDays` before the training date and no label
 * overlaps what the model will be scored on. With sampleStrideDays k only days whose day number is
 * divisible by k are kept (stable across retrains).
 */
export function trainingSet(panel: QuantPanel, asOf: number, opts: QuantOptions): TrainingSet {
  const cutoff = asOf - (opts.horizonDays + opts.purgeDays) * DAY_MS;
  const windowStart = cutoff - opts.windowDays * DAY_MS;
  const X: number[][] = [];
  const y: (0 | 1)[] = [];
  const rows: PanelRow[] = [];
  for (const at of panel.dates) {
    if (at <= windowStart || at > cutoff) continue;
    if (Math.floor(at / DAY_MS) % opts.sampleStrideDays !== 0) continue;
    for (const row of panel.byDate.get(at) ?? []) {
      if (row.label === null) continue;
      X.push(row.features);
      y.push(row.label);
      rows.push(row);
    }
  }
  return { X, y, rows, cutoff, windowStart };
}
