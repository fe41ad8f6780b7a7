import { z } from "zod";
import { listFunding, upsertFunding } from "../../adapters/store/funding-store";
import { MarketSymbolSchema } from "../../lib/config";
import { routes } from "../contract";
import { checkRange, rangeQuery } from "../context";

/** Settlement rows one PUT may carry (six years of 8-hourly settlements fit in two). */
export const MAX_FUNDING_PER_PUT = 5_000;
const MAX_PUT_BYTES = 1_000_000;

const FundingRowSchema = z.tuple([
  z.number().int("t must be an integer (epoch ms)").nonnegative(),
  z.number().refine((r) => Math.abs(r) < 1, "rate is a fraction per funding interval (0.0001 = 0.01 %): |rate| must be below 1"),
]);

const PutFundingBody = z
  .strictObject({
    symbol: MarketSymbolSchema,
    rates: z.array(FundingRowSchema).min(1).max(MAX_FUNDING_PER_PUT, `at most ${MAX_FUNDING_PER_PUT} settlements per request; send more in several`),
  })
  .superRefine((b, ctx) => {
    if (!Array.isArray(b.rates)) return;
    for (let i = 1; i < b.rates.length; i++) {
      if (b.rates[i]![0] <= b.rates[i - 1]![0]) {
        ctx.addIssue({ code: "custom", path: ["rates", i], message: `t ${b.rates[i]![0]} is not after the previous row's ${b.rates[i - 1]![0]}: rows go in ascending t, each t once` });
        return;
      }
    }
  });

const FundingQuery = z.strictObject({
  symbol: MarketSymbolSchema,
  ...rangeQuery(MAX_FUNDING_PER_PUT),
});

/**
 * Settled USD-M funding rates stored for backtests, as `[t, rate]` rows (t = settlement time, epoch ms;
 * rate per interval): upsert a checked batch of one symbol; read them back oldest first.
 */
export const fundingRoutes = routes("/api/funding", "funding", "Funding rates stored for backtests")
  .put(
    {
      path: "/",
      scope: "trade",
      summary: "Upsert a checked batch of settled funding rates of one symbol",
      description: `Rows \`[t, rate]\` (settlement time, epoch ms; rate per interval as a fraction), ascending t, at most ${MAX_FUNDING_PER_PUT} per request.`,
      body: PutFundingBody,
      bodyLimit: MAX_PUT_BYTES,
      response: z.object({ symbol: z.string(), received: z.number(), inserted: z.number(), updated: z.number(), from: z.number(), to: z.number() }),
    },
    async (c, { body }) => {
      const { inserted, updated } = await upsertFunding(c.env.DB, body.symbol, body.rates);
      return c.json({ symbol: body.symbol, received: body.rates.length, inserted, updated, from: body.rates[0]![0], to: body.rates[body.rates.length - 1]![0] });
    },
  )
  .get(
    {
      path: "/",
      scope: "read",
      summary: "Stored funding rates of a symbol, oldest first",
      query: FundingQuery,
      response: z.object({ symbol: z.string(), count: z.number(), rates: z.array(z.array(z.number())) }),
    },
    async (c, { query: q }) => {
      checkRange(q);
      const rates = await listFunding(c.env.DB, { symbol: q.symbol, from: q.from, to: q.to, limit: q.limit });
      return c.json({ symbol: q.symbol, count: rates.length, rates });
    },
  );
