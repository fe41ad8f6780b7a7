import { describe, expect, it } from "vitest";
import { SNAPSHOT_RETRY_MS, snapshotWait } from "../../../src/lib/decide/snapshot-wait";
import { manualWakeRefusal } from "../../../src/lib/gate/manual-wake";
import { regimeChanges } from "../../../src/lib/regime/regime-changes";
import type { CombinedRegime } from "../../../src/lib/regime/types";

const AT = Date.UTC(2026, 2, 26, 12);
const MIN = 60_000;

describe("a decision waiting for a market behind the others", () => {
  const job = { decisionId: "d1", at: AT };
  const behind = [
    { symbol: "BTC/USDT", closedThrough: AT },
    { symbol: "ETH/USDT", closedThrough: AT - 14 * MIN },
  ];

  it("goes on at once when every market is at the decision's minute", () => {
    expect(snapshotWait(job, [{ symbol: "BTC/USDT", closedThrough: AT }], 1_000, 30_000)).toEqual({ wait: false, waitedMs: null, lagging: [] });
  });

  it("looks again in SNAPSHOT_RETRY_MS while one lags, counting from its first look", () => {
    const first = snapshotWait(job, behind, 1_000, 30_000);
    expect(first).toEqual({ wait: true, retry: { ...job, waitingSinceWall: 1_000 }, retryAt: 1_000 + SNAPSHOT_RETRY_MS });
    const later = snapshotWait({ ...job, waitingSinceWall: 1_000 }, behind, 20_000, 30_000);
    expect(later).toMatchObject({ wait: true, retry: { waitingSinceWall: 1_000 } });
  });

  it("decides on what there is once the wait ran out, naming who lagged and by how much", () => {
    expect(snapshotWait({ ...job, waitingSinceWall: 1_000 }, behind, 31_000, 30_000)).toEqual({ wait: false, waitedMs: 30_000, lagging: ["ETH/USDT 840 s behind"] });
    expect(snapshotWait({ ...job, waitingSinceWall: 1_000 }, [{ symbol: "BTC/USDT", closedThrough: AT }], 4_000, 30_000)).toEqual({ wait: false, waitedMs: 3_000, lagging: [] });
  });
});

describe("manual wakes through the API", () => {
  it("are refused inside the cooldown with how long to wait, allowed after it", () => {
    expect(manualWakeRefusal(null, 10_000, 60_000)).toBeNull();
    expect(manualWakeRefusal(10_000, 25_000, 60_000)).toMatchObject({ open: false, suppressed: true, retryAfterMs: 45_000, reason: "manual wakes are limited to one per 60 s: try again in 45 s" });
    expect(manualWakeRefusal(10_000, 70_000, 60_000)).toBeNull();
    // A wall clock that went back does not lock wakes out.
    expect(manualWakeRefusal(10_000, 5_000, 60_000)).toBeNull();
  });
});

describe("regime changes between decisions", () => {
  const regime = (learnerKey: string) => ({ learnerKey, trend: "up", volatility: "low", confidence: 0.7 }) as unknown as CombinedRegime;

  it("names each symbol whose regime changed, with the one before, and notes the new ones in place", () => {
    const known: Record<string, string> = { "BTC/USDT": "trend_up" };
    const changes = regimeChanges(known, { "BTC/USDT": regime("trend_up"), "ETH/USDT": regime("range"), "SOL/USDT": null });
    expect(changes).toEqual([{ symbol: "ETH/USDT", regime: "range", previous: null, trend: "up", volatility: "low", confidence: 0.7 }]);
    expect(known).toEqual({ "BTC/USDT": "trend_up", "ETH/USDT": "range" });
    expect(regimeChanges(known, { "ETH/USDT": regime("trend_down") })).toMatchObject([{ symbol: "ETH/USDT", previous: "range", regime: "trend_down" }]);
  });
});
