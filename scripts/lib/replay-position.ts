import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where the replay stood, in the state folder: written every second and at exit, read by --keep. */
export const POSITION_FILE = "replay.json";

const iso = (t: number) => new Date(t).toISOString();

export function readReplayPosition(stateDir: string): number | null {
  try {
    const t = (JSON.parse(readFileSync(join(stateDir, POSITION_FILE), "utf8")) as { marketTime?: unknown }).marketTime;
    return typeof t === "number" && Number.isFinite(t) ? t : null;
  } catch {
    return null;
  }
}

export function writeReplayPosition(stateDir: string, marketTime: number): void {
  writeFileSync(join(stateDir, POSITION_FILE), `${JSON.stringify({ marketTime, at: new Date(marketTime).toISOString() })}\n`);
}

/**
 * Where the replay starts. Fresh: --start or the default. With --keep: where the kept replay stopped (the kept
 * engine has seen the market up to there and ignores anything earlier), unless --start is later; `note` says
 * which and why.
 */
export function replayStart(o: { keep: boolean; kept: number | null; requested: number | undefined; fallback: number }): { start: number; note: string | null } {
  const asked = o.requested ?? o.fallback;
  if (!o.keep) return { start: asked, note: null };
  if (o.kept === null) {
    return {
      start: asked,
      note: `--keep: the kept state has no replay position (${POSITION_FILE}), so the replay starts at ${iso(asked)}; if the kept engine is further on, nothing happens until the replay reaches its time`,
    };
  }
  if (o.requested !== undefined && o.requested > o.kept) {
    return { start: o.requested, note: `--keep: the kept replay stopped at ${iso(o.kept)}; resuming at the later --start ${iso(o.requested)}` };
  }
  const earlier = o.requested !== undefined && o.requested < o.kept ? ` (not at --start ${iso(o.requested)}: the kept engine has already passed it)` : "";
  return { start: o.kept, note: `--keep: resuming the replay where the kept engine stopped, ${iso(o.kept)}${earlier}` };
}
