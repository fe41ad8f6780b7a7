import { Hono } from "hono";
import type { AppEnv } from "../context";

/** Public liveness probe: no token, no actor calls. */
export const healthRoutes = new Hono<AppEnv>().get("/health", (c) => c.json({ ok: true, service: "edgetrader" }));
