/**
 * Seeded bad requests for every documented route (test/workers/api-fuzz.test.ts, `npm run fuzz`). Each
 * request is malformed by construction — a missing required field, a wrong type, an unknown key, a wrong
 * content type, a body over the cap, nesting past the limit, a repeated query key, a bad path parameter —
 * so a fuzz run changes nothing in the engine: a write route never sees a body it would act on, and path
 * parameters name nothing that exists. GET routes also get valid-looking queries (reads are harmless).
 */

type Json = Record<string, any>;

export interface Operation {
  method: string;
  /** OpenAPI path, /api/positions/{id}/exit */
  path: string;
  op: Json;
}

export interface FuzzRequest {
  kind: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
}

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KB10 = "x".repeat(10_240);
const MB5 = "y".repeat(5 * 1024 * 1024);
const WEIRD_STRINGS = ["", " ", KB10, "\u0000", "\ud800", "💥".repeat(100), "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "null", "NaN", "Infinity", "-0", "1e999"];
const WEIRD_NUMBERS = [0, -1, 1.5, 1e308, -1e308, 9007199254740993, 2 ** 64, 5e-324, -0];
const WEIRD_VALUES: unknown[] = [...WEIRD_STRINGS, ...WEIRD_NUMBERS, true, false, null, [], {}, [[[]]], { a: { b: { c: {} } } }, [KB10, KB10]];
/** Path parameters that name nothing real (or cannot be a name at all). */
const PATH_VALUES = [
  "main-d999999-BTC",
  "moon-shot",
  "bt-0000000000000-00000000",
  "tok_nope",
  "x",
  KB10,
  "%00",
  "..%2F..%2Fetc",
  "%FF%FE",
  "%E2%82%AC",
  "a%20b",
  "%2F",
  "0",
  "-1",
  "null",
  "💥",
  "DROP%20TABLE%20trades",
];
const CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/xml", "image/png", "application/jsonx", "json"];
const QUERY_VALUES = ["", "abc", "-1", "0", "1", "1.5", "1e308", "-1e308", "9007199254740993", "NaN", "Infinity", "true", "maybe", KB10, "%00", "%FF", "BTC/USDT", "btcusdt", "2026-01-01", "[]", "{}"];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function typesOf(schema: Json | undefined): string[] {
  if (!schema) return [];
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.const !== undefined) return [schema.const === null ? "null" : typeof schema.const];
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map((v: unknown) => (v === null ? "null" : typeof v)))] as string[];
  const alts = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alts)) {
    const all = alts.map((a: Json) => typesOf(a));
    return all.some((t: string[]) => t.length === 0) ? [] : [...new Set(all.flat())];
  }
  return [];
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** A value whose JSON type the schema does not allow, or undefined when the schema allows every type. */
function wrongValue(r: () => number, schema: Json): unknown {
  const types = typesOf(schema);
  if (types.length === 0) return undefined;
  const allowed = (v: unknown) => {
    const t = jsonType(v);
    return types.includes(t) || (t === "integer" && types.includes("number")) || (t === "number" && types.includes("integer") && Number.isInteger(v));
  };
  for (let i = 0; i < 20; i++) {
    const v = pick(r, WEIRD_VALUES);
    if (!allowed(v)) return v;
  }
  return undefined;
}

function resolve(doc: Json, s: Json | undefined): Json | undefined {
  if (s?.$ref?.startsWith("#/components/schemas/")) return doc.components.schemas[s.$ref.slice(21)];
  return s;
}

/** An invalid JSON body for `schema`: invalid by a missing required field, a wrong type or an unknown key. */
function badBody(r: () => number, schema: Json, extras: "none" | "huge" = "none"): unknown {
  const props: Record<string, Json> = schema.type === "object" ? (schema.properties ?? {}) : {};
  const required: string[] = schema.required ?? [];
  const body: Json = {};
  // Fill the properties with odd values (10 KB strings, huge numbers) …
  for (const name of Object.keys(props)) if (r() < 0.6) body[name] = extras === "huge" ? pick(r, [KB10, 1e308, -1e308, [KB10], { [KB10.slice(0, 64)]: KB10 }]) : pick(r, WEIRD_VALUES);
  // … then make sure the body is invalid.
  const typed = Object.keys(props).filter((n) => wrongValue(r, props[n]!) !== undefined);
  const way = r();
  if (required.length > 0 && way < 0.4) {
    delete body[pick(r, required)];
    return body;
  }
  if (typed.length > 0 && way < 0.8) {
    const name = pick(r, typed);
    body[name] = wrongValue(r, props[name]!);
    return body;
  }
  if (schema.type === "object" && schema.additionalProperties === false) {
    body[`zz_${Math.floor(r() * 1e6)}`] = pick(r, WEIRD_VALUES);
    return body;
  }
  // A top-level value of the wrong type.
  return wrongValue(r, schema) ?? pick(r, [5, "text", null, true]);
}

function nested(depth: number): string {
  return `{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`;
}

/** A body stream that sends `total` bytes in 16 KiB chunks, with no Content-Length (chunked). */
function chunked(total: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(`[${"1,".repeat(8190)}1]`.slice(0, 16_384));
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (sent >= total) return ctrl.close();
      ctrl.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
}

function fillPath(r: () => number, path: string, params: Json[]): string {
  return path.replace(/\{([^}]+)\}/g, () => pick(r, PATH_VALUES));
}

function queryString(r: () => number, op: Json, mode: "garbage" | "repeated" | "plausible"): string {
  const names: string[] = (op.parameters ?? []).filter((p: Json) => p.in === "query").map((p: Json) => p.name);
  const parts: string[] = [];
  if (mode === "repeated") {
    const name = names.length ? pick(r, names) : "limit";
    parts.push(`${name}=1`, `${name}=2`);
  } else {
    for (const n of names) if (r() < (mode === "plausible" ? 0.5 : 0.7)) parts.push(`${n}=${encodeURIComponent(pick(r, QUERY_VALUES))}`);
    if (mode === "garbage" && (r() < 0.3 || parts.length === 0))
      parts.push(`${pick(r, ["zz", "LIMIT", "limit[]", "__proto__", "constructor", KB10.slice(0, 2000)])}=${encodeURIComponent(pick(r, QUERY_VALUES))}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

/** The documented operations of an OpenAPI document. */
export function operations(doc: Json): Operation[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as Json })));
}

const WRITE_KINDS = [
  "wrong-body",
  "huge-values",
  "unknown-keys",
  "wrong-content-type",
  "invalid-json",
  "invalid-utf8",
  "deep-nesting",
  "big-body-5mb",
  "chunked-over-cap",
  "repeated-query",
  "bad-path",
  "bad-header",
  "no-token",
] as const;
const READ_KINDS = ["query-garbage", "query-plausible", "repeated-query", "bad-path", "no-token", "wrong-token"] as const;

/** The `i`-th request of a run: operations in turn, the kind of fault drawn from the seed. */
export function fuzzRequest(doc: Json, ops: Operation[], i: number, r: () => number, token: string): FuzzRequest {
  const o = ops[i % ops.length]!;
  const write = o.method !== "GET";
  const hasPath = o.path.includes("{");
  let kinds: readonly string[] = write ? WRITE_KINDS : READ_KINDS;
  if (!hasPath) kinds = kinds.filter((k) => k !== "bad-path");
  let kind = pick(r, kinds);
  // The 5 MB and chunked bodies are the expensive ones: about one write request in 25 each.
  if ((kind === "big-body-5mb" || kind === "chunked-over-cap") && r() < 0.6) kind = "wrong-body";
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (o.op.security?.length === 0 || o.path === "/ws/stream") delete headers.Authorization;
  if (kind === "no-token") delete headers.Authorization;
  if (kind === "wrong-token") headers.Authorization = pick(r, ["Bearer nope", "Bearer ", "Basic dXNlcjpwYXNz", `Bearer ${KB10}`, "bearer  test-token "]);
  if (kind === "bad-header") headers["X-Operator"] = pick(r, ["", "bad name!", "a".repeat(65), "é", KB10.slice(0, 300)]);
  let path = o.path.replace(/\{([^}]+)\}/g, () => pick(r, ["main-d999999-BTC", "moon-shot", "bt-0000000000000-00000000", "tok_nope"]));
  if (kind === "bad-path") path = fillPath(r, o.path, o.op.parameters ?? []);
  let query = "";
  if (kind === "query-garbage") query = queryString(r, o.op, "garbage");
  else if (kind === "query-plausible") query = queryString(r, o.op, "plausible");
  else if (kind === "repeated-query") query = queryString(r, o.op, "repeated");
  const req: FuzzRequest = { kind, method: o.method, url: `http://edgetrader.test${path}${query}`, headers };
  if (!write) return req;

  // Every write request carries a body that is invalid one way or another (never empty: an empty body is
  // valid for some routes, e.g. POST /api/engine/stop).
  const schema = resolve(doc, o.op.requestBody?.content?.["application/json"]?.schema) ?? { type: "object", additionalProperties: false };
  const limit: number = o.op["x-body-limit"] ?? 65_536;
  headers["content-type"] = "application/json";
  switch (kind) {
    case "huge-values":
      req.body = JSON.stringify(badBody(r, schema, "huge"));
      break;
    case "unknown-keys":
      req.body = JSON.stringify(schema.additionalProperties === false ? { ...(badBody(r, schema) as Json), [`zz${i}`]: pick(r, WEIRD_VALUES) } : badBody(r, schema));
      break;
    case "wrong-content-type":
      headers["content-type"] = pick(r, CONTENT_TYPES);
      req.body = pick(r, [JSON.stringify(badBody(r, schema)), "reason=because", "<a/>", '--xyz\r\nContent-Disposition: form-data; name="reason"\r\n\r\nbecause\r\n--xyz--']);
      break;
    case "invalid-json":
      req.body = pick(r, ["{", "[1,2", "{'reason':'x'}", '{"reason":"x",}', "undefined", '{"a":1}{"b":2}', "\u0000", '{"a":' + "1".repeat(10_000), "NaN"]);
      break;
    case "invalid-utf8":
      req.body = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
      break;
    case "deep-nesting":
      req.body = nested(pick(r, [33, 64, 500, 5_000, 20_000]));
      break;
    case "big-body-5mb":
      req.body = `{"pad":"${MB5}"}`;
      break;
    case "chunked-over-cap":
      req.body = chunked(limit + 16_384 * (1 + Math.floor(r() * 4)));
      break;
    default:
      req.body = JSON.stringify(badBody(r, schema));
  }
  return req;
}

/** What the run expects of a kind: the statuses that answer it correctly (never a 5xx). */
export function expectedStatuses(kind: string): number[] | null {
  switch (kind) {
    case "wrong-content-type":
      return [400, 401, 403, 404, 413, 415, 503];
    case "big-body-5mb":
    case "chunked-over-cap":
      return [400, 401, 403, 404, 413, 503];
    case "deep-nesting":
    case "invalid-json":
    case "invalid-utf8":
    case "repeated-query":
      return [400, 401, 403, 404, 405, 503];
    case "no-token":
    case "wrong-token":
      return null;
    default:
      return null;
  }
}
