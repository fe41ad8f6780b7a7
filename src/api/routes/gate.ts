import { z } from "zod";
import { listGateEvents } from "../../adapters/store/history-queries";
import { routes } from "../contract";
import { actors, pageQuery } from "../context";
import { ApiError } from "../errors";
import { GateEventRowSchema } from "../schemas";

const GateQuery = z.strictObject({ opened: z.enum(["true", "false"]).default("false"), ...pageQuery });
const WakeBody = z.strictObject({ reason: z.string().trim().min(1).max(200).default("requested through the API") });
const GateResponse = z.looseObject({ configured: z.boolean(), symbols: z.array(z.string()), counts: z.record(z.string(), z.number()), events: z.array(GateEventRowSchema) });

/** Gate state, verdict counts by reason, and its recorded events; a manual wake. */
export const gateRoutes = routes("/api/gate", "gate", "The adaptive gate: state, events, manual wake")
  .get(
    { path: "/", scope: "read", portfolio: true, summary: "Gate state, verdict counts by reason, recorded events", query: GateQuery, response: GateResponse },
    async (c, { query: q, portfolio }) => {
      const a = actors(c.env, portfolio);
      const [status, events] = await Promise.all([a.gate.status(), listGateEvents(c.env.DB, { portfolio: a.portfolio, limit: q.limit, before: q.before, openedOnly: q.opened === "true" })]);
      return c.json({ ...status, events });
    },
  )
  .post(
    {
      path: "/wake",
      scope: "trade",
      portfolio: true,
      summary: "Wake the gate now (a manual layer)",
      description: "Skips the gate's cooldown but never single-flight; at most one per `gate.manualWakeCooldownMs` (60 s) of wall time.",
      body: WakeBody,
      response: z.object({ verdict: z.unknown() }),
      errors: { 409: "the engine is not started, or stopped (not_started)", 429: "a manual wake came less than gate.manualWakeCooldownMs after the last (wake_limited; Retry-After in seconds)" },
    },
    async (c, { body, portfolio }) => {
      const a = actors(c.env, portfolio);
      const gate = await a.gate.status();
      if (!gate.configured || gate.stopped) throw new ApiError(409, "not_started", `the engine is ${gate.configured ? "stopped" : "not started"}: POST /api/engine/start first`);
      const verdict = await a.gate.wake(body.reason, { limited: true });
      if (verdict.retryAfterMs !== undefined) {
        c.header("Retry-After", String(Math.ceil(verdict.retryAfterMs / 1000)));
        throw new ApiError(429, "wake_limited", verdict.reason, { retryAfterMs: verdict.retryAfterMs });
      }
      return c.json({ verdict });
    },
  );
