import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { POSITION_FILE, readReplayPosition, replayStart, writeReplayPosition } from "../../../scripts/lib/replay-position";

const DEFAULT = Date.UTC(2026, 2, 26, 10);
const KEPT = Date.UTC(2026, 2, 27, 14, 37);

describe("where npm start's replay starts", () => {
  it("fresh: at --start, or the default", () => {
    expect(replayStart({ keep: false, kept: KEPT, requested: undefined, fallback: DEFAULT })).toEqual({ start: DEFAULT, note: null });
    expect(replayStart({ keep: false, kept: null, requested: KEPT, fallback: DEFAULT }).start).toBe(KEPT);
  });

  it("--keep: where the kept replay stopped, not at the default the kept engine has already passed", () => {
    const r = replayStart({ keep: true, kept: KEPT, requested: undefined, fallback: DEFAULT });
    expect(r.start).toBe(KEPT);
    expect(r.note).toContain("2026-03-27T14:37:00.000Z");
  });

  it("--keep with an earlier --start still resumes at the kept time, and says why", () => {
    const r = replayStart({ keep: true, kept: KEPT, requested: DEFAULT, fallback: DEFAULT });
    expect(r.start).toBe(KEPT);
    expect(r.note).toMatch(/already passed/);
  });

  it("--keep with a later --start goes there", () => {
    const later = KEPT + 86_400_000;
    expect(replayStart({ keep: true, kept: KEPT, requested: later, fallback: DEFAULT }).start).toBe(later);
  });

  it("--keep without a recorded position says it cannot resume exactly", () => {
    const r = replayStart({ keep: true, kept: null, requested: undefined, fallback: DEFAULT });
    expect(r.start).toBe(DEFAULT);
    expect(r.note).toMatch(/no replay position/);
  });

  it("reads back the position it wrote; nothing for a missing or damaged file", () => {
    const dir = mkdtempSync(join(tmpdir(), "replay-pos-"));
    expect(readReplayPosition(dir)).toBeNull();
    writeReplayPosition(dir, KEPT);
    expect(readReplayPosition(dir)).toBe(KEPT);
    writeFileSync(join(dir, POSITION_FILE), "{not json");
    expect(readReplayPosition(dir)).toBeNull();
  });
});
