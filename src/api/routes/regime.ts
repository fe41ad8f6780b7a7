import { z } from "zod";
import { routes } from "../contract";
import { actors } from "../context";

const RegimeResponse = z.looseObject({ now: z.number(), tickers: z.array(z.looseObject({ symbol: z.string() })) });

/** The regime of every configured ticker now (trend, volatility, HMM state, macro quadrant). */
export const regimeRoutes = routes("/api/regime", "regime", "Market regimes now").get(
  { path: "/", scope: "read", portfolio: true, summary: "The regime of every configured ticker", response: RegimeResponse },
  async (c, { portfolio }) => c.json(await actors(c.env, portfolio).gate.regimes()),
);
