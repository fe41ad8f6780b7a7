import type { Env } from "../../env";
import { BACKTEST_LIMITS, runStoredBacktest } from "./stored-backtest";
import { getBacktest, listBacktests, type BacktestRow, type BacktestSummaryRow } from "../../adapters/store/backtest-store";
import type { BacktestSpec } from "../../lib/backtest/spec";
import type { Metrics } from "../../lib/metrics/types";
import { BACKTEST_QUEUE, waitForBacktestTurn } from "../../adapters/store/backtest-queue";
import { engineConfig } from "../context";
import { ApiError } from "../errors";

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
export function backtestView(row: BacktestRow) {
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
 * The engine's `cooperate` for a run inside a request: a zero timer lets the isolate serve other requests between
 * decisions (a run with regime fits held every other call up to 14 s before), and every 200th call renews the run's
 * place in the queue.
 */
function yieldingEvery(renew: () => Promise<void>): () => Promise<void> {
  let calls = 0;
  return async () => {
    if (++calls % 200 === 0) await renew();
    await new Promise((r) => setTimeout(r, 0));
  };
}

/**
 * Runs a backtest on the candles and funding rates stored in D1 with the worker's engine config and stores
 * it (POST /api/backtests, the MCP `run_backtest` tool). Answers the stored run without its trades and
 * equity curve; a refusal is an ApiError (400 too many symbols, 422 too much work or no candles, a failed run 422/500).
 */
export async function runBacktestUseCase(env: Env, spec: BacktestSpec) {
  if (spec.symbols.length > BACKTEST_LIMITS.maxSymbols) throw new ApiError(400, "invalid_body", `invalid request body: symbols: at most ${BACKTEST_LIMITS.maxSymbols} symbols per run`);
  const cfg = engineConfig(env);
  const turn = await waitForBacktestTurn(env.DB, cfg.portfolio, crypto.randomUUID());
  if (turn.kind === "full") {
    throw new ApiError(429, "backtest_queue_full", `${turn.queued} backtests are running or waiting for this portfolio (at most ${BACKTEST_QUEUE.maxQueued}): try again when one has finished`, {
      queued: turn.queued,
    });
  }
  if (turn.kind === "timeout") {
    throw new ApiError(429, "backtest_busy", `waited ${BACKTEST_QUEUE.maxWaitMs / 1000} s for the backtests ahead (${turn.ahead} still running or waiting): try again later`, { ahead: turn.ahead });
  }
  let out: Awaited<ReturnType<typeof runStoredBacktest>>;
  try {
    out = await runStoredBacktest(env.DB, spec, cfg, { cooperate: yieldingEvery(turn.renew) });
  } finally {
    await turn.release();
  }
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
  const { trades: _trades, equity: _equity, ...summary } = backtestView(out.row);
  return summary;
}

/** One stored run in full; 404 when there is none. */
export async function readBacktest(env: Env, id: string) {
  const row = await getBacktest(env.DB, id);
  if (!row) throw new ApiError(404, "not_found", `no backtest ${id}`);
  return backtestView(row);
}

/** Stored runs, newest first, with their headline metrics; `next_cursor` pages on. */
export async function listBacktestViews(env: Env, q: { limit: number; cursor?: string | undefined }) {
  const rows = await listBacktests(env.DB, { limit: q.limit, cursor: q.cursor });
  const backtests = rows.map((row) => {
    const metrics = parsed<Metrics>(row.metrics_json);
    return {
      ...common(row),
      trade_count: metrics?.tradeCount ?? null,
      metrics: metrics ? Object.fromEntries(HEADLINE.map((k) => [k, metrics[k]])) : null,
    };
  });
  return { backtests, next_cursor: rows.length === q.limit ? rows[rows.length - 1]!.id : null };
}
