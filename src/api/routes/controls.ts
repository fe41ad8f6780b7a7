import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { routes } from "../contract";
import { actors } from "../context";
import { ControlAnswerSchema, ControlsViewSchema } from "../schemas";
import { controlAnswer, controlsView, PositionIdSchema, ReasonSchema } from "../use-cases/controls";

export const ReasonBody = z.strictObject({ reason: ReasonSchema });
const KillBody = z.strictObject({ reason: ReasonSchema, flatten: z.boolean({ error: "must be true or false" }).default(false) });

/** Who acts: the X-Operator header (1–64 characters of A–Z a–z 0–9 _ . @ -), else the token's name (`token:<name>`). */
export const OperatorHeaders = z.object({
  "X-Operator": z
    .string()
    .regex(/^[A-Za-z0-9_.@-]{1,64}$/, "must be 1–64 characters of A-Z a-z 0-9 _ . @ -")
    .optional()
    .describe("who acts, recorded with the action; the token's name (token:<name>) without it"),
});

/** The operator recorded with an action: X-Operator when given, else the calling token's name. */
export function operatorOf(c: Context<AppEnv>, headers: { "X-Operator"?: string | undefined }): string {
  return headers["X-Operator"] ?? `token:${c.get("principal")?.name ?? "unknown"}`;
}

export const PositionParams = z.object({ id: PositionIdSchema });

/** What the account refuses: 404 no such position, 409 not started. */
export const CONTROL_ERRORS = { 404: "no such position in the book (no_position)", 409: "the account is not initialised (not_started)" } as const;

/**
 * Operator controls, each recorded with who (X-Operator) and why (`reason`): pause and resume
 * entries, the kill switch (cancel every open order, optionally flatten; cleared only by resume,
 * which also ends REDUCING and a halt). Forced exits are under /api/positions (positions.ts).
 */
export const controlRoutes = routes("/api/controls", "controls", "Operator controls: pause, resume, kill switch")
  .get(
    { path: "/", scope: "read", portfolio: true, summary: "Trading state, operator flags, cooldowns and recent actions", response: ControlsViewSchema, errors: { 409: CONTROL_ERRORS[409] } },
    async (c, { portfolio }) => {
      return c.json(await controlsView(c.env, portfolio));
    },
  )
  .post(
    { path: "/pause", scope: "trade", portfolio: true, summary: "Pause entries (exits go on)", headers: OperatorHeaders, body: ReasonBody, response: ControlAnswerSchema, errors: CONTROL_ERRORS },
    async (c, { headers, body, portfolio }) => c.json(controlAnswer(await actors(c.env, portfolio).account.pause({ by: operatorOf(c, headers), reason: body.reason }))),
  )
  .post(
    {
      path: "/resume",
      scope: "trade",
      portfolio: true,
      summary: "Resume: clears a pause, the kill switch, REDUCING and a halt",
      headers: OperatorHeaders,
      body: ReasonBody,
      response: ControlAnswerSchema,
      errors: CONTROL_ERRORS,
    },
    async (c, { headers, body, portfolio }) => c.json(controlAnswer(await actors(c.env, portfolio).account.resume({ by: operatorOf(c, headers), reason: body.reason }))),
  )
  .post(
    {
      path: "/kill",
      scope: "trade",
      portfolio: true,
      summary: "Kill switch: cancel every open order, optionally flatten",
      description: "Survives restarts; cleared only by resume.",
      headers: OperatorHeaders,
      body: KillBody,
      response: ControlAnswerSchema,
      errors: CONTROL_ERRORS,
    },
    async (c, { headers, body, portfolio }) => c.json(controlAnswer(await actors(c.env, portfolio).account.kill({ by: operatorOf(c, headers), reason: body.reason, flatten: body.flatten }))),
  );
