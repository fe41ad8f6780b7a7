import { z } from "zod";
import type { Env } from "../env";
import { listPortfolios, portfolioStarted } from "../adapters/store/portfolio-queries";
import { engineConfig } from "./context";
import { ApiError } from "./errors";

/** Portfolio names, as the engine config spells them. */
export const PortfolioNameSchema = z.string().regex(/^[a-z0-9-]{1,32}$/, "portfolio names are 1–32 characters of a-z, 0-9 and -");

/** What `?portfolio=` means on a route that addresses one portfolio (the OpenAPI parameter's description). */
export const PORTFOLIO_PARAM_DESCRIPTION = "the portfolio this request is about: one started on this deployment (GET /api/portfolios lists them); the configured portfolio when not given";

/**
 * The portfolio a request addresses: the configured one unless `requested` names another, which must have been
 * started here (D1 `portfolios`), else 404 `unknown_portfolio` naming the started ones.
 */
export async function resolvePortfolio(env: Env, requested: string | undefined): Promise<string> {
  const configured = engineConfig(env).portfolio;
  if (requested === undefined || requested === configured) return configured;
  if (await portfolioStarted(env.DB, requested)) return requested;
  const started = (await listPortfolios(env.DB)).map((p) => p.name);
  const known = [...new Set([configured, ...started])].slice(0, 20);
  throw new ApiError(404, "unknown_portfolio", `no portfolio "${requested}" was started here; portfolios: ${known.join(", ")}`, { portfolios: known });
}
