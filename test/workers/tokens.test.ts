import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { issueTicket } from "../../src/api/stream-ticket";
import { hashToken } from "../../src/api/token-store";
import { api, migrateD1, TOKEN, worker } from "./support";

interface ApiErrorBody {
  error: { code: string; message: string };
}

async function errorOf(res: Response) {
  return ((await res.json()) as ApiErrorBody).error;
}

/** A new token of `scope`, created through the API with the root token. */
async function mint(scope: "read" | "trade" | "admin", name = `${scope}-${crypto.randomUUID().slice(0, 8)}`): Promise<{ id: string; token: string }> {
  const res = await api("/api/tokens", { method: "POST", body: JSON.stringify({ name, scope }) });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

function upgrade(query: string, headers: Record<string, string> = {}): Promise<Response> {
  return worker().fetch(`http://edgetrader.test/ws/stream${query}`, { headers: { Upgrade: "websocket", ...headers } });
}

/** The first frame a stream socket receives. */
async function firstFrame(res: Response): Promise<{ type: string; data: unknown }> {
  const ws = res.webSocket!;
  const frame = new Promise<{ type: string; data: unknown }>((resolve) => ws.addEventListener("message", (e) => resolve(JSON.parse(String(e.data))), { once: true }));
  ws.accept();
  const f = await frame;
  ws.close();
  return f;
}

async function ticketFor(token: string): Promise<{ ticket: string; expiresAt: number }> {
  const res = await api("/api/stream/ticket", { method: "POST", token });
  expect(res.status).toBe(200);
  return (await res.json()) as { ticket: string; expiresAt: number };
}

beforeAll(async () => {
  await migrateD1();
});

describe("scoped tokens", () => {
  it("a read token reads but is refused a trade route with 403 naming the scope", async () => {
    const { token } = await mint("read");
    expect((await api("/api/strategies", { token })).status).toBe(200);
    const pause = await api("/api/controls/pause", { method: "POST", token, body: JSON.stringify({ reason: "read token tries" }) });
    expect(pause.status).toBe(403);
    expect(await errorOf(pause)).toEqual({ code: "forbidden", message: "this route needs the trade scope; the token has read" });
    expect((await api("/api/engine/start", { method: "POST", token, body: "{}" })).status).toBe(403);
    expect((await api("/api/tokens", { token })).status).toBe(403);
  });

  it("a trade token reaches trade routes but is refused the admin routes with 403", async () => {
    const { token } = await mint("trade");
    // past the scope check: the account is not started here, so pause answers 409 (not 403)
    const pause = await api("/api/controls/pause", { method: "POST", token, body: JSON.stringify({ reason: "trade token pauses" }) });
    expect(pause.status).not.toBe(403);
    expect(pause.status).not.toBe(401);
    const create = await api("/api/tokens", { method: "POST", token, body: JSON.stringify({ name: "escalate", scope: "admin" }) });
    expect(create.status).toBe(403);
    expect((await errorOf(create)).message).toBe("this route needs the admin scope; the token has trade");
    expect((await api("/api/tokens", { token })).status).toBe(403);
    expect((await api("/api/tokens/tok_whatever", { method: "DELETE", token })).status).toBe(403);
  });

  it("an admin token made through the API manages tokens like the root token", async () => {
    const admin = await mint("admin");
    const res = await api("/api/tokens", { method: "POST", token: admin.token, body: JSON.stringify({ name: "made-by-admin", scope: "read" }) });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { createdBy: string }).createdBy).toBe(admin.id);
  });

  it("answers the secret once; the listing and the table never hold it, the listing never the hash", async () => {
    const created = await api("/api/tokens", { method: "POST", body: JSON.stringify({ name: "dashboard", scope: "read" }) });
    const body = (await created.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ name: "dashboard", scope: "read", createdBy: "root", revokedAt: null });
    const token = body.token as string;
    expect(token).toMatch(/^etk_[A-Za-z0-9_-]{43}$/);
    const hash = await hashToken(token);

    const listing = await (await api("/api/tokens")).text();
    const entry = (JSON.parse(listing) as { tokens: Record<string, unknown>[] }).tokens.find((t) => t.id === body.id)!;
    expect(Object.keys(entry).sort()).toEqual(["createdAt", "createdBy", "id", "lastUsedAt", "name", "revokedAt", "revokedBy", "scope"]);
    expect(listing).not.toContain(token);
    expect(listing).not.toContain(token.slice(4));
    expect(listing).not.toContain(hash);

    const rows = await env.DB.prepare("SELECT * FROM api_tokens WHERE id = ?").bind(body.id).all();
    expect(rows.results[0]!.hash).toBe(hash);
    expect(JSON.stringify(rows.results)).not.toContain(token.slice(4));
  });

  it("refuses a revoked token on the very next request", async () => {
    const { id, token } = await mint("read");
    expect((await api("/api/strategies", { token })).status).toBe(200);
    const revoke = await api(`/api/tokens/${id}`, { method: "DELETE" });
    expect(revoke.status).toBe(200);
    const revokedAt = ((await revoke.json()) as { token: { revokedAt: number; revokedBy: string } }).token;
    expect(revokedAt).toMatchObject({ revokedBy: "root" });
    const next = await api("/api/strategies", { token });
    expect(next.status).toBe(401);
    expect(await errorOf(next)).toEqual({ code: "unauthorized", message: "invalid bearer token" });
    // revoking again keeps the first time; unknown and malformed ids say so
    const again = (await (await api(`/api/tokens/${id}`, { method: "DELETE" })).json()) as { token: { revokedAt: number } };
    expect(again.token.revokedAt).toBe(revokedAt.revokedAt);
    expect((await api("/api/tokens/tok_nosuchtoken", { method: "DELETE" })).status).toBe(404);
    expect((await api("/api/tokens/DROP%20TABLE", { method: "DELETE" })).status).toBe(400);
  });

  it("validates the new token's name and scope", async () => {
    const bad = await api("/api/tokens", { method: "POST", body: JSON.stringify({ name: "x", scope: "root" }) });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/scope: must be read, trade or admin/);
    expect((await api("/api/tokens", { method: "POST", body: JSON.stringify({ scope: "read" }) })).status).toBe(400);
  });
});

describe("stream tickets", () => {
  it("a read token's ticket opens the stream once: the socket says hello, the same ticket again is 401", async () => {
    const { id, token } = await mint("read");
    const before = Date.now();
    const { ticket, expiresAt } = await ticketFor(token);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
    const claims = JSON.parse(atob(ticket.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sub: string; scope: string };
    expect(claims).toMatchObject({ sub: id, scope: "read" });
    expect(ticket).not.toContain(token.slice(4));

    const first = await upgrade(`?ticket=${encodeURIComponent(ticket)}`);
    expect(first.status).toBe(101);
    expect((await firstFrame(first)).type).toBe("stream.hello");

    const reused = await upgrade(`?ticket=${encodeURIComponent(ticket)}`);
    expect(reused.status).toBe(401);
    expect(reused.webSocket).toBeNull();
    expect(await errorOf(reused)).toMatchObject({ code: "invalid_ticket", message: expect.stringMatching(/already used/) });
  });

  it("refuses an expired, a forged or a revoked token's ticket with 401", async () => {
    const expired = await issueTicket(TOKEN, { id: "root", name: "API_TOKEN", scope: "admin" }, Date.now() - 61_000);
    const old = await upgrade(`?ticket=${encodeURIComponent(expired.ticket)}`);
    expect(old.status).toBe(401);
    expect((await errorOf(old)).message).toMatch(/expired/);

    const forged = await issueTicket("another-key-that-is-not-the-api-token", { id: "root", name: "API_TOKEN", scope: "admin" }, Date.now());
    const fake = await upgrade(`?ticket=${encodeURIComponent(forged.ticket)}`);
    expect(fake.status).toBe(401);
    expect((await errorOf(fake)).message).toMatch(/signature/);

    const { id, token } = await mint("read");
    const { ticket } = await ticketFor(token);
    expect((await api(`/api/tokens/${id}`, { method: "DELETE" })).status).toBe(200);
    const revoked = await upgrade(`?ticket=${encodeURIComponent(ticket)}`);
    expect(revoked.status).toBe(401);
    expect((await errorOf(revoked)).message).toMatch(/revoked/);
  });

  it("refuses ?access_token= with a 401 that says to use a ticket; the Authorization header still works", async () => {
    for (const t of [TOKEN, "anything"]) {
      const res = await upgrade(`?access_token=${t}`);
      expect(res.status).toBe(401);
      const err = await errorOf(res);
      expect(err.code).toBe("ticket_required");
      expect(err.message).toMatch(/POST \/api\/stream\/ticket/);
      expect(err.message).toMatch(/\?ticket=/);
    }
    const header = await upgrade("", { Authorization: `Bearer ${TOKEN}` });
    expect(header.status).toBe(101);
    expect((await firstFrame(header)).type).toBe("stream.hello");
  });
});
