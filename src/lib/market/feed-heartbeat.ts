/** What a feed's heartbeat does: drop a silent socket, ask for a reconnect, or nothing. */
export type HeartbeatAction = { kind: "drop"; silentForMs: number } | { kind: "reconnect" } | { kind: "none" };

/**
 * The heartbeat of an outbound market socket, which does not always tell when it dies: a connected socket silent for
 * longer than `silenceMs` (wall time since its last message) is dropped; a missing one with no reconnect pending gets one.
 */
export function heartbeatAction(feed: { connected: boolean; lastMessageWall: number | null; reconnectPending: boolean }, wallNow: number, silenceMs: number): HeartbeatAction {
  const silentForMs = feed.lastMessageWall === null ? null : wallNow - feed.lastMessageWall;
  if (feed.connected && silentForMs !== null && silentForMs > silenceMs) return { kind: "drop", silentForMs };
  if (!feed.connected && !feed.reconnectPending) return { kind: "reconnect" };
  return { kind: "none" };
}
