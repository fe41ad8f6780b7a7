/**
 * The API as a declared contract: every route says its method, path, scope, summary and zod schemas; the
 * builder checks the scope, validates with those schemas and registers the spec that GET /openapi.json is
 * generated from (src/api/openapi.ts). Usage:
 *
 *   export const tokenRoutes = routes("/api/tokens", "tokens", "API tokens and their scopes")
 *     .get({ path: "/", scope: "admin", summary: "List tokens", query: ListQuery, response: TokenList },
 *       async (c, { query }) => c.json(await list(c.env, query.limit)))
 *     .post({ path: "/", scope: "admin", summary: "Create a token", body: CreateBody, status: 201, errors: { 409: "the name is taken" } },
 *       async (c, { body }) => c.json(await create(c.env, body), 201))
 *     .delete({ path: "/:id", scope: "admin", summary: "Revoke a token", params: z.object({ id: TokenId }) },
 *       async (c, { params }) => c.json(await revoke(c.env, params.id)));
 *
 * then add the group to GROUPS in src/api/app.ts (mounted at its prefix; /api/* is behind bearerAuth()).
 * - `scope`: "read" | "trade" | "admin" (requireScope, 403 naming it); "public" only for routes with no token.
 * - `params`, `query`, `headers`: zod objects; `body`: any zod schema of the JSON body (write routes with no
 *   `body` accept only an empty body or `{}`). Failures are 400 with readable reasons: invalid_path,
 *   invalid_query (also for a repeated key, or one the route does not declare), invalid_header, invalid_json,
 *   invalid_body. A check before validation (a secret header): `group.app.use(path, middleware)` first.
 * - Write routes read at most `bodyLimit` bytes (default 64 KiB) from the stream (413), JSON only (415).
 * - `response` (zod, documentation), `status` (success status, 200 by default), `errors` (statuses the
 *   route itself answers, with what they mean; 400/401/403/413/415/500/503 are added where they apply).
 */
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { DEFAULT_BODY_LIMIT, readJsonBody } from "./body";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { PortfolioNameSchema, resolvePortfolio } from "./portfolio-param";
import { requireScope, type Scope } from "./scopes";
import { describeIssues as describe } from "./validate";

export type RouteScope = Scope | "public";
export type Method = "get" | "post" | "put" | "patch" | "delete";
export const WRITE_METHODS: readonly Method[] = ["post", "put", "patch", "delete"];

type AnyObject = z.ZodObject<any, any>;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteDef<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  H extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
> {
  /** Hono syntax relative to the group's prefix: "/" is the prefix itself, "/:id/exit". */
  path: string;
  scope: RouteScope;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  /** Request headers by their spelling (`"X-Operator"`); each is read with c.req.header(name). */
  headers?: H;
  body?: B;
  /** The success body (documentation). */
  response?: z.ZodType;
  /** Success status: 200 unless said (201 created, 101 switching protocols). */
  status?: 101 | 200 | 201 | 202;
  /** Media type of the success body: JSON unless said. */
  produces?: "application/json" | "text/html";
  /** Bytes of request body read at most (write routes). */
  bodyLimit?: number;
  /** Error statuses the route answers itself, with what each means (a 400 here adds to the validation 400). */
  errors?: Partial<Record<400 | 401 | 403 | 404 | 405 | 409 | 422 | 426 | 429 | 500 | 502 | 503, string>>;
  /** A bad path parameter as `invalid <what>: <reason>` with this code, instead of invalid_path. */
  paramError?: { code: string; what: string };
  /** How the route is authenticated in the document: bearer (default), "stream" (bearer or `?ticket=`), "none". */
  security?: "bearer" | "stream" | "none";
  /**
   * The route reads or acts on one portfolio: it takes the optional `?portfolio=<name>` (a started portfolio, 404
   * `unknown_portfolio` otherwise; the configured one when not given), resolved into the handler's `portfolio`.
   */
  portfolio?: boolean;
}

export interface RouteInput<P, Q, H, B> {
  params: Out<P>;
  query: Out<Q>;
  headers: Out<H>;
  body: Out<B>;
  /** Routes with `portfolio: true`: the portfolio addressed (`?portfolio=`, else the configured one); undefined on others. */
  portfolio: string | undefined;
}

export type RouteHandler<P, Q, H, B> = (c: Context<AppEnv>, input: RouteInput<P, Q, H, B>) => Response | Promise<Response>;

/** One registered route: what /openapi.json documents. */
export interface RegisteredRoute {
  method: Method;
  /** Full Hono path, e.g. /api/positions/:id/exit. */
  path: string;
  /** Bytes of body read at most; null for GET. */
  bodyLimit: number | null;
  def: RouteDef<AnyObject | undefined, AnyObject | undefined, AnyObject | undefined, z.ZodType | undefined>;
  tag: string;
}

function joinPath(prefix: string, path: string): string {
  if (path === "/" || path === "") return prefix === "" ? "/" : prefix;
  return `${prefix.replace(/\/$/, "")}${path}`;
}

/** No query parameters; an empty body or `{}` for write routes that take nothing. */
const NOTHING = z.strictObject({});

async function validate(c: Context<AppEnv>, r: RegisteredRoute): Promise<RouteInput<any, any, any, any>> {
  const { def } = r;
  let params: unknown;
  if (def.params) {
    const p = def.params.safeParse(c.req.param());
    if (!p.success) {
      if (def.paramError) throw new ApiError(400, def.paramError.code, `invalid ${def.paramError.what}: ${p.error.issues[0]?.message ?? "invalid"}`);
      throw new ApiError(400, "invalid_path", `invalid path parameters: ${describe(p.error)}`, p.error.issues);
    }
    params = p.data;
  }
  let headers: unknown;
  if (def.headers) {
    const given: Record<string, string | undefined> = {};
    for (const name of Object.keys(def.headers.shape)) given[name] = c.req.header(name);
    const h = def.headers.safeParse(given);
    if (!h.success) throw new ApiError(400, "invalid_header", `invalid header ${describe(h.error)}`, h.error.issues);
    headers = h.data;
  }
  const all = c.req.queries();
  const repeated = Object.entries(all)
    .filter(([, v]) => v.length > 1)
    .map(([k, v]) => `${k.slice(0, 64)}: given ${v.length} times; give it once`);
  if (repeated.length) throw new ApiError(400, "invalid_query", `invalid query parameters: ${repeated.join("; ")}`);
  let query: unknown;
  const { portfolio: asked, ...rest } = c.req.query();
  const q = (def.query ?? NOTHING).safeParse(def.portfolio ? rest : c.req.query());
  if (!q.success) throw new ApiError(400, "invalid_query", `invalid query parameters: ${describe(q.error)}`, q.error.issues);
  if (def.query) query = q.data;
  let named: string | undefined;
  if (def.portfolio && asked !== undefined) {
    const p = PortfolioNameSchema.safeParse(asked);
    if (!p.success) throw new ApiError(400, "invalid_query", `invalid query parameters: portfolio: ${p.error.issues[0]?.message ?? "invalid"}`, p.error.issues);
    named = p.data;
  }
  const portfolio = def.portfolio ? await resolvePortfolio(c.env, named) : undefined;
  let body: unknown;
  if (r.bodyLimit !== null) {
    const json = await readJsonBody(c.req.raw, r.bodyLimit, `${r.method.toUpperCase()} ${r.path}`);
    const b = (def.body ?? NOTHING).safeParse(json);
    if (!b.success) throw new ApiError(400, "invalid_body", `invalid request body: ${describe(b.error)}`, b.error.issues);
    if (def.body) body = b.data;
  }
  return { params, query, headers, body, portfolio } as RouteInput<any, any, any, any>;
}

/** Routes under one prefix, mounted as one Hono sub-app; each route registered with its spec. */
export class RouteGroup {
  readonly app = new Hono<AppEnv>();
  readonly routes: RegisteredRoute[] = [];

  constructor(
    readonly prefix: string,
    readonly tag: string,
    readonly description: string,
  ) {}

  get<P extends AnyObject | undefined = undefined, Q extends AnyObject | undefined = undefined, H extends AnyObject | undefined = undefined>(
    def: RouteDef<P, Q, H, undefined>,
    handler: RouteHandler<P, Q, H, undefined>,
  ): this {
    return this.add("get", def, handler);
  }
  post<P extends AnyObject | undefined = undefined, Q extends AnyObject | undefined = undefined, H extends AnyObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    def: RouteDef<P, Q, H, B>,
    handler: RouteHandler<P, Q, H, B>,
  ): this {
    return this.add("post", def, handler);
  }
  put<P extends AnyObject | undefined = undefined, Q extends AnyObject | undefined = undefined, H extends AnyObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    def: RouteDef<P, Q, H, B>,
    handler: RouteHandler<P, Q, H, B>,
  ): this {
    return this.add("put", def, handler);
  }
  patch<P extends AnyObject | undefined = undefined, Q extends AnyObject | undefined = undefined, H extends AnyObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    def: RouteDef<P, Q, H, B>,
    handler: RouteHandler<P, Q, H, B>,
  ): this {
    return this.add("patch", def, handler);
  }
  delete<P extends AnyObject | undefined = undefined, Q extends AnyObject | undefined = undefined, H extends AnyObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    def: RouteDef<P, Q, H, B>,
    handler: RouteHandler<P, Q, H, B>,
  ): this {
    return this.add("delete", def, handler);
  }

  private add(method: Method, def: RouteDef<any, any, any, any>, handler: RouteHandler<any, any, any, any>): this {
    const route: RegisteredRoute = {
      method,
      path: joinPath(this.prefix, def.path),
      bodyLimit: WRITE_METHODS.includes(method) ? (def.bodyLimit ?? DEFAULT_BODY_LIMIT) : null,
      def,
      tag: this.tag,
    };
    this.routes.push(route);
    const run: MiddlewareHandler<AppEnv> = async (c) => handler(c, await validate(c, route));
    if (def.scope === "public") this.app.on(method.toUpperCase(), def.path, run);
    else this.app.on(method.toUpperCase(), def.path, requireScope(def.scope), run);
    return this;
  }
}

/** A group of routes under `prefix` (e.g. "/api/positions"), documented under `tag`. */
export function routes(prefix: string, tag: string, description: string): RouteGroup {
  return new RouteGroup(prefix, tag, description);
}
