import { z } from "zod";
import { routes } from "../contract";
import { comparePortfolios } from "../use-cases/portfolios";

const Settings = z.object({ decider: z.string(), promptVersion: z.string(), model: z.string(), dailyBudgetUsd: z.number() });
const Figures = z.object({
  initialCash: z.number().nullable().describe("the cash the book was created with (or its first recorded equity)"),
  equity: z.number().nullable(),
  returnPct: z.number().nullable().describe("equity against the initial cash, in %"),
  maxDrawdownPct: z.number().nullable().describe("the largest fall of the recorded equity from its running peak, in %; null before the first equity snapshot"),
  openPositions: z.number(),
  closedTrades: z.number(),
  decisions: z.number().describe("decisions the gate opened"),
  claudeCalls: z.number().describe("Claude calls over the kept days (at most 31, UTC wall-clock days)"),
  claudeCallsToday: z.number(),
  costUsd: z.number().nullable(),
  costUsdToday: z.number().nullable(),
  costUsdPerDay: z.number().nullable().describe("costUsd over the days from the first kept day to today"),
  days: z.number(),
});
const PortfoliosResponse = z.object({
  portfolios: z.array(
    z.object({
      name: z.string(),
      configured: z.boolean().describe("the deployment's configured portfolio, which routes address without ?portfolio="),
      symbols: z.array(z.string()),
      startedAt: z.number().nullable().describe("its latest start, wall clock (epoch ms)"),
      settings: Settings,
      figures: Figures,
    }),
  ),
  promptVersions: z.array(z.object({ name: z.string(), current: z.boolean(), description: z.string() })),
});

/** Champion and challenger portfolios side by side: each one's decider settings and figures. */
export const portfolioRoutes = routes("/api/portfolios", "portfolios", "Portfolios side by side: decider settings, return, drawdown, trades, Claude's calls and cost").get(
  {
    path: "/",
    scope: "read",
    summary: "Every portfolio started here, compared: settings, return, drawdown, trades, calls, cost per day",
    description:
      "The configured portfolio and every other one started with `POST /api/engine/start {portfolio}` (not yet started: absent), each with its decider settings (decider, prompt version, model, daily budget) and its figures. Any route that reads or acts on a portfolio takes `?portfolio=<name>`. `promptVersions` lists the prompt versions a start may name.",
    response: PortfoliosResponse,
  },
  async (c) => c.json(await comparePortfolios(c.env)),
);
