import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "./errors";

function describe(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** Query parameters parsed by a zod schema; a bad or unknown parameter is a 400 that says which. */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const r = schema.safeParse(c.req.query());
  if (!r.success) throw new ApiError(400, "invalid_query", `invalid query parameters: ${describe(r.error)}`, r.error.issues);
  return r.data;
}

/** A JSON body parsed by a zod schema; an empty body counts as `{}`. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  let json: unknown = {};
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(400, "invalid_json", "request body is not valid JSON");
    }
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new ApiError(400, "invalid_body", `invalid request body: ${describe(r.error)}`, r.error.issues);
  return r.data;
}
