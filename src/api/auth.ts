import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

async function digest(s: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
}

/** Compares two secrets in time independent of where they differ (digests have equal length). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/**
 * Bearer-token auth against the API_TOKEN secret. `allowQueryToken` lets browser WebSocket clients,
 * which cannot set headers, pass `?access_token=`. With no API_TOKEN configured every request is
 * refused (fail closed).
 */
export function bearerAuth(opts: { allowQueryToken?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const expected = c.env.API_TOKEN;
    if (!expected) throw new ApiError(503, "auth_not_configured", "API_TOKEN is not set: the API is closed until a token is configured");
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const given = match?.[1] ?? (opts.allowQueryToken ? c.req.query("access_token") : undefined);
    if (!given) throw new ApiError(401, "unauthorized", "missing bearer token (Authorization: Bearer <token>)");
    if (!(await secretsEqual(given.trim(), expected))) throw new ApiError(401, "unauthorized", "invalid bearer token");
    c.set("principal", { id: "root", name: "API_TOKEN", scope: "admin" });
    await next();
  };
}
