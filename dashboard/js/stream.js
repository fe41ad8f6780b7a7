/**
 * The live event stream: a single-use ticket from POST /api/stream/ticket (browsers cannot send an Authorization
 * header on a WebSocket), then GET /ws/stream?ticket=…. On a drop it reconnects with a fresh ticket and
 * `since=<last seq>`, so the StreamActor replays what was missed (its log keeps the last 500 events); events are
 * handed on once each, in order of `seq`.
 */
export function openStream({ api, onEvent, onState }) {
  let ws = null;
  let lastSeq = null;
  let stopped = false;
  let attempt = 0;
  let timer = null;

  function schedule() {
    if (stopped) return;
    const delay = Math.min(15_000, 500 * 2 ** attempt++) * (0.8 + Math.random() * 0.4);
    timer = setTimeout(connect, delay);
  }

  async function connect() {
    if (stopped) return;
    onState(lastSeq === null ? "connecting" : "reconnecting");
    let ticket;
    try {
      ticket = await api.post("/api/stream/ticket");
    } catch (err) {
      onState("error", err);
      if (err?.status === 401 || err?.status === 403) return; // signed out or not allowed: no retry
      schedule();
      return;
    }
    if (stopped) return;
    const url = new URL(ticket.url || `/ws/stream?ticket=${encodeURIComponent(ticket.ticket)}`, location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    if (lastSeq !== null) url.searchParams.set("since", String(lastSeq));
    const sock = new WebSocket(url.href);
    ws = sock;
    sock.addEventListener("open", () => {
      attempt = 0;
      onState("live");
    });
    sock.addEventListener("message", (m) => {
      let env;
      try {
        env = JSON.parse(m.data);
      } catch {
        return;
      }
      if (!env || typeof env.type !== "string" || typeof env.seq !== "number") return;
      if (env.type === "stream.hello") {
        // A worker whose stream state was reset numbers from lower again: follow it rather than drop everything.
        if (lastSeq === null || env.seq < lastSeq) lastSeq = env.seq;
        return;
      }
      if (env.type.startsWith("stream.")) return;
      if (lastSeq !== null && env.seq <= lastSeq) return;
      lastSeq = env.seq;
      try {
        onEvent(env);
      } catch (err) {
        console.warn("stream event handler failed", err);
      }
    });
    sock.addEventListener("close", () => {
      if (ws !== sock) return;
      ws = null;
      if (stopped) return;
      onState("reconnecting");
      schedule();
    });
  }

  connect();
  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      ws?.close();
      ws = null;
      onState("off");
    },
    /** Drops the socket as a network fault would (the stream then reconnects with since=<last seq>). */
    drop() {
      ws?.close();
    },
    get lastSeq() {
      return lastSeq;
    },
  };
}
