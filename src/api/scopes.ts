import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

/** What a token may do: `read` the engine, `trade` (operator controls, engine start/stop, strategy edits), `admin` (tokens). */
export type Scope = "read" | "trade" | "admin";

const RANK: Record<Scope, number> = { read: 1, trade: 2, admin: 3 };

/** Each scope includes the ones below it: admin ⊃ trade ⊃ read. */
export function hasScope(granted: Scope, needed: Scope): boolean {
  return RANK[granted] >= RANK[needed];
}

/** Who is calling, as the auth middleware established it. */
export interface Principal {
  /** Token id ("root" for the API_TOKEN secret). */
  id: string;
  name: string;
  scope: Scope;
}

/** Refuses a request whose principal lacks `needed`: 403 naming the scope. Runs after the auth middleware. */
export function requireScope(needed: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.get("principal");
    if (!p) throw new ApiError(401, "unauthorized", "missing bearer token (Authorization: Bearer <token>)");
    if (!hasScope(p.scope, needed)) throw new ApiError(403, "forbidden", `this route needs the ${needed} scope; the token has ${p.scope}`);
    await next();
  };
}
