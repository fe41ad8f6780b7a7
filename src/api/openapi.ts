import { z } from "zod";
import { describeBytes } from "./body";
import type { RegisteredRoute, RouteGroup } from "./contract";
import { ErrorBodySchema } from "./errors";
import { PORTFOLIO_PARAM_DESCRIPTION, PortfolioNameSchema } from "./portfolio-param";
import { STREAM_EVENTS, StreamClientMessageSchema, StreamEnvelopeSchema } from "./stream-events";

/**
 * The OpenAPI 3.1 document of the registered routes, generated from the same zod schemas the routes
 * validate with (`z.toJSONSchema`, draft 2020-12: OpenAPI 3.1's dialect). Pure: no workerd import, so a
 * Node test can build and validate it (test/unit/api/openapi.test.ts).
 */
export const API_VERSION = "0.1.0";

type Json = Record<string, unknown>;

const SCOPE_TEXT: Record<string, string> = {
  read: "`read` (any token)",
  trade: "`trade` (trade or admin tokens)",
  admin: "`admin` (admin tokens only)",
  public: "none (public)",
};

const DEFAULT_ERRORS: Record<number, string> = {
  400: "a bad path parameter, query, header or body (the message names the field); a repeated query key",
  401: "missing or invalid bearer token (unauthorized)",
  403: "the token lacks the route's scope (forbidden)",
  404: "not found",
  409: "conflict with the engine's state",
  413: "request body over the route's limit (payload_too_large), counted while reading, chunked or not",
  415: "request body that is not JSON (unsupported_media_type)",
  422: "a well-formed request the engine cannot carry out",
  426: "upgrade required",
  500: "internal error (the worker logs say more; never internals in the answer)",
  503: "the API or the engine is not configured to serve this (auth_not_configured, insecure_token, execution_refused, …)",
};

/** OpenAPI path syntax: /api/positions/{id}/exit. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

/** A zod schema as an embeddable JSON Schema; its `$defs` are hoisted into `defs` (refs rewritten). */
function jsonSchema(schema: z.ZodType, io: "input" | "output", defs: Json, hint: string): Json {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Json;
  delete out.$schema;
  const local = out.$defs as Json | undefined;
  if (!local) return out;
  delete out.$defs;
  const renamed: Record<string, string> = {};
  for (const name of Object.keys(local)) renamed[name] = `${hint}.${name}`.replace(/[^A-Za-z0-9._-]/g, "_");
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === "object") {
      const o: Json = {};
      for (const [k, x] of Object.entries(v)) o[k] = k === "$ref" && typeof x === "string" && x.startsWith("#/$defs/") ? `#/components/schemas/${renamed[x.slice(8)]}` : rewrite(x);
      return o;
    }
    return v;
  };
  for (const [name, def] of Object.entries(local)) defs[renamed[name]!] = rewrite(def);
  return rewrite(out) as Json;
}

function operationId(r: RegisteredRoute): string {
  const words = r.path
    .split("/")
    .filter(Boolean)
    .map((w) => (w.startsWith(":") ? `by-${w.slice(1)}` : w))
    .join("-")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [r.method, ...words].map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join("");
}

function parameters(r: RegisteredRoute, defs: Json): Json[] {
  const out: Json[] = [];
  const add = (where: "path" | "query" | "header", obj: z.ZodObject<any, any> | undefined) => {
    if (!obj) return;
    const schema = jsonSchema(obj, "input", defs, operationId(r));
    const props = (schema.properties ?? {}) as Record<string, Json>;
    const required = new Set((schema.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      const { description, ...rest } = prop;
      out.push({ name, in: where, required: where === "path" || required.has(name), ...(description ? { description } : {}), schema: rest });
    }
  };
  add("path", r.def.params);
  add("query", r.def.query);
  if (r.def.portfolio) out.push({ name: "portfolio", in: "query", required: false, description: PORTFOLIO_PARAM_DESCRIPTION, schema: jsonSchema(PortfolioNameSchema, "input", defs, operationId(r)) });
  add("header", r.def.headers);
  return out;
}

function errorStatuses(r: RegisteredRoute): Record<number, string> {
  const out: Record<number, string> = { 400: DEFAULT_ERRORS[400]! };
  if (r.def.scope !== "public" || r.def.security === "stream") out[401] = DEFAULT_ERRORS[401]!;
  if (r.def.scope === "trade" || r.def.scope === "admin") out[403] = DEFAULT_ERRORS[403]!;
  if (r.bodyLimit !== null) {
    out[413] = `request body over ${describeBytes(r.bodyLimit)} (payload_too_large), counted while reading, chunked or not`;
    out[415] = DEFAULT_ERRORS[415]!;
  }
  for (const [s, why] of Object.entries(r.def.errors ?? {})) if (why) out[Number(s)] = s === "400" ? `${out[400]}; ${why}` : why;
  if (r.def.portfolio) out[404] = [out[404], "`?portfolio=` names no portfolio started here (unknown_portfolio)"].filter(Boolean).join("; ");
  out[500] ??= DEFAULT_ERRORS[500]!;
  if (r.def.scope !== "public" || r.def.security === "stream") out[503] ??= DEFAULT_ERRORS[503]!;
  return out;
}

function operation(r: RegisteredRoute, defs: Json): Json {
  const d = r.def;
  const status = d.status ?? 200;
  const lines = [d.description ?? "", `**Scope:** ${SCOPE_TEXT[d.scope]}.`];
  if (d.security === "stream") lines.push("Authenticated by `Authorization: Bearer <token>` or `?ticket=` (POST /api/stream/ticket), checked before the upgrade reaches the StreamActor.");
  if (r.bodyLimit !== null) lines.push(`**Body:** JSON, at most ${describeBytes(r.bodyLimit)}, nested at most 32 deep.`);
  const success: Json = { description: status === 101 ? "switching protocols: the WebSocket is open" : d.summary };
  if (status !== 101) {
    const media = d.produces ?? "application/json";
    success.content = { [media]: { schema: d.response ? jsonSchema(d.response, "output", defs, operationId(r)) : media === "text/html" ? { type: "string" } : {} } };
  }
  const responses: Json = { [String(status)]: success };
  for (const [s, why] of Object.entries(errorStatuses(r))) responses[s] = { description: why, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  const op: Json = {
    operationId: operationId(r),
    tags: [r.tag],
    summary: d.summary,
    description: lines.filter(Boolean).join("\n\n"),
    "x-scope": d.scope,
    security: d.security === "stream" ? [{ bearer: [] }, { streamTicket: [] }] : d.scope === "public" ? [] : [{ bearer: [] }],
  };
  const params = parameters(r, defs);
  if (params.length) op.parameters = params;
  if (r.bodyLimit !== null) {
    op["x-body-limit"] = r.bodyLimit;
    op.requestBody = {
      required: false,
      description: d.body ? `JSON, at most ${describeBytes(r.bodyLimit)}; empty counts as {}` : "nothing, or {}",
      content: { "application/json": { schema: d.body ? jsonSchema(d.body, "input", defs, `${operationId(r)}.body`) : { type: "object", additionalProperties: false } } },
    };
  }
  op.responses = responses;
  if (d.security === "stream") op["x-events"] = Object.fromEntries(Object.keys(STREAM_EVENTS).map((t) => [t, { $ref: `#/components/schemas/${eventSchemaName(t)}` }]));
  return op;
}

function eventSchemaName(type: string): string {
  return `StreamEvent.${type}`;
}

/** The document for `groups` (every route the app serves). */
export function buildOpenApi(groups: readonly RouteGroup[], opts: { serverUrl?: string } = {}): Json {
  const defs: Json = {};
  const paths: Record<string, Json> = {};
  for (const g of groups) {
    for (const r of g.routes) {
      const p = openApiPath(r.path);
      paths[p] ??= {};
      if (paths[p]![r.method]) throw new Error(`route ${r.method.toUpperCase()} ${r.path} registered twice`);
      paths[p]![r.method] = operation(r, defs);
    }
  }
  const events: Json = {};
  for (const [type, e] of Object.entries(STREAM_EVENTS)) {
    defs[eventSchemaName(type)] = {
      description: e.description,
      type: "object",
      properties: { seq: { type: "integer" }, ts: { type: "number", description: "engine time, epoch ms" }, type: { const: type }, data: jsonSchema(e.data, "output", defs, eventSchemaName(type)) },
      required: ["seq", "ts", "type", "data"],
    };
    events[type] = { description: e.description, schema: { $ref: `#/components/schemas/${eventSchemaName(type)}` } };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Edgetrader API",
      version: API_VERSION,
      description:
        "The autonomous trading engine's HTTP API. Every route but /health, /openapi.json and /docs needs `Authorization: Bearer <token>`; each route names its scope (`x-scope`): read ⊂ trade ⊂ admin. Errors are `{ error: { code, message, details? } }`. Write routes take JSON bodies read with a byte cap (413 past it, chunked or not) and nested at most 32 deep. Repeated or unknown query keys are 400. The event stream (`GET /ws/stream`) is described under `x-stream`.",
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    tags: groups.map((g) => ({ name: g.tag, description: g.description })).filter((t, i, all) => all.findIndex((x) => x.name === t.name) === i),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "The API_TOKEN secret (admin) or a token made with POST /api/tokens (read, trade or admin)." },
        streamTicket: { type: "apiKey", in: "query", name: "ticket", description: "A single-use ticket from POST /api/stream/ticket, for WebSocket clients that cannot send headers." },
      },
      schemas: {
        Error: jsonSchema(ErrorBodySchema, "output", defs, "Error"),
        StreamEnvelope: jsonSchema(StreamEnvelopeSchema, "output", defs, "StreamEnvelope"),
        StreamClientMessage: jsonSchema(StreamClientMessageSchema, "input", defs, "StreamClientMessage"),
        ...defs,
      },
    },
    "x-stream": {
      path: "/ws/stream",
      envelope: { $ref: "#/components/schemas/StreamEnvelope" },
      clientMessages: { $ref: "#/components/schemas/StreamClientMessage" },
      events,
    },
  };
}
