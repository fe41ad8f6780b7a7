import { z } from "zod";
import { routes } from "../contract";
import { engineStatus } from "../use-cases/status";

const StatusResponse = z.looseObject({
  portfolio: z.string(),
  mode: z.enum(["paper", "testnet", "live"]),
  execution: z.looseObject({ mode: z.string(), broker: z.string(), target: z.string().nullable(), error: z.string().nullable() }),
  clock: z.object({ mode: z.enum(["feed", "wall"]), now: z.number() }),
  account: z.looseObject({ cash: z.number(), equity: z.number(), tradingState: z.string(), positions: z.array(z.looseObject({ id: z.string() })) }).nullable(),
  feeds: z.array(z.looseObject({ symbol: z.string(), status: z.string(), lastPrice: z.number().nullable() })),
  gate: z.looseObject({ decisions: z.number(), counts: z.record(z.string(), z.number()) }),
  learner: z.looseObject({}),
  reconciliation: z.unknown(),
  backlog: z.looseObject({ mailPending: z.number(), historyPending: z.number(), deadLetters: z.number(), quarantined: z.number(), actors: z.array(z.looseObject({ name: z.string() })) }),
});

/** Everything at a glance: account, feeds, gate, learner, and the backlog of durable work (src/api/use-cases/status.ts, shared with MCP). */
export const statusRoutes = routes("/api/status", "status", "The engine at a glance").get(
  { path: "/", scope: "read", portfolio: true, summary: "Account, feeds, gate, learner and the durable backlog", response: StatusResponse },
  async (c, { portfolio }) => c.json(await engineStatus(c.env, portfolio)),
);
