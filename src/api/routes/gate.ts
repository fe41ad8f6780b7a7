import { Hono } from "hono";
import { z } from "zod";
import { listGateEvents } from "../../adapters/store/history-queries";
import { actors, pageQuery, type AppEnv } from "../context";
import { ApiError } from "../errors";
import { parseBody, parseQuery } from "../validate";

const GateQuery = z.strictObject({ opened: z.enum(["true", "false"]).default("false"), ...pageQuery });
const WakeBody = z.strictObject({ reason: z.string().trim().min(1).max(200).default("requested through the API") });

/** Gate state, verdict counts by reason, and its recorded events; a manual wake. */
export const gateRoutes = new Hono<AppEnv>()
  .get("/gate", async (c) => {
    const q = parseQuery(c, GateQuery);
    const a = actors(c.env);
    const [status, events] = await Promise.all([a.gate.status(), listGateEvents(c.env.DB, { portfolio: a.portfolio, limit: q.limit, before: q.before, openedOnly: q.opened === "true" })]);
    return c.json({ ...status, events });
  })
  .post("/gate/wake", async (c) => {
    const body = await parseBody(c, WakeBody);
    const a = actors(c.env);
    if (!(await a.gate.status()).configured) throw new ApiError(409, "not_started", "the engine is not started: POST /api/engine/start first");
    return c.json({ verdict: await a.gate.wake(body.reason) });
  });
