import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ModeBodySchema, parseControl, ScriptBodySchema, SessionBodySchema } from "./control";
import { apiError, BadRequest, parseControlBody, readBody, send } from "./http";
import { LlmSession } from "./session";

export { LLM_MODES, type LlmMode } from "./modes";
export { LlmSession, type RecordedRequest } from "./session";
export type { Usage } from "./usage";
export type { DecisionInput, EvaluationInput } from "./policy";

export interface LlmSimOptions {
  /** 0 = random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  log?: (line: string) => void;
}

export interface LlmSim {
  port: number;
  /** Root URL; also the default session's `baseURL`. */
  url: string;
  /** A new session served under `/s/<id>/`; ids default to `llm1`, `llm2`, … */
  createSession(id?: string): LlmSession;
  session(id: string): LlmSession | undefined;
  close(): Promise<void>;
}

const DEFAULT = "default";

/** Starts the fake Messages API: `POST <base>/v1/messages` plus `<base>/sim/*` control, for many isolated sessions. */
export async function startLlmSim(o: LlmSimOptions = {}): Promise<LlmSim> {
  const host = o.host ?? "127.0.0.1";
  const log = o.log ?? (() => {});
  const sessions = new Map<string, LlmSession>();
  let autoId = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      const message = e instanceof Error ? e.message : String(e);
      send(res, { status: e instanceof BadRequest ? 400 : 500, body: { error: message } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;

  const createSession = (id?: string): LlmSession => {
    if (id !== undefined && sessions.has(id)) throw new BadRequest(`session "${id}" already exists`);
    while (id === undefined || sessions.has(id)) id = `llm${++autoId}`;
    const s = new LlmSession(id, id === DEFAULT ? url : `${url}/s/${id}`, log);
    sessions.set(id, s);
    return s;
  };
  createSession(DEFAULT);

  /** `/s/<id>/rest`, or a root path served by the default session. */
  const route = (pathname: string): { session: LlmSession | undefined; rest: string } => {
    const m = /^\/s\/([^/]+)(\/.*)?$/.exec(pathname);
    if (m) return { session: sessions.get(decodeURIComponent(m[1]!)), rest: m[2] ?? "/" };
    return { session: sessions.get(DEFAULT), rest: pathname };
  };
  const summary = (s: LlmSession) => ({ id: s.id, baseURL: s.baseURL });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://sim");
    const method = req.method ?? "GET";
    const rawBody = await readBody(req);
    if (u.pathname === "/sim/sessions") {
      if (method === "GET") return send(res, { status: 200, body: [...sessions.values()].map(summary) });
      if (method === "POST") {
        const { id } = parseControl(SessionBodySchema, parseControlBody(rawBody), "session");
        return send(res, { status: 200, body: summary(createSession(id)) });
      }
    }
    const { session, rest } = route(u.pathname);
    const api = rest.startsWith("/v1/");
    if (!session) {
      const msg = `no session for ${u.pathname}`;
      return send(res, api ? apiError(404, "not_found_error", msg, null) : { status: 404, body: { error: msg } });
    }
    const key = `${method} ${rest}`;
    if (key === "POST /v1/messages") {
      const reply = session.handle({ path: u.pathname, headers: req.headers, rawBody });
      return "hold" in reply ? reply.hold(res) : send(res, reply);
    }
    if (api) return send(res, apiError(404, "not_found_error", `${method} ${rest} is not simulated`, null));
    if (key === "GET /sim/requests") return send(res, { status: 200, body: session.requests() });
    if (key === "GET /sim/state") return send(res, { status: 200, body: session.state() });
    if (key === "POST /sim/mode") {
      const b = parseControl(ModeBodySchema, parseControlBody(rawBody), "mode");
      session.setMode(b.mode, b.count);
      return send(res, { status: 200, body: session.state() });
    }
    if (key === "POST /sim/script") {
      session.script(parseControl(ScriptBodySchema, parseControlBody(rawBody), "script").responses);
      return send(res, { status: 200, body: session.state() });
    }
    if (key === "POST /sim/reset") {
      session.reset();
      return send(res, { status: 200, body: session.state() });
    }
    send(res, { status: 404, body: { error: `unknown endpoint ${method} ${u.pathname}` } });
  }

  return {
    port,
    url,
    createSession: (id) => createSession(id),
    session: (id) => sessions.get(id),
    close: async () => {
      for (const s of sessions.values()) s.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
