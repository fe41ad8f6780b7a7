import { Hono } from "hono";
import { z } from "zod";
import { MarketSymbolSchema } from "../../lib/config";
import { executionSettings } from "../../lib/execution/mode";
import { actors, engineConfig, VENUE, type AppEnv } from "../context";
import { ApiError } from "../errors";
import { parseBody } from "../validate";

const StartSchema = z.strictObject({
  symbols: z.array(MarketSymbolSchema).min(1).max(20).optional(),
  initialCash: z.number().positive().max(1e12).optional(),
  decider: z.enum(["auto", "claude", "rule", "replay"]).optional(),
});

/**
 * Starts the portfolio: account with its cash, gate with its symbols, one ticker per symbol.
 * Idempotent: calling it again resumes feeds and keeps the existing book.
 */
export const engineRoutes = new Hono<AppEnv>()
  .post("/engine/start", async (c) => {
    const body = await parseBody(c, StartSchema);
    const execution = executionSettings(c.env);
    if (execution.error) throw new ApiError(503, "execution_refused", execution.error);
    const cfg = engineConfig(c.env);
    const feedWsUrl = c.env.FEED_WS_URL;
    const restUrl = c.env.EXCHANGE_REST_URL;
    if (!feedWsUrl || !restUrl) throw new ApiError(503, "feed_not_configured", "FEED_WS_URL and EXCHANGE_REST_URL must be set");
    const symbols = body.symbols ?? cfg.symbols;
    const a = actors(c.env);
    const account = await a.account.init({ portfolio: a.portfolio, venue: VENUE, restUrl, symbols, initialCash: body.initialCash ?? cfg.initialCash });
    const gate = await a.gate.configure({ portfolio: a.portfolio, venue: VENUE, symbols, ...(body.decider ? { decider: body.decider } : {}) });
    const futuresRestUrl = c.env.FUTURES_REST_URL ?? restUrl;
    const feeds = await Promise.all(symbols.map((symbol) => a.ticker(symbol).start({ portfolio: a.portfolio, venue: VENUE, symbol, feedWsUrl, restUrl, futuresRestUrl })));
    // After the tickers: their bootstrapped daily history is what the quant ranker first trains on.
    await a.learner.configure({ portfolio: a.portfolio, venue: VENUE, symbols });
    return c.json({ portfolio: a.portfolio, symbols, execution: { mode: execution.mode, broker: execution.broker, target: execution.target }, decider: gate.llm.decider, account: { cash: account.cash, equity: account.equity }, gate: { configured: gate.configured }, feeds: feeds.map((f) => ({ symbol: f.symbol, status: f.feed.status, candles: f.candles })) });
  })
  .post("/engine/stop", async (c) => {
    const a = actors(c.env);
    const gate = await a.gate.status();
    await Promise.all(gate.symbols.map((s) => a.ticker(s).stop()));
    return c.json({ stopped: gate.symbols });
  });
