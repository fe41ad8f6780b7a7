import { z } from "zod";
import { MarketSymbolSchema } from "../../lib/config";
import { executionSettings } from "../../lib/execution/mode";
import { BinanceRest, ExchangeRestError } from "../../adapters/exchange/binance-rest";
import { exchangeSymbol } from "../../actors/names";
import { routes } from "../contract";
import { actors, engineConfig, VENUE } from "../context";
import { ApiError } from "../errors";

const StartSchema = z.strictObject({
  symbols: z.array(MarketSymbolSchema).min(1).max(20).optional(),
  initialCash: z.number().positive().max(1e12).optional(),
  decider: z.enum(["auto", "claude", "rule", "replay"]).optional(),
});

const StartResponse = z.object({
  portfolio: z.string(),
  symbols: z.array(z.string()),
  execution: z.object({ mode: z.string(), broker: z.string(), target: z.string().nullable() }),
  decider: z.string(),
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
 * Starts the portfolio: account with its cash, gate with its symbols, one ticker per symbol.
 * Idempotent: calling it again resumes feeds and keeps the existing book.
 */
export const engineRoutes = routes("/api/engine", "engine", "Start and stop the portfolio's feeds and actors")
  .post(
    {
      path: "/start",
      scope: "trade",
      summary: "Start (or resume) the portfolio",
      description: "Account with its cash, gate with its symbols, one ticker per symbol. Idempotent: again resumes feeds and keeps the book.",
      body: StartSchema,
      response: StartResponse,
      errors: {
        400: "a symbol the exchange does not list or does not trade now (unknown_symbol): nothing was changed",
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
    // Validate before anything changes: a symbol the venue does not trade would leave the account and gate switched
    // while the feeds cannot start.
    await requireListed(new BinanceRest(restUrl.replace(/\/$/, ""), undefined, cfg.exchange.restTimeoutMs), symbols);
    const a = actors(c.env);
    const account = await a.account.init({ portfolio: a.portfolio, venue: VENUE, restUrl, symbols, initialCash: body.initialCash ?? cfg.initialCash });
    const gate = await a.gate.configure({ portfolio: a.portfolio, venue: VENUE, symbols, ...(body.decider ? { decider: body.decider } : {}) });
    const futuresRestUrl = c.env.FUTURES_REST_URL ?? restUrl;
    const feeds = await Promise.all(symbols.map((symbol) => a.ticker(symbol).start({ portfolio: a.portfolio, venue: VENUE, symbol, feedWsUrl, restUrl, futuresRestUrl })));
    // After the tickers: their bootstrapped daily history is what the quant ranker first trains on.
    await a.learner.configure({ portfolio: a.portfolio, venue: VENUE, symbols });
    return c.json({ portfolio: a.portfolio, symbols, execution: { mode: execution.mode, broker: execution.broker, target: execution.target }, decider: gate.llm.decider, account: { cash: account.cash, equity: account.equity }, gate: { configured: gate.configured }, feeds: feeds.map((f) => ({ symbol: f.symbol, status: f.feed.status, candles: f.candles })) });
    },
  )
  .post({ path: "/stop", scope: "trade", summary: "Stop the feeds (and the user-data stream)", body: z.strictObject({}), response: z.object({ stopped: z.array(z.string()) }) }, async (c) => {
    const a = actors(c.env);
    const gate = await a.gate.status();
    await Promise.all(gate.symbols.map((s) => a.ticker(s).stop()));
    // The user-data stream closes with the feeds (positions keep polling their orders).
    await a.account.stopUserStream();
    return c.json({ stopped: gate.symbols });
  });
