import { Hono } from "hono";
import { z } from "zod";
import { listSignals } from "../../adapters/store/history-queries";
import { MarketSymbolSchema } from "../../lib/config";
import { actors, pageQuery, type AppEnv } from "../context";
import { ApiError } from "../errors";
import { parseBody, parseQuery } from "../validate";

const StrategyName = z.string().regex(/^[a-z0-9-]{1,64}$/, "strategy names look like regime-blend");
const PatchBody = z.strictObject({
  enabled: z.boolean().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});
const SignalsQuery = z.strictObject({
  symbol: MarketSymbolSchema.optional(),
  strategy: StrategyName.optional(),
  action: z.enum(["LONG", "SHORT", "CLOSE", "PASS"]).optional(),
  ...pageQuery,
});

/** The strategy registry: list, enable/disable and parameterise; and every signal the strategies gave. */
export const strategyRoutes = new Hono<AppEnv>()
  .get("/strategies", async (c) => c.json({ strategies: await actors(c.env).gate.strategies() }))
  .patch("/strategies/:name", async (c) => {
    const name = StrategyName.safeParse(c.req.param("name"));
    if (!name.success) throw new ApiError(400, "invalid_name", `invalid strategy name: ${name.error.issues[0]?.message}`);
    const body = await parseBody(c, PatchBody);
    if (body.enabled === undefined && body.params === undefined) throw new ApiError(400, "invalid_body", "invalid request body: give enabled and/or params");
    const r = await actors(c.env).gate.setStrategy(name.data, body);
    if (r.error !== null || r.strategy === null) {
      const error = r.error ?? "strategy not found after update";
      const unknown = error.startsWith("unknown strategy");
      throw new ApiError(unknown ? 404 : 400, unknown ? "not_found" : "invalid_params", error);
    }
    return c.json({ strategy: r.strategy });
  })
  .get("/signals", async (c) => {
    const q = parseQuery(c, SignalsQuery);
    const rows = await listSignals(c.env.DB, { portfolio: actors(c.env).portfolio, limit: q.limit, before: q.before, symbol: q.symbol, strategy: q.strategy, action: q.action });
    return c.json({ signals: rows.map(({ metadata_json, ...r }) => ({ ...r, metadata: typeof metadata_json === "string" ? JSON.parse(metadata_json) : null })) });
  });
