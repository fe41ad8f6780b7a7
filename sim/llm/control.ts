import { z } from "zod";
import { BadRequest } from "./http";
import { LLM_MODES } from "./modes";

/** Bodies of the `/sim/*` control endpoints. */
export const ModeBodySchema = z.strictObject({
  mode: z.enum(LLM_MODES),
  /** Only the next `count` calls; all calls until changed when omitted. */
  count: z.number().int().positive().optional(),
});

export const ScriptBodySchema = z.strictObject({
  /** Exact tool inputs, one per upcoming call. */
  responses: z.array(z.record(z.string(), z.unknown())).min(1),
});

export const SessionBodySchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "id must be 1-64 letters, digits, '_' or '-'")
    .optional(),
});

export function parseControl<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new BadRequest(`invalid ${what} body: ${z.prettifyError(r.error)}`);
  return r.data;
}
