import { z } from "zod";
import { BacktestSpecSchema } from "../../lib/backtest/spec";
import { routes } from "../contract";
import { queryNumber } from "../context";
import { listBacktestViews, readBacktest, runBacktestUseCase } from "../use-cases/backtests";

const BacktestId = z.string().regex(/^bt-\d{13}-[0-9a-f]{8}$/, "backtest ids look like bt-1767225600000-1a2b3c4d");
const ListQuery = z.strictObject({
  limit: queryNumber().int("must be an integer").min(1).max(100).default(20),
  cursor: BacktestId.optional(),
});

const BacktestSummary = z.looseObject({
  id: z.string(),
  created_at: z.number(),
  status: z.enum(["done", "failed"]),
  spec: z.unknown(),
  error: z.string().nullable(),
  candles: z.number().nullable(),
  duration_ms: z.number().nullable(),
  llm_cost_usd: z.number().nullable(),
  notes: z.array(z.string()),
  trade_count: z.number().nullable(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
});

/**
 * Backtests on the candles and funding rates stored in D1 (PUT /api/candles and /api/funding, and what
 * the tickers record), run in the worker with the rule decider and the worker's engine config, stored with their results.
 */
export const backtestRoutes = routes("/api/backtests", "backtests", "Backtests on the stored candles and funding rates")
  .post(
    {
      path: "/",
      scope: "trade",
      summary: "Run a backtest now and store it",
      description:
        "Runs inside the request with the rule decider; bounded (base candles, model fits) with 422 before running. One run at a time per portfolio: later ones wait their turn (up to 60 s, at most 4 running or waiting). The run yields between decisions, so other API calls go on meanwhile. Answers the stored run without trades and equity (GET /api/backtests/{id} has them).",
      body: BacktestSpecSchema,
      status: 201,
      response: z.object({ backtest: BacktestSummary }),
      errors: {
        422: "too many candles, too much model work, no candles stored, or the run failed on its inputs",
        429: "4 runs are already running or waiting for this portfolio (backtest_queue_full), or the runs ahead did not finish within 60 s (backtest_busy)",
        500: "the run failed (backtest_failed, stored as failed)",
      },
    },
    async (c, { body }) => {
      const backtest = await runBacktestUseCase(c.env, body);
      c.header("Location", `/api/backtests/${backtest.id}`);
      return c.json({ backtest }, 201);
    },
  )
  .get(
    {
      path: "/",
      scope: "read",
      summary: "Runs, newest first, with headline metrics",
      query: ListQuery,
      response: z.object({ backtests: z.array(BacktestSummary), next_cursor: z.string().nullable() }),
    },
    async (c, { query: q }) => c.json(await listBacktestViews(c.env, { limit: q.limit, cursor: q.cursor })),
  )
  .get(
    {
      path: "/:id",
      scope: "read",
      summary: "One run in full: spec, metrics, stats, trades, equity curve",
      params: z.object({ id: BacktestId }),
      paramError: { code: "invalid_id", what: "backtest id" },
      response: z.object({ backtest: BacktestSummary.extend({ trades: z.array(z.unknown()).nullable(), equity: z.array(z.unknown()).nullable() }) }),
      errors: { 404: "no such backtest" },
    },
    async (c, { params }) => c.json({ backtest: await readBacktest(c.env, params.id) }),
  );
