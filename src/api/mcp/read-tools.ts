import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ControlsView } from "../../actors/account-actor";
import type { Env } from "../../env";
import { getDecision, listDecisions, listGateEvents, listPositions, listTrades } from "../../adapters/store/history-queries";
import { BacktestSpecSchema } from "../../lib/backtest/spec";
import { MarketSymbolSchema } from "../../lib/config";
import { actors, engineConfig } from "../context";
import { ApiError } from "../errors";
import { readBacktest, runBacktestUseCase } from "../use-cases/backtests";
import { expandDecision } from "../use-cases/decisions";
import { llmUsage } from "../use-cases/llm";
import { comparePortfolios } from "../use-cases/portfolios";
import { engineStatus } from "../use-cases/status";
import { hasScope, type Principal } from "../scopes";
import { runTool, toolError } from "./tool-result";

const limit = (max: number, dflt: number) => z.number().int().min(1).max(max).default(dflt).describe(`rows at most (1–${max}, default ${dflt})`);
const before = z.number().int().nonnegative().optional().describe("only rows older than this time (epoch ms): the time of the last row of the previous page");
const READ = { readOnlyHint: true, destructiveHint: false, openWorldHint: false } as const;

/** The engine's open book: the account's positions, none before the engine starts. */
async function openPositions(env: Env) {
  const a = actors(env);
  return (await a.gate.status()).configured ? (await a.account.summary()).positions : [];
}

/** The read tools (any token): the same actor RPCs, D1 history queries and use cases as the API's GET routes. */
export function registerReadTools(server: McpServer, env: Env, principal: Principal): void {
  const portfolio = () => actors(env).portfolio;

  server.registerTool(
    "status",
    {
      title: "Engine status",
      description:
        "Everything at a glance (as GET /api/status): execution mode, clock, account (cash, equity, exposure, trading state, open positions), feeds, gate, learner, reconciliation and the durable backlog.",
      inputSchema: z.strictObject({}),
      annotations: READ,
    },
    () => runTool("status", () => engineStatus(env)),
  );

  server.registerTool(
    "positions",
    {
      title: "Positions",
      description: "`open`: the account's live book (pending and open positions, with entry, size, stops). `recent`: positions from the history, newest first, filtered by status.",
      inputSchema: z.strictObject({
        status: z.enum(["open", "pending_entry", "exiting", "closed", "failed", "all"]).default("all").describe("status filter of `recent`"),
        limit: limit(200, 20),
        before,
      }),
      annotations: READ,
    },
    (q) =>
      runTool("positions", async () => ({
        open: await openPositions(env),
        recent: await listPositions(env.DB, { portfolio: portfolio(), limit: q.limit, before: q.before, status: q.status === "all" ? undefined : q.status }),
      })),
  );

  server.registerTool(
    "trades",
    {
      title: "Closed trades",
      description: "Closed round trips, newest first: entry and exit, P&L, fees, exit reason.",
      inputSchema: z.strictObject({ symbol: MarketSymbolSchema.optional().describe("only this symbol, e.g. BTC/USDT"), limit: limit(200, 20), before }),
      annotations: READ,
    },
    (q) => runTool("trades", async () => ({ trades: await listTrades(env.DB, { portfolio: portfolio(), limit: q.limit, before: q.before, symbol: q.symbol }) })),
  );

  server.registerTool(
    "decisions",
    {
      title: "Decisions",
      description:
        "The decision log, newest first: trigger, decider, parsed decision with its reasoning, clamps, outcome, tokens and cost. With `id`, one decision in full, with its market snapshot and raw answer.",
      inputSchema: z.strictObject({
        id: z
          .string()
          .regex(/^[a-zA-Z0-9-]{1,80}$/, "decision ids look like main-d12")
          .optional()
          .describe("one decision (main-d12) or position review (<position>-r3)"),
        kind: z.enum(["decision", "review", "all"]).default("decision").describe("decisions, position reviews, or both"),
        limit: limit(100, 10),
        before,
      }),
      annotations: READ,
    },
    (q) =>
      runTool("decisions", async () => {
        if (q.id !== undefined) {
          const row = await getDecision(env.DB, portfolio(), q.id);
          if (!row) throw new ApiError(404, "not_found", `no decision ${q.id}`);
          return { decision: expandDecision(row) };
        }
        return { decisions: (await listDecisions(env.DB, { portfolio: portfolio(), limit: q.limit, before: q.before, kind: q.kind === "all" ? undefined : q.kind })).map(expandDecision) };
      }),
  );

  server.registerTool(
    "why_not",
    {
      title: "Why didn't it trade?",
      description:
        "The gate's verdict counts by key (open:<layer> a decision ran, held:<layer> held by single-flight or cooldown, skip:<reason> no reason to decide), its recent verdicts, its state (in flight, next check, cooldown), why the account refuses entries now (pause, kill switch, halt, cooldowns), and the recorded gate events.",
      inputSchema: z.strictObject({ opened_only: z.boolean().default(false).describe("only the events that opened the gate"), limit: limit(200, 20), before }),
      annotations: READ,
    },
    (q) =>
      runTool("why_not", async () => {
        const a = actors(env);
        const [gate, controls, events] = await Promise.all([
          a.gate.status(),
          a.account.controls() as Promise<ControlsView | null>,
          listGateEvents(env.DB, { portfolio: a.portfolio, limit: q.limit, before: q.before, openedOnly: q.opened_only }),
        ]);
        return {
          configured: gate.configured,
          stopped: gate.stopped,
          now: gate.now,
          decisions: gate.decisions,
          counts: gate.counts,
          recentVerdicts: gate.recent,
          state: gate.state,
          lastTickAgoMs: gate.lastTickAgoMs,
          account: controls ? { tradingState: controls.tradingState, entriesRefused: controls.entriesRefused, paused: controls.paused, kill: controls.kill, cooldowns: controls.cooldowns } : null,
          events,
        };
      }),
  );

  server.registerTool(
    "regime",
    {
      title: "Market regime",
      description: "The current regime (trend, volatility, range, macro) of every configured symbol, or of one.",
      inputSchema: z.strictObject({ symbol: MarketSymbolSchema.optional().describe("one symbol, e.g. BTC/USDT") }),
      annotations: READ,
    },
    (q) =>
      runTool("regime", async () => {
        const r = await actors(env).gate.regimes();
        if (q.symbol === undefined) return r;
        const one = r.tickers.find((t) => t.symbol === q.symbol);
        if (!one)
          throw new ApiError(
            404,
            "not_found",
            `${q.symbol} is not a configured symbol${r.tickers.length ? ` (configured: ${r.tickers.map((t) => t.symbol).join(", ")})` : "; the engine is not started"}`,
          );
        return { now: r.now, tickers: [one] };
      }),
  );

  server.registerTool(
    "learner_weights",
    {
      title: "Learner weights",
      description: "The learner's signal-agent weights (Thompson sampling): the mean of its posteriors and one seeded sample, globally or for one regime, as GET /api/learner/weights.",
      inputSchema: z.strictObject({
        regime: z
          .string()
          .regex(/^[a-z_]{1,40}$/, "regime keys look like trending_up")
          .optional()
          .describe("a regime key, e.g. trending_up"),
        seed: z.string().max(64).default("api").describe("seed of the sample"),
      }),
      annotations: READ,
    },
    (q) =>
      runTool("learner_weights", async () => ({
        regime: q.regime ?? null,
        ...(await actors(env).learner.weights({ regime: q.regime ?? null, seed: q.seed, defaults: engineConfig(env).synthesizer.defaultWeights })),
      })),
  );

  server.registerTool(
    "llm_usage",
    {
      title: "Claude usage",
      description: "Claude's decider, model, circuit breaker, tokens and USD spent today and per UTC day, against the daily budget.",
      inputSchema: z.strictObject({}),
      annotations: READ,
    },
    () => runTool("llm_usage", () => llmUsage(env)),
  );

  server.registerTool(
    "portfolios",
    {
      title: "Portfolios side by side",
      description:
        "Every portfolio started here (as GET /api/portfolios), each with its decider settings (decider, prompt version, model, daily budget) and its figures: return %, max drawdown %, trades, decisions, Claude calls, cost USD per day.",
      inputSchema: z.strictObject({}),
      annotations: READ,
    },
    () => runTool("portfolios", () => comparePortfolios(env)),
  );

  server.registerTool(
    "run_backtest",
    {
      title: "Run a backtest",
      description:
        'Needs the trade scope. Runs a backtest on the candles stored in D1 with the rule decider and stores it (as POST /api/backtests); answers its id, metrics and stats (trades and equity with backtest_result). E.g. {strategy: "regime-blend", symbols: ["BTC/USDT"], timeframe: "1d", from: "2023-01-01", to: "2024-01-01"}; strategy "pipeline" runs every agent.',
      inputSchema: BacktestSpecSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    // As POST /api/backtests: a run writes a row and takes the CPU, so it needs the trade scope.
    (spec) =>
      hasScope(principal.scope, "trade")
        ? runTool("run_backtest", () => runBacktestUseCase(env, spec))
        : toolError(`run_backtest needs the trade scope (as POST /api/backtests); this token (${principal.name}) has ${principal.scope}`),
  );

  server.registerTool(
    "backtest_result",
    {
      title: "Backtest result",
      description: "One stored backtest: spec, status, metrics and stats; its trades and (downsampled) equity curve when asked.",
      inputSchema: z.strictObject({
        id: z.string().regex(/^bt-\d{13}-[0-9a-f]{8}$/, "backtest ids look like bt-1767225600000-1a2b3c4d"),
        include_trades: z.boolean().default(false),
        include_equity: z.boolean().default(false),
      }),
      annotations: READ,
    },
    (q) =>
      runTool("backtest_result", async () => {
        const { trades, equity, ...run } = await readBacktest(env, q.id);
        return { ...run, ...(q.include_trades ? { trades } : {}), ...(q.include_equity ? { equity } : {}) };
      }),
  );
}
