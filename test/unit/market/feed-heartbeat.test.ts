import { describe, expect, it } from "vitest";
import { heartbeatAction } from "../../../src/lib/market/feed-heartbeat";

const NOW = 1_000_000;

describe("heartbeatAction: a market socket's heartbeat", () => {
  it("drops a connected socket silent for longer than the allowance, and names how long", () => {
    expect(heartbeatAction({ connected: true, lastMessageWall: NOW - 30_001, reconnectPending: false }, NOW, 30_000)).toEqual({ kind: "drop", silentForMs: 30_001 });
  });

  it("leaves a connected socket that spoke within the allowance, or that never spoke yet", () => {
    expect(heartbeatAction({ connected: true, lastMessageWall: NOW - 30_000, reconnectPending: false }, NOW, 30_000)).toEqual({ kind: "none" });
    expect(heartbeatAction({ connected: true, lastMessageWall: null, reconnectPending: false }, NOW, 30_000)).toEqual({ kind: "none" });
  });

  it("asks for a reconnect of a missing socket unless one is pending", () => {
    expect(heartbeatAction({ connected: false, lastMessageWall: NOW - 90_000, reconnectPending: false }, NOW, 30_000)).toEqual({ kind: "reconnect" });
    expect(heartbeatAction({ connected: false, lastMessageWall: null, reconnectPending: true }, NOW, 30_000)).toEqual({ kind: "none" });
  });
});
