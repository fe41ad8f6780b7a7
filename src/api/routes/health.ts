import { z } from "zod";
import { executionSettings } from "../../lib/execution/mode";
import { authReadiness } from "../auth";
import { routes } from "../contract";

const HealthResponse = z.object({
  ok: z.literal(true),
  service: z.literal("edgetrader"),
  ready: z.boolean().describe("the API serves (auth.ready) and the execution mode may run (execution.ready)"),
  auth: z.object({ ready: z.boolean(), reason: z.enum(["auth_not_configured", "insecure_token"]).nullable().describe("why the API refuses every request (503), never the token") }),
  execution: z.object({ mode: z.enum(["paper", "testnet", "live"]), ready: z.boolean() }),
});

/** Public liveness probe: no token, no actor calls. Says the execution mode and whether it may run (never why in detail). */
export const healthRoutes = routes("/health", "health", "Liveness, open to all").get(
  {
    path: "/",
    scope: "public",
    security: "none",
    summary: "Liveness and execution mode",
    description: "No token, no actor calls: says the execution mode and whether it may run (never why).",
    response: HealthResponse,
  },
  (c) => {
    const x = executionSettings(c.env);
    const auth = authReadiness(c.env);
    return c.json({ ok: true, service: "edgetrader", ready: auth.ready && x.error === null, auth: { ready: auth.ready, reason: auth.reason }, execution: { mode: x.mode, ready: x.error === null } });
  },
);
