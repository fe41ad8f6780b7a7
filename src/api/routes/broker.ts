import { z } from "zod";
import { actorName } from "../../actors/names";
import { executionSettings } from "../../lib/execution/mode";
import { routes } from "../contract";
import { actors } from "../context";

/** The seed's `/broker/status`: who fills orders and how the link to the exchange is doing (no secrets). */
export const brokerRoutes = routes("/api/broker", "broker", "The broker and the exchange link").get(
  {
    path: "/status",
    scope: "read",
    portfolio: true,
    summary: "Execution mode, broker, credentials present, user-data stream and the last reconciliation",
    response: z.object({
      mode: z.string(),
      broker: z.enum(["paper", "exchange"]),
      target: z.string().nullable(),
      ready: z.boolean(),
      error: z.string().nullable(),
      credentials: z.object({ apiKey: z.boolean(), apiSecret: z.boolean() }).describe("whether the secrets are set; never their values"),
      userStream: z.unknown().nullable(),
      reconciliation: z.unknown().nullable(),
      feeds: z.array(z.object({ symbol: z.string().nullable(), status: z.string(), restRejected: z.record(z.string(), z.number()) })),
    }),
  },
  async (c, { portfolio }) => {
    const a = actors(c.env, portfolio);
    const execution = executionSettings(c.env);
    const gate = await a.gate.status();
    const [reconciliation, userStream, feeds] = await Promise.all([
      gate.configured ? a.account.reconciliation() : Promise.resolve(null),
      execution.broker === "exchange" ? c.env.USER_STREAM.getByName(actorName.userStream(a.portfolio)).status() : Promise.resolve(null),
      Promise.all(gate.symbols.map((s) => a.ticker(s).status())),
    ]);
    return c.json({
      mode: execution.mode,
      broker: execution.broker,
      target: execution.target,
      ready: execution.error === null,
      error: execution.error,
      credentials: { apiKey: Boolean(c.env.BINANCE_API_KEY), apiSecret: Boolean(c.env.BINANCE_API_SECRET) },
      userStream,
      reconciliation,
      feeds: feeds.map((f) => ({ symbol: f.symbol, status: f.feed.status, restRejected: f.feed.restRejected ?? {} })),
    });
  },
);
