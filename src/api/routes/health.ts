import { Hono } from "hono";
import { executionSettings } from "../../lib/execution/mode";
import type { AppEnv } from "../context";

/** Public liveness probe: no token, no actor calls. Says the execution mode and whether it may run (never why in detail). */
export const healthRoutes = new Hono<AppEnv>().get("/health", (c) => {
  const x = executionSettings(c.env);
  return c.json({ ok: true, service: "edgetrader", execution: { mode: x.mode, ready: x.error === null } });
});
