import { z } from "zod";
import { routes } from "../contract";
import { actors } from "../context";
import { ApiError } from "../errors";
import { StrategyViewSchema } from "../schemas";

export const StrategyName = z.string().regex(/^[a-z0-9-]{1,64}$/, "strategy names look like regime-blend");
const PatchBody = z.strictObject({
  enabled: z.boolean().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

/** The strategy registry: list, enable/disable and parameterise. */
export const strategyRoutes = routes("/api/strategies", "strategies", "The strategy registry")
  .get(
    { path: "/", scope: "read", portfolio: true, summary: "Every registered strategy with its state and params", response: z.object({ strategies: z.array(StrategyViewSchema) }) },
    async (c, { portfolio }) => c.json({ strategies: await actors(c.env, portfolio).gate.strategies() }),
  )
  .patch(
    {
      path: "/:name",
      scope: "trade",
      portfolio: true,
      summary: "Enable, disable or re-parameterise a strategy",
      description: "Give `enabled` and/or `params`; params are checked by the strategy's own schema (400 naming the field).",
      params: z.object({ name: StrategyName }),
      paramError: { code: "invalid_name", what: "strategy name" },
      body: PatchBody,
      response: z.object({ strategy: StrategyViewSchema }),
      errors: { 404: "unknown strategy" },
    },
    async (c, { params, body, portfolio }) => {
      if (body.enabled === undefined && body.params === undefined) throw new ApiError(400, "invalid_body", "invalid request body: give enabled and/or params");
      const r = await actors(c.env, portfolio).gate.setStrategy(params.name, body);
      if (r.error !== null || r.strategy === null) {
        const error = r.error ?? "strategy not found after update";
        const unknown = error.startsWith("unknown strategy");
        throw new ApiError(unknown ? 404 : 400, unknown ? "not_found" : "invalid_params", error);
      }
      return c.json({ strategy: r.strategy });
    },
  );
