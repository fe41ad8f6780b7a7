import { Hono } from "hono";
import { z } from "zod";
import { BACKTEST_LIMITS, runStoredBacktest } from "../../adapters/backtest/stored-run";
import { getBacktest, listBacktests, type BacktestRow, type BacktestSummaryRow } from "../../adapters/store/backtest-store";
import { BacktestSpecSchema } from "../../lib/backtest/spec";
import type { Metrics } from "../../lib/metrics/types";
import { engineConfig, queryNumber, type AppEnv } from "../context";
import { ApiError } from "../errors";
import { parseBody, parseQuery } from "../validate";

const BacktestId = z.string().regex(/^bt-\d{13}-[0-9a-f]{8}$/, "backtest ids look like bt-1767225600000-1a2b3c4d");
const ListQuery = z.strictObject({
  limit: queryNumber().int("must be an integer").min(1).max(100).default(20),
  cursor: BacktestId.optional(),
});

const HEADLINE = ["totalReturn", "cagr", "sharpe", "sortino", "maxDrawdown", "winRate", "profitFactor", "tradeCount", "btcReturn", "basketReturn", "excessVsBtc", "excessVsBasket"] as const;

const parsed = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));

/** The fields every view of a run shares. */
function common(row: BacktestSummaryRow) {
  return {
    id: row.id,
    created_at: row.created_at,
    status: row.status,
    spec: JSON.parse(row.spec_json) as unknown,
    error: row.error,
    candles: row.candles,
    duration_ms: row.duration_ms,
    llm_cost_usd: row.llm_cost_usd,
    notes: parsed<string[]>(row.notes_json) ?? [],
  };
}

function equityNote(total: number, stored: number): string[] {
  return stored < total ? [`equity curve downsampled from ${total} to ${stored} points (first and last kept)`] : [];
}

/** One run in full: spec, metrics, stats, trades and the (possibly downsampled) equity curve. */
function fullView(row: BacktestRow) {
  const trades = parsed<unknown[]>(row.trades_json);
  const equity = parsed<unknown[]>(row.equity_json);
  const total = row.equity_points ?? 0;
  const shared = common(row);
  return {
    ...shared,
    metrics: parsed<Metrics>(row.metrics_json),
    stats: parsed<unknown>(row.stats_json),
    trade_count: trades?.length ?? null,
    equity_points: total,
    equity_downsampled: equity !== null && equity.length < total,
    notes: [...shared.notes, ...(equity ? equityNote(total, equity.length) : [])],
    trades,
    equity,
  };
}

/**
 * Backtests on the candles and funding rates stored in D1 (PUT /api/candles and /api/funding, and what
 * the tickers record), run in the worker with the rule decider and the worker's engine config, stored with their results.
 */
export const backtestRoutes = new Hono<AppEnv>()
  .post("/backtests", async (c) => {
    const spec = await parseBody(c, BacktestSpecSchema);
    if (spec.symbols.length > BACKTEST_LIMITS.maxSymbols) throw new ApiError(400, "invalid_body", `invalid request body: symbols: at most ${BACKTEST_LIMITS.maxSymbols} symbols per run`);
    const out = await runStoredBacktest(c.env.DB, spec, engineConfig(c.env));
    if (out.kind === "too_many_candles") {
      throw new ApiError(
        422,
        "too_many_candles",
        `the run would replay ${out.candles} ${spec.timeframe} candles; at most ${out.limit} per run: narrow the range, drop symbols or use a coarser timeframe`,
        { candles: out.candles, limit: out.limit, perSymbol: out.perSymbol },
      );
    }
    if (out.kind === "too_much_model_work") throw new ApiError(422, "too_much_model_work", out.message, out.work);
    if (out.kind === "no_candles") throw new ApiError(422, "no_candles", `${out.message}; store them with PUT /api/candles`, { perSymbol: out.perSymbol });
    if (out.kind === "failed") {
      throw new ApiError(out.inputFault ? 422 : 500, "backtest_failed", `backtest ${out.row.id} failed: ${out.row.error}`, { id: out.row.id });
    }
    // The answer is the stored run without its trades and equity curve (GET /api/backtests/:id has them).
    const { trades: _trades, equity: _equity, ...summary } = fullView(out.row);
    c.header("Location", `/api/backtests/${out.row.id}`);
    return c.json({ backtest: summary }, 201);
  })
  .get("/backtests", async (c) => {
    const q = parseQuery(c, ListQuery);
    const rows = await listBacktests(c.env.DB, { limit: q.limit, cursor: q.cursor });
    const backtests = rows.map((row) => {
      const metrics = parsed<Metrics>(row.metrics_json);
      return {
        ...common(row),
        trade_count: metrics?.tradeCount ?? null,
        metrics: metrics ? Object.fromEntries(HEADLINE.map((k) => [k, metrics[k]])) : null,
      };
    });
    return c.json({ backtests, next_cursor: rows.length === q.limit ? rows[rows.length - 1]!.id : null });
  })
  .get("/backtests/:id", async (c) => {
    const id = BacktestId.safeParse(c.req.param("id"));
    if (!id.success) throw new ApiError(400, "invalid_id", `invalid backtest id: ${id.error.issues[0]?.message}`);
    const row = await getBacktest(c.env.DB, id.data);
    if (!row) throw new ApiError(404, "not_found", `no backtest ${id.data}`);
    return c.json({ backtest: fullView(row) });
  });
