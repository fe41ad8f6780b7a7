import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { ControlResult } from "../../actors/account-actor";
import { actors, type AppEnv } from "../context";
import { ApiError } from "../errors";
import { parseBody } from "../validate";

const reason = z
  .string({ error: (issue) => (issue.input === undefined ? "is required: say why (3–500 characters)" : "must be a string") })
  .trim()
  .min(3, "must be 3–500 characters")
  .max(500, "must be 3–500 characters");

const ReasonBody = z.strictObject({ reason });
const KillBody = z.strictObject({ reason, flatten: z.boolean({ error: "must be true or false" }).default(false) });
const PositionId = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/);
const OperatorHeader = /^[A-Za-z0-9_.@-]{1,64}$/;

/** Who acts: the X-Operator header (1–64 characters of A–Z a–z 0–9 _ . @ -), "api" without one. */
function operatorOf(c: Context<AppEnv>): string {
  const given = c.req.header("X-Operator");
  if (given === undefined) return "api";
  if (!OperatorHeader.test(given)) throw new ApiError(400, "invalid_header", "invalid header X-Operator: must be 1–64 characters of A-Z a-z 0-9 _ . @ -");
  return given;
}

/** The account's answer as HTTP: its refusals are 404 (no such position) or 409 (not started). */
function answer(c: Context<AppEnv>, r: ControlResult): Response {
  if (!r.ok) throw new ApiError(r.code === "no_position" ? 404 : 409, r.code, r.detail);
  return c.json({ action: r.action, positions: r.positions, controls: r.controls });
}

/**
 * Operator controls, each recorded with who (X-Operator) and why (`reason`): pause and resume
 * entries, the kill switch (cancel every open order, optionally flatten; cleared only by resume,
 * which also ends REDUCING and a halt), and forced exits.
 */
export const controlRoutes = new Hono<AppEnv>()
  .get("/controls", async (c) => {
    const view = await actors(c.env).account.controls();
    if (!view) throw new ApiError(409, "not_started", "the account is not initialised: POST /api/engine/start first");
    return c.json(view);
  })
  .post("/controls/pause", async (c) => {
    const by = operatorOf(c);
    const body = await parseBody(c, ReasonBody);
    return answer(c, await actors(c.env).account.pause({ by, reason: body.reason }));
  })
  .post("/controls/resume", async (c) => {
    const by = operatorOf(c);
    const body = await parseBody(c, ReasonBody);
    return answer(c, await actors(c.env).account.resume({ by, reason: body.reason }));
  })
  .post("/controls/kill", async (c) => {
    const by = operatorOf(c);
    const body = await parseBody(c, KillBody);
    return answer(c, await actors(c.env).account.kill({ by, reason: body.reason, flatten: body.flatten }));
  })
  .post("/positions/exit-all", async (c) => {
    const by = operatorOf(c);
    const body = await parseBody(c, ReasonBody);
    return answer(c, await actors(c.env).account.forceExit({ positionId: null, by, reason: body.reason }));
  })
  .post("/positions/:id/exit", async (c) => {
    const id = PositionId.safeParse(c.req.param("id"));
    if (!id.success) throw new ApiError(400, "invalid_path", "invalid position id: ids look like main-d12-BTC (letters, digits, _ . : -, at most 100)");
    const by = operatorOf(c);
    const body = await parseBody(c, ReasonBody);
    return answer(c, await actors(c.env).account.forceExit({ positionId: id.data, by, reason: body.reason }));
  });
