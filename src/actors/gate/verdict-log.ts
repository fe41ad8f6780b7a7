import type { HistoryRow } from "../../adapters/store/history-tables";
import { foldLegacyCounts, verdictKey, type GateLayer, type GateVerdict, type VerdictCounts } from "../../lib/gate";

export interface VerdictRecord {
  at: number;
  layer: GateLayer | null;
  open: boolean;
  suppressed: boolean;
  reason: string;
  decisionId: string | null;
}

const RECENT = 50;
/** Counts are saved with every verdict that matters, and every SAVE_EVERY skipped ticks otherwise. */
const SAVE_EVERY = 500;

/** The gate's verdicts: counted by kind, the recent ones kept, each one that matters a `gate_events` row. Owns its stored fields. */
export class VerdictLog {
  counts: VerdictCounts;
  recent: VerdictRecord[];
  private eventSeq: number;
  private unsaved = 0;

  constructor(private readonly kv: SyncKvStorage) {
    this.counts = foldLegacyCounts(kv.get<VerdictCounts>("counts") ?? {});
    this.recent = kv.get<VerdictRecord[]>("recent") ?? [];
    this.eventSeq = kv.get<number>("eventSeq") ?? 0;
  }

  count(v: GateVerdict): void {
    const key = verdictKey(v);
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    if (++this.unsaved >= SAVE_EVERY) this.save();
  }

  /** Keeps `rec` among the recent verdicts; answers its `gate_events` row. */
  remember(portfolio: string, rec: VerdictRecord): HistoryRow {
    this.recent = [rec, ...this.recent].slice(0, RECENT);
    this.kv.put("recent", this.recent);
    this.eventSeq++;
    this.kv.put("eventSeq", this.eventSeq);
    return {
      id: `${portfolio}:g${this.eventSeq}`,
      portfolio,
      at: rec.at,
      layer: rec.layer,
      opened: rec.open ? 1 : 0,
      suppressed: rec.suppressed ? 1 : 0,
      reason: rec.reason,
      decision_id: rec.decisionId,
    };
  }

  save(): void {
    this.unsaved = 0;
    this.kv.put("counts", this.counts);
  }
}
