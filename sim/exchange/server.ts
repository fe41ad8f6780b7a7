import { randomBytes } from "node:crypto";
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { mergeParams, readBody, sendJson } from "./http-util";
import type { SessionOptions } from "./options";
import { Session } from "./session";

export type { SessionOptions } from "./options";
export { Session } from "./session";
export { MALFORMED_PRESET, type Fault } from "./faults";
export { sign } from "./signing";

export interface ExchangeSimOptions {
  /** 0 = random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Served at the root (`/api/v3/...`) and at `/s/default/...`. */
  defaultSession?: SessionOptions;
  log?: (line: string) => void;
}

export interface ExchangeSim {
  port: number;
  url: string;
  wsUrl: string;
  createSession(o: SessionOptions): Session;
  session(id: string): Session | undefined;
  close(): Promise<void>;
}

const PING_MS = 20_000;

class BadRequest extends Error {}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (!text.trim()) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  throw new BadRequest("body must be a JSON object");
}

function rejectUpgrade(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** Starts the Binance-protocol simulator: REST, market streams and /sim control, for many isolated sessions. */
export async function startExchangeSim(o: ExchangeSimOptions = {}): Promise<ExchangeSim> {
  const host = o.host ?? "127.0.0.1";
  const log = o.log ?? (() => {});
  const sessions = new Map<string, Session>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const bad = e instanceof BadRequest || (e instanceof Error && !(e instanceof TypeError));
      if (!res.headersSent) sendJson(res, bad ? 400 : 500, { error: e instanceof Error ? e.message : String(e) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  const wsUrl = `ws://${host}:${port}`;

  const createSession = (opts: SessionOptions, id = `s${sessions.size + 1}-${randomBytes(3).toString("hex")}`): Session => {
    const root = id === "default" && o.defaultSession !== undefined;
    const s = new Session(id, opts, root ? url : `${url}/s/${id}`, root ? wsUrl : `${wsUrl}/s/${id}`, log);
    sessions.set(id, s);
    return s;
  };
  if (o.defaultSession) createSession(o.defaultSession, "default");

  /** Splits `/s/<id>/rest` (or a root path, served by the default session). */
  const route = (pathname: string): { session: Session | undefined; rest: string } => {
    const m = /^\/s\/([^/]+)(\/.*)?$/.exec(pathname);
    if (m) return { session: sessions.get(decodeURIComponent(m[1]!)), rest: m[2] ?? "/" };
    return { session: sessions.get("default"), rest: pathname };
  };

  const summary = (s: Session) => ({ id: s.id, restBase: s.restBase, wsBase: s.wsBase, now: s.now() });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://sim");
    const method = req.method ?? "GET";
    if (u.pathname === "/sim/sessions") {
      if (method === "GET") return sendJson(res, 200, [...sessions.values()].map(summary));
      if (method === "POST") return sendJson(res, 200, summary(createSession((await jsonBody(req)) as unknown as SessionOptions)));
    }
    const { session, rest } = route(u.pathname);
    if (!session) return sendJson(res, 404, { error: `no session for ${u.pathname}` });
    // USD-M: /fapi/v1/<path>, /fapi/v2|v3/<name> (routed as "v2/<name>"), the statistics under /futures/data/<name> ("data/<name>").
    const fapiV = /^\/fapi\/v[23]\//.test(rest);
    const api = rest.startsWith("/api/v3/") ? "api" : fapiV || rest.startsWith("/fapi/v1/") || rest.startsWith("/futures/data/") ? "fapi" : undefined;
    if (api) {
      const rawQuery = (req.url ?? "").split("?")[1] ?? "";
      const rawBody = await readBody(req);
      const path = rest.slice(api === "api" ? 8 : fapiV ? 6 : 9);
      const r = session.rest(api, { method, path, params: mergeParams(rawQuery, rawBody), headers: req.headers, rawQuery, rawBody });
      if (r === "lost") return void req.socket.destroy();
      return sendJson(res, r.status, r.body, r.headers);
    }
    const key = `${method} ${rest}`;
    if (key === "GET /sim/state") return sendJson(res, 200, session.state());
    if (key === "POST /sim/advance") {
      const b = await jsonBody(req);
      if (b["frames"] !== undefined) {
        if (typeof b["frames"] !== "number") throw new BadRequest("frames must be a number");
        await session.advanceFrames(b["frames"]);
      } else if (b["to"] !== undefined) {
        if (typeof b["to"] !== "number") throw new BadRequest("to must be a number (epoch ms)");
        await session.advanceTo(b["to"]);
      } else await session.advance(Number(b["minutes"] ?? 1));
      return sendJson(res, 200, { now: session.now(), ended: session.ended });
    }
    if (key === "POST /sim/control") {
      const b = await jsonBody(req);
      if (b["speed"] !== undefined && typeof b["speed"] !== "number") throw new BadRequest("speed must be a number");
      if (b["paused"] !== undefined && typeof b["paused"] !== "boolean") throw new BadRequest("paused must be a boolean");
      session.control({ speed: b["speed"] as number | undefined, paused: b["paused"] as boolean | undefined });
      return sendJson(res, 200, session.state());
    }
    if (key === "POST /sim/fault") {
      session.fault(await jsonBody(req));
      return sendJson(res, 200, { ok: true });
    }
    if (key === "DELETE /sim/session") {
      session.close();
      sessions.delete(session.id);
      return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, { error: `unknown endpoint ${method} ${u.pathname}` });
  }

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const u = new URL(req.url ?? "/", "http://sim");
    const { session, rest } = route(u.pathname);
    if (rest === "/ws-api/v3") {
      if (!session) return rejectUpgrade(socket, 404);
      if (session.refusing()) return rejectUpgrade(socket, 503);
      return wss.handleUpgrade(req, socket, head, (ws) => session.attachWsApi(ws));
    }
    let combined: boolean;
    let streams: string[];
    if (rest === "/ws" || rest.startsWith("/ws/")) {
      combined = false;
      streams = rest.slice(4).split("/").filter(Boolean);
    } else if (rest === "/stream") {
      combined = true;
      streams = (u.searchParams.get("streams") ?? "").split("/").filter(Boolean);
    } else {
      return rejectUpgrade(socket, 404);
    }
    if (!session) return rejectUpgrade(socket, 404);
    if (session.refusing()) return rejectUpgrade(socket, 503);
    wss.handleUpgrade(req, socket, head, (ws) => session.attach(ws, combined, streams));
  });

  const pinger = setInterval(() => {
    for (const s of sessions.values()) for (const c of [...s.clients, ...s.wsApi.connections]) if (c.open) c.ws.ping();
  }, PING_MS);
  pinger.unref();

  return {
    port,
    url,
    wsUrl,
    createSession: (opts) => createSession(opts),
    session: (id) => sessions.get(id),
    close: async () => {
      clearInterval(pinger);
      for (const s of sessions.values()) s.close();
      sessions.clear();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
