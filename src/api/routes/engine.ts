import { z } from "zod";
import { MarketSymbolSchema } from "../../lib/config";
import { executionSettings } from "../../lib/execution/mode";
import { BinanceRest, ExchangeRestError } from "../../adapters/exchange/binance-rest";
import { exchangeSymbol } from "../../actors/names";
import { DeciderSettingsSchema } from "../../lib/decide/decider-settings";
import { routes } from "../contract";
import { actors, engineConfig, VENUE } from "../context";
import { ApiError } from "../errors";
import { hasScope } from "../scopes";
import { listPortfolios, portfolioStarted } from "../../adapters/store/portfolio-queries";
import { PortfolioNameSchema } from "../portfolio-param";

const settings = DeciderSettingsSchema.shape;
const StartSchema = z.strictObject({
  portfolio: PortfolioNameSchema.optional().describe("the portfolio to start (created at its first start; more than one run side by side on the same feeds); the configured one when not given"),
  symbols: z.array(MarketSymbolSchema).min(1).max(20).optional(),
  initialCash: z.number().positive().max(1e12).optional(),
  decider: settings.decider.describe("this portfolio's decider; the config's llm.decider when not given"),
  promptVersion: settings.promptVersion.describe("this portfolio's Claude prompt version (GET /api/portfolios lists the known ones); the current one when not given"),
  model: settings.model.describe("this portfolio's Claude model, one with a price in the config's llm.prices; the config's llm.model when not given"),
  dailyBudgetUsd: settings.dailyBudgetUsd.describe("this portfolio's daily Claude budget in USD; the config's llm.dailyBudgetUsd when not given"),
  maxCallsPerDay: settings.maxCallsPerDay.describe("this portfolio's Claude calls a UTC day, reviews included; the config's llm.maxCallsPerDay (12) when not given"),
});

const StartResponse = z.object({
  portfolio: z.string(),
  symbols: z.array(z.string()),
  execution: z.object({ mode: z.string(), broker: z.string(), target: z.string().nullable() }),
  decider: z.string(),
  promptVersion: z.string(),
  model: z.string(),
  dailyBudgetUsd: z.number(),
  account: z.object({ cash: z.number(), equity: z.number() }),
  gate: z.object({ configured: z.boolean() }),
  feeds: z.array(z.object({ symbol: z.string(), status: z.string(), candles: z.unknown() })),
});

/** Throws a 400 naming every symbol the venue does not list or does not trade now; a 502 when it cannot be asked. */
async function requireListed(rest: BinanceRest, symbols: string[]): Promise<void> {
  let statuses: (string | null)[];
  try {
    statuses = await Promise.all(symbols.map((s) => rest.symbolStatus(exchangeSymbol(s))));
  } catch (err) {
    const why = err instanceof ExchangeRestError ? err.message : String(err);
    throw new ApiError(502, "exchange_unavailable", `could not check the symbols with the exchange (${why}); nothing was changed`);
  }
  const refused = symbols.flatMap((s, i) => (statuses[i] === "TRADING" ? [] : [`${s} (${statuses[i] === null ? "not listed" : `status ${statuses[i]}`})`]));
  if (refused.length > 0) throw new ApiError(400, "unknown_symbol", `the exchange does not trade ${refused.join(", ")}; nothing was changed`, { symbols: refused });
}

/**
 * Starts a portfolio (`portfolio`, else the configured one): account with its cash, gate with its symbols and its own
 * decider settings, one ticker per symbol (shared by every portfolio on that symbol). Idempotent: calling it again
 * resumes feeds and keeps the existing book; the decider settings are the ones given now.
 */
export const engineRoutes = routes("/api/engine", "engine", "Start and stop the portfolios' feeds and actors")
  .post(
    {
      path: "/start",
      scope: "trade",
      summary: "Start (or resume) a portfolio",
      description:
        "Account with its cash, gate with its symbols and decider settings (decider, prompt version, model, daily budget), one ticker per symbol, shared with any other portfolio on it. Idempotent: again resumes feeds and keeps the book; the decider settings are the ones given now.",
      body: StartSchema,
      response: StartResponse,
      errors: {
        400: "a symbol the exchange does not list or does not trade now (unknown_symbol), a model without a configured price (unknown_model): nothing was changed",
        403: "a daily budget or call cap above the config's without the admin scope (forbidden): nothing was changed",
        409: "another portfolio than the configured one with the exchange broker (exchange_account_shared): it would share the exchange account; a new portfolio past maxPortfolios (too_many_portfolios)",
        502: "the exchange could not be asked whether it lists the symbols (exchange_unavailable): nothing was changed",
        503: "the execution mode may not run (execution_refused) or the feed is not configured (feed_not_configured)",
      },
    },
    async (c, { body }) => {
      const execution = executionSettings(c.env);
      if (execution.error) throw new ApiError(503, "execution_refused", execution.error);
      const cfg = engineConfig(c.env);
      const feedWsUrl = c.env.FEED_WS_URL;
      const restUrl = c.env.EXCHANGE_REST_URL;
      if (!feedWsUrl || !restUrl) throw new ApiError(503, "feed_not_configured", "FEED_WS_URL and EXCHANGE_REST_URL must be set");
      const symbols = body.symbols ?? cfg.symbols;
      if (execution.broker === "exchange" && body.portfolio !== undefined && body.portfolio !== cfg.portfolio) {
        // Each account reconciles the exchange account's balances as its own: a second portfolio's trades would read as
        // differences nobody explains (REDUCING). Side by side, the other portfolios trade on paper.
        throw new ApiError(
          409,
          "exchange_account_shared",
          `only the configured portfolio (${cfg.portfolio}) trades on the exchange: "${body.portfolio}" would share its exchange account and balances; run portfolios side by side with EXECUTION_MODE=paper`,
        );
      }
      // Spending more than the deployment's config allows is an administrator's call, not an operator's.
      const raises = [
        body.dailyBudgetUsd !== undefined && body.dailyBudgetUsd > cfg.llm.dailyBudgetUsd ? `dailyBudgetUsd ${body.dailyBudgetUsd} > ${cfg.llm.dailyBudgetUsd}` : null,
        body.maxCallsPerDay !== undefined && body.maxCallsPerDay > cfg.llm.maxCallsPerDay ? `maxCallsPerDay ${body.maxCallsPerDay} > ${cfg.llm.maxCallsPerDay}` : null,
      ].filter((x): x is string => x !== null);
      if (raises.length > 0 && !hasScope(c.get("principal")?.scope ?? "read", "admin")) {
        throw new ApiError(403, "forbidden", `raising Claude's limits above the config (${raises.join(", ")}) needs the admin scope; nothing was changed`);
      }
      if (body.portfolio !== undefined && body.portfolio !== cfg.portfolio && !(await portfolioStarted(c.env.DB, body.portfolio))) {
        // Every portfolio adds a gate to every tick of its symbols and its own Claude budget: their number is bounded.
        const started = await listPortfolios(c.env.DB);
        if (started.length >= cfg.maxPortfolios) {
          throw new ApiError(409, "too_many_portfolios", `at most ${cfg.maxPortfolios} portfolios (config maxPortfolios); started: ${started.map((p) => p.name).join(", ")}; nothing was changed`);
        }
      }
      if (body.model !== undefined && !cfg.llm.prices[body.model]) {
        throw new ApiError(
          400,
          "unknown_model",
          `no price is configured for model "${body.model}" (its cost could not be governed); priced: ${Object.keys(cfg.llm.prices).join(", ")}; nothing was changed`,
        );
      }
      // Validate before anything changes: a symbol the venue does not trade would leave the account and gate switched
      // while the feeds cannot start.
      await requireListed(new BinanceRest(restUrl.replace(/\/$/, ""), undefined, cfg.exchange.restTimeoutMs), symbols);
      const a = actors(c.env, body.portfolio);
      const account = await a.account.init({ portfolio: a.portfolio, venue: VENUE, restUrl, symbols, initialCash: body.initialCash ?? cfg.initialCash });
      const gate = await a.gate.configure({
        portfolio: a.portfolio,
        venue: VENUE,
        symbols,
        ...(body.decider ? { decider: body.decider } : {}),
        ...(body.promptVersion ? { promptVersion: body.promptVersion } : {}),
        ...(body.model ? { model: body.model } : {}),
        ...(body.dailyBudgetUsd !== undefined ? { dailyBudgetUsd: body.dailyBudgetUsd } : {}),
        ...(body.maxCallsPerDay !== undefined ? { maxCallsPerDay: body.maxCallsPerDay } : {}),
      });
      const futuresRestUrl = c.env.FUTURES_REST_URL ?? restUrl;
      const feeds = await Promise.all(symbols.map((symbol) => a.ticker(symbol).start({ portfolio: a.portfolio, venue: VENUE, symbol, feedWsUrl, restUrl, futuresRestUrl }))).catch(async (err) => {
        // Without its feeds the gate's watchdog would force a decision every few minutes: it stays stopped.
        await a.gate.stop();
        throw err;
      });
      // After the tickers: their bootstrapped daily history is what the quant ranker first trains on.
      await a.learner.configure({ portfolio: a.portfolio, venue: VENUE, symbols });
      return c.json({
        portfolio: a.portfolio,
        symbols,
        execution: { mode: execution.mode, broker: execution.broker, target: execution.target },
        decider: gate.llm.decider,
        promptVersion: gate.llm.promptVersion,
        model: gate.llm.model,
        dailyBudgetUsd: gate.llm.dailyBudgetUsd,
        account: { cash: account.cash, equity: account.equity },
        gate: { configured: gate.configured },
        feeds: feeds.map((f) => ({ symbol: f.symbol, status: f.feed.status, candles: f.candles })),
      });
    },
  )
  .post(
    {
      path: "/stop",
      scope: "trade",
      portfolio: true,
      summary: "Stop a portfolio's feeds, its decisions and the user-data stream",
      description:
        "The portfolio leaves its feeds; a feed another portfolio is on goes on for it (`shared`). Its gate opens no decision (and asks no model) until the next start; open positions keep their safety stops.",
      body: z.strictObject({}),
      response: z.object({ portfolio: z.string(), stopped: z.array(z.string()), shared: z.array(z.object({ symbol: z.string(), portfolios: z.array(z.string()) })) }),
    },
    async (c, { portfolio }) => {
      const a = actors(c.env, portfolio);
      const gate = await a.gate.status();
      await a.gate.stop();
      const left = await Promise.all(gate.symbols.map(async (symbol) => ({ symbol, ...(await a.ticker(symbol).stop(a.portfolio)) })));
      // The user-data stream closes with the feeds (positions keep polling their orders).
      await a.account.stopUserStream();
      return c.json({ portfolio: a.portfolio, stopped: gate.symbols, shared: left.filter((f) => !f.feedStopped).map((f) => ({ symbol: f.symbol, portfolios: f.subscribers })) });
    },
  );
