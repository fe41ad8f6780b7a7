import type { Context } from "hono";
import type { z } from "zod";
import { DEFAULT_BODY_LIMIT, readJsonBody } from "./body";
import { ApiError } from "./errors";

/**
 * Validation for handlers outside the route builder (src/api/contract.ts validates declared routes itself,
 * with the same messages).
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** Query parameters parsed by a zod schema; a bad or unknown parameter is a 400 that says which. */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const r = schema.safeParse(c.req.query());
  if (!r.success) throw new ApiError(400, "invalid_query", `invalid query parameters: ${describeIssues(r.error)}`, r.error.issues);
  return r.data;
}

/** A JSON body parsed by a zod schema, read with a byte cap (413) and a nesting limit; an empty body counts as `{}`. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S, limit = DEFAULT_BODY_LIMIT): Promise<z.infer<S>> {
  const json = await readJsonBody(c.req.raw, limit, `${c.req.method} ${c.req.path}`);
  const r = schema.safeParse(json);
  if (!r.success) throw new ApiError(400, "invalid_body", `invalid request body: ${describeIssues(r.error)}`, r.error.issues);
  return r.data;
}
