import type { Context } from "hono";
import { z } from "zod";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { createLogger } from "../adapters/log";

/** An error meant for the client: status, stable code, readable message. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Every error answer: `{ error: { code, message, details? } }` (documented in /openapi.json as Error). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().describe("stable, machine-readable: invalid_query, invalid_body, invalid_json, unauthorized, forbidden, not_found, payload_too_large, …"),
    message: z.string().describe("readable reason: which field, what is wrong"),
    details: z.unknown().optional().describe("zod issues for validation errors; counts and limits for others"),
  }),
});

/** What an actor answered, or a 409 `not_started` saying `what` is not ready and how to start it (null: not set up). */
export function requireStarted<T>(value: T | null, what: string): T {
  if (value === null) throw new ApiError(409, "not_started", `${what}: POST /api/engine/start first`);
  return value;
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

const log = createLogger("api");

/** The one error handler: client faults as 4xx with the reason, anything else a logged 500 without internals. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  log.error("api.unhandled", { path: c.req.path, method: c.req.method, error: err.message });
  return c.json(errorBody("internal_error", "internal error; see the worker logs"), 500);
}

export function notFound(c: Context): Response {
  return c.json(errorBody("not_found", `no route ${c.req.method} ${c.req.path}`), 404);
}
