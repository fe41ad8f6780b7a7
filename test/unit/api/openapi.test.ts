import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";

/**
 * The worker's modules are imported by path at run time: they build and run in Node (no workerd import),
 * but their types reach the Workers types that this Node project does not type-check against.
 */
const src = (path: string) => new URL(`../../../src/api/${path}.ts`, import.meta.url).pathname;
const { createApp, GROUPS } = (await import(src("app"))) as { createApp: () => { routes: { method: string; path: string }[] }; GROUPS: readonly unknown[] };
const { WRITE_METHODS } = (await import(src("contract"))) as { WRITE_METHODS: readonly string[] };
const { buildOpenApi, openApiPath } = (await import(src("openapi"))) as { buildOpenApi: (groups: readonly unknown[]) => unknown; openApiPath: (p: string) => string };
const { STREAM_EVENTS } = (await import(src("stream-events"))) as { STREAM_EVENTS: Record<string, unknown> };

type Operation = { "x-scope": string; security: unknown[]; responses: Record<string, unknown>; requestBody?: unknown; "x-body-limit"?: number; parameters?: { name: string; in: string }[] };
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; "x-stream": { events: Record<string, unknown> } };

const doc = buildOpenApi(GROUPS) as unknown as Doc;

/** Method + path of every route the Hono app serves (middleware — ALL /api/* — left out). */
function appRoutes(): Set<string> {
  return new Set(
    createApp()
      .routes.filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${openApiPath(r.path)}`),
  );
}

function documented(): Set<string> {
  return new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
}

describe("the OpenAPI document (built in Node from the registered routes)", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(doc.openapi).toBe("3.1.0");
    // The validator does look: a response without its description, or a parameter without `in`, fails.
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>> };
    delete broken.paths["/api/trades"]!.get!.responses["200"]!.description;
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  it("documents exactly the app's routes: none undocumented, none documented that the app does not serve", () => {
    const served = appRoutes();
    const docs = documented();
    expect(
      [...served].filter((r) => !docs.has(r)),
      "served but not documented",
    ).toEqual([]);
    expect(
      [...docs].filter((r) => !served.has(r)),
      "documented but not served",
    ).toEqual([]);
    expect(served.size).toBeGreaterThan(30);
  });

  it("every operation names its scope; reads are read, writes trade or admin, public only where no token is asked", () => {
    const PUBLIC = new Set(["GET /health", "GET /openapi.json", "GET /docs", "GET /ws/stream", "POST /telegram/webhook"]);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        expect(["read", "trade", "admin", "public"], key).toContain(op["x-scope"]);
        if (op["x-scope"] === "public") expect(PUBLIC, key).toContain(key);
        if (path.startsWith("/api/tokens")) expect(op["x-scope"], key).toBe("admin");
        else if (method === "get" && op["x-scope"] !== "public") expect(op["x-scope"], key).toBe("read");
        else if (WRITE_METHODS.includes(method) && path.startsWith("/api/") && key !== "POST /api/stream/ticket") expect(op["x-scope"], key).toBe("trade");
        if (op["x-scope"] !== "public") expect(op.security, key).toContainEqual({ bearer: [] });
        for (const s of ["400", "500"]) expect(op.responses, `${key} ${s}`).toHaveProperty(s);
        if (op["x-scope"] === "trade" || op["x-scope"] === "admin") expect(op.responses, key).toHaveProperty("403");
        if (WRITE_METHODS.includes(method)) {
          expect(op["x-body-limit"], key).toBeGreaterThan(0);
          expect(op.responses, key).toHaveProperty("413");
          expect(op.responses, key).toHaveProperty("415");
        }
      }
    }
  });

  it("keeps the big body caps of PUT candles and funding; 64 KiB elsewhere", () => {
    expect(doc.paths["/api/candles"]!.put!["x-body-limit"]).toBe(2_000_000);
    expect(doc.paths["/api/funding"]!.put!["x-body-limit"]).toBe(1_000_000);
    expect(doc.paths["/api/controls/pause"]!.post!["x-body-limit"]).toBe(65_536);
    expect(doc.paths["/api/positions/{id}/exit"]!.post!.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "id", in: "path" }), expect.objectContaining({ name: "X-Operator", in: "header" })]),
    );
  });

  it("documents every event type the actors publish on the stream, with a payload schema", () => {
    const published = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith(".ts")) {
          const src = readFileSync(join(dir, e.name), "utf8");
          for (const m of src.matchAll(/emit\([^,]+,\s*"([a-z]+\.[a-z_]+)"/g)) published.add(m[1]!);
          for (const m of src.matchAll(/type:\s*"([a-z]+\.[a-z_]+)",\s*ts:/g)) published.add(m[1]!);
        }
      }
    };
    walk(join(__dirname, "../../../src/actors"));
    expect(published.size).toBeGreaterThan(5);
    const listed = new Set(Object.keys(STREAM_EVENTS));
    expect(
      [...published].filter((t) => !listed.has(t)),
      "published but not documented",
    ).toEqual([]);
    for (const t of listed) expect(doc["x-stream"].events, t).toHaveProperty(t);
    expect(doc.paths["/ws/stream"]!.get!).toHaveProperty("x-events");
  });
});
