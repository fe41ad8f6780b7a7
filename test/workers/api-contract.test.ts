import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/api/app";
import { openApiPath } from "../../src/api/openapi";
import { api, migrateD1, worker } from "./support";

type Doc = { openapi: string; paths: Record<string, Record<string, { "x-scope": string; "x-body-limit"?: number }>> };

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe("the API contract in workerd", () => {
  it("serves GET /openapi.json (public) documenting exactly the routes the worker serves, both ways", async () => {
    const res = await api("/openapi.json", { token: null });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe("3.1.0");
    const served = new Set(
      createApp()
        .routes.filter((r) => r.method !== "ALL")
        .map((r) => `${r.method} ${openApiPath(r.path)}`),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
    // And every documented route answers (no 404 from the router) when called the documented way.
    for (const key of documented) {
      const [method, path] = key.split(" ") as [string, string];
      if (path === "/ws/stream") continue;
      const r = await api(path.replace(/\{[^}]+\}/g, "x"), { method, ...(method === "GET" ? {} : { body: "null" }) });
      const body = r.status === 404 ? await errorOf(r) : null;
      expect(body?.code ?? "routed", key).not.toMatch(/^not_found$/);
      if (r.status === 404) expect(body!.message, key).not.toMatch(/^no route/);
    }
  });

  it("serves GET /docs: a self-contained page that renders /openapi.json (no external script or style)", async () => {
    const res = await api("/docs", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('fetch("/openapi.json")');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    expect(html).not.toMatch(/@import|cdn/i);
  });

  it("answers wrong content types 415, repeated query keys 400, bad UTF-8 400 — never 500", async () => {
    await migrateD1();
    const form = await api("/api/controls/pause", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "reason=because" });
    expect(form.status).toBe(415);
    expect(await errorOf(form)).toEqual({ code: "unsupported_media_type", message: "request body must be JSON (Content-Type: application/json), not application/x-www-form-urlencoded" });
    // No Content-Type is taken as JSON (curl -X POST with no body, scripts).
    const none = await worker().fetch("http://edgetrader.test/api/gate/wake", { method: "POST", headers: { Authorization: "Bearer test-token" }, body: new TextEncoder().encode('{"reason":5}') });
    expect(none.status).toBe(400);
    expect((await errorOf(none)).message).toMatch(/reason: Invalid input: expected string/);
    const repeated = await api("/api/trades?limit=1&limit=2");
    expect(repeated.status).toBe(400);
    expect(await errorOf(repeated)).toMatchObject({ code: "invalid_query", message: "invalid query parameters: limit: given 2 times; give it once" });
    const utf8 = await api("/api/engine/start", { method: "POST", body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]) });
    expect(utf8.status).toBe(400);
    expect(await errorOf(utf8)).toEqual({ code: "invalid_body", message: "request body is not valid UTF-8" });
    const stop = await api("/api/engine/stop", { method: "POST", body: JSON.stringify({ now: true }) });
    expect(stop.status).toBe(400);
    expect((await errorOf(stop)).message).toMatch(/Unrecognized key.*now/);
    const unknownQuery = await api("/api/status?verbose=1");
    expect(unknownQuery.status).toBe(400);
  });

  it("each route's declared scope is enforced: a read token gets 403 on every trade and admin route, a trade token on admin routes", async () => {
    await migrateD1();
    const doc = (await (await api("/openapi.json")).json()) as Doc;
    const make = async (scope: string) => {
      const res = await api("/api/tokens", { method: "POST", body: JSON.stringify({ name: `contract ${scope}`, scope }) });
      expect(res.status).toBe(201);
      return ((await res.json()) as { token: string }).token;
    };
    const read = await make("read");
    const trade = await make("trade");
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const url = path.replace(/\{[^}]+\}/g, "x");
        const init = { method: method.toUpperCase(), ...(method === "get" ? {} : { body: "null" }) };
        if (op["x-scope"] === "trade" || op["x-scope"] === "admin") {
          const res = await api(url, { ...init, token: read });
          expect(res.status, `${method} ${path}`).toBe(403);
          expect((await errorOf(res)).message, `${method} ${path}`).toBe(`this route needs the ${op["x-scope"]} scope; the token has read`);
          checked++;
        }
        if (op["x-scope"] === "admin") expect((await api(url, { ...init, token: trade })).status, `${method} ${path}`).toBe(403);
      }
    }
    expect(checked).toBeGreaterThan(12);
    // Reads pass with a read token.
    expect((await api("/api/trades", { token: read })).status).toBe(200);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM api_tokens").first()).toEqual({ n: 2 });
  });
});
