import type { Context, MiddlewareHandler } from "hono";
import type { Env } from "../env";
import { actors, type AppEnv } from "./context";
import { ApiError } from "./errors";
import type { Principal } from "./scopes";
import { verifyTicket } from "./stream-ticket";
import { insecureTokenMessage, tokenWeakness } from "./token-policy";
import { findActiveToken, isTokenActive, touchToken } from "./token-store";

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

/** Local runs (`npm start`, the tests) set EDGETRADER_LOCAL=true; a deployed worker never does. */
export function isLocalRun(env: Env): boolean {
  return env.EDGETRADER_LOCAL === "true";
}

export interface AuthReadiness {
  ready: boolean;
  /** `auth_not_configured` (no API_TOKEN) or `insecure_token` (the dev token or a short one outside local runs). */
  reason: "auth_not_configured" | "insecure_token" | null;
  message: string | null;
}

/** Whether the API may serve at all, and why not. Names the fault, never the token. */
export function authReadiness(env: Env): AuthReadiness {
  const root = env.API_TOKEN;
  if (!root) return { ready: false, reason: "auth_not_configured", message: "API_TOKEN is not set: the API is closed until a token is configured (wrangler secret put API_TOKEN)" };
  const weakness = isLocalRun(env) ? null : tokenWeakness(root);
  if (weakness) return { ready: false, reason: "insecure_token", message: insecureTokenMessage(weakness) };
  return { ready: true, reason: null, message: null };
}

const ROOT: Principal = { id: "root", name: "API_TOKEN", scope: "admin" };

/** Runs `work` after the response when the runtime allows it (a request's ExecutionContext), else now. */
async function afterResponse(c: Context<AppEnv>, work: Promise<void>): Promise<void> {
  const safe = work.catch(() => {}); // a missed last_used_at is not worth a failed request
  try {
    c.executionCtx.waitUntil(safe);
  } catch {
    await safe;
  }
}

/** The principal of a bearer token: the root API_TOKEN (constant-time) or a live token of the D1 store. */
async function principalOfToken(c: Context<AppEnv>, given: string, root: string): Promise<Principal> {
  if (await secretsEqual(given, root)) return ROOT;
  let stored: Awaited<ReturnType<typeof findActiveToken>>;
  try {
    stored = await findActiveToken(c.env.DB, given);
  } catch {
    throw new ApiError(503, "token_store_unavailable", "the token store (D1 api_tokens) cannot be read: are the D1 migrations applied? (wrangler d1 migrations apply edgetrader --remote)");
  }
  if (!stored) throw new ApiError(401, "unauthorized", "invalid bearer token");
  await afterResponse(c, touchToken(c.env.DB, stored.id, Date.now()));
  return { id: stored.id, name: stored.name, scope: stored.scope };
}

const TICKET_REFUSALS: Record<string, string> = {
  malformed: "the stream ticket is malformed",
  bad_signature: "the stream ticket's signature is invalid",
  expired: "the stream ticket has expired (tickets are valid for 60 s): get a new one with POST /api/stream/ticket",
  used: "the stream ticket was already used (tickets are single use): get a new one with POST /api/stream/ticket",
  revoked: "the token this stream ticket was issued to has been revoked",
};

/** The principal of a `?ticket=`: signature and expiry here, single use in the StreamActor, its token still live. */
async function principalOfTicket(c: Context<AppEnv>, ticket: string, root: string): Promise<Principal> {
  const now = Date.now();
  const check = await verifyTicket(root, ticket, now);
  if (!check.ok) throw new ApiError(401, "invalid_ticket", TICKET_REFUSALS[check.reason]!);
  const { claims } = check;
  if (claims.sub !== ROOT.id && !(await isTokenActive(c.env.DB, claims.sub))) throw new ApiError(401, "invalid_ticket", TICKET_REFUSALS.revoked!);
  if (!(await actors(c.env).stream.redeemTicket(claims.nonce, claims.exp))) throw new ApiError(401, "invalid_ticket", TICKET_REFUSALS.used!);
  return { id: claims.sub, name: claims.name, scope: claims.scope };
}

/**
 * Bearer-token auth: the root API_TOKEN (admin) or a token of the D1 store (its scope); sets `principal`.
 * Fails closed: without API_TOKEN, or outside local runs with the dev token or one under 32 characters, every
 * request is refused with 503. `streamTicket` (the WebSocket stream, which browsers cannot give a header)
 * also accepts `?ticket=` from POST /api/stream/ticket and refuses the old `?access_token=` with a hint.
 */
export function bearerAuth(opts: { streamTicket?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const readiness = authReadiness(c.env);
    if (!readiness.ready) throw new ApiError(503, readiness.reason!, readiness.message!);
    const root = c.env.API_TOKEN!;
    if (opts.streamTicket && c.req.query("access_token") !== undefined) {
      throw new ApiError(
        401,
        "ticket_required",
        "?access_token= is not accepted: tokens in URLs end up in logs. Get a ticket with POST /api/stream/ticket and connect with ?ticket=<ticket>, or send Authorization: Bearer <token>",
      );
    }
    const header = c.req.header("Authorization") ?? "";
    const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    const ticket = opts.streamTicket ? c.req.query("ticket") : undefined;
    let principal: Principal;
    if (given) principal = await principalOfToken(c, given, root);
    else if (ticket !== undefined) principal = await principalOfTicket(c, ticket, root);
    else
      throw new ApiError(
        401,
        "unauthorized",
        opts.streamTicket
          ? "missing credentials: connect with ?ticket=<ticket> (POST /api/stream/ticket) or send Authorization: Bearer <token>"
          : "missing bearer token (Authorization: Bearer <token>)",
      );
    c.set("principal", principal);
    await next();
  };
}
