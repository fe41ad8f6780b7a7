import { z } from "zod";
import { decisionKeyText } from "../../lib/decide/decision-key";
import { ModelDecisionSchema, type Decision } from "../../lib/decide/decision";
import type { BacktestDecider } from "../../lib/backtest/types";
import type { MarketSnapshot } from "../../lib/decide/snapshot";
import type { LlmConfig } from "../../lib/config";
import { sha256Hex } from "../hash";
import { askClaude } from "./ask-claude";
import type { ClaudeClient } from "./claude-client";

/** Recorded decisions by snapshot hash: the rows of `GET /api/decisions`, or a backtest's `--record` file. */
export const RecordedDecisionsSchema = z.object({
  decisions: z.array(z.object({ snapshot_hash: z.string().min(1).nullable(), decision: z.unknown() }).passthrough()),
});

export type Recording = Map<string, Decision>;

/** A snapshot's hash as the gate computes it: the key of a recorded decision. */
export const snapshotHash = (snapshot: MarketSnapshot): Promise<string> => sha256Hex(decisionKeyText(snapshot));

/**
 * Claude as a backtest's decider: each snapshot goes through the same prompt, answer parsing, governor and
 * clamps as live; accepted answers are added to `record` (by snapshot hash) so the run can be replayed
 * without calling Claude again.
 */
export function claudeDecider(client: ClaudeClient, llm: LlmConfig, record?: Recording): BacktestDecider {
  if (!llm.prices[llm.model]) throw new Error(`no price configured for model ${llm.model}: its cost could not be accounted`);
  return { mode: "claude", ask: (seen) => askClaude(client, seen, llm), hash: snapshotHash, ...(record ? { record: (hash, d) => void (record.has(hash) || record.set(hash, d)) } : {}) };
}

/** Replays recorded decisions by snapshot hash: a snapshot never seen is a failed decision (no orders), as live. */
export function replayDecider(recording: Recording): BacktestDecider {
  return { mode: "replay", recorded: (hash) => recording.get(hash) ?? null, hash: snapshotHash };
}

/** Reads a recording; rows whose decision is not a valid decision are an error, not skipped. */
export function parseRecording(json: unknown): Recording {
  const rows = RecordedDecisionsSchema.parse(json).decisions;
  const out: Recording = new Map();
  rows.forEach((row, i) => {
    if (row.snapshot_hash === null || row.decision === null || row.decision === undefined) return;
    const d = ModelDecisionSchema.safeParse(row.decision);
    if (!d.success) throw new Error(`recorded decision ${i} (${row.snapshot_hash.slice(0, 16)}) is not a valid decision: ${d.error.issues[0]?.message ?? "invalid"}`);
    if (!out.has(row.snapshot_hash)) out.set(row.snapshot_hash, d.data);
  });
  return out;
}

/** The file `parseRecording` reads back. */
export function recordingJson(recording: Recording): { version: 1; decisions: { snapshot_hash: string; decision: Decision }[] } {
  return { version: 1, decisions: [...recording].map(([snapshot_hash, decision]) => ({ snapshot_hash, decision })) };
}
