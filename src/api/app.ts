import { Hono } from "hono";
import { bearerAuth } from "./auth";
import type { AppEnv } from "./context";
import type { RouteGroup } from "./contract";
import { notFound, onError } from "./errors";
import { backtestRoutes } from "./routes/backtests";
import { candleRoutes } from "./routes/candles";
import { controlRoutes } from "./routes/controls";
import { decisionRoutes } from "./routes/decisions";
import { docsRoutes } from "./routes/docs";
import { engineRoutes } from "./routes/engine";
import { equityRoutes } from "./routes/equity";
import { fundingRoutes } from "./routes/funding";
import { gateRoutes } from "./routes/gate";
import { healthRoutes } from "./routes/health";
import { llmRoutes } from "./routes/llm";
import { learnerRoutes } from "./routes/learner";
import { strategyRoutes } from "./routes/strategies";
import { orderRoutes } from "./routes/orders";
import { positionRoutes } from "./routes/positions";
import { regimeRoutes } from "./routes/regime";
import { signalRoutes } from "./routes/signals";
import { statusRoutes } from "./routes/status";
import { streamRoutes } from "./routes/stream";
import { streamTicketRoutes } from "./routes/stream-ticket";
import { telegramRoutes } from "./routes/telegram";
import { tokenRoutes } from "./routes/tokens";
import { tradeRoutes } from "./routes/trades";
import { portfolioRoutes } from "./routes/portfolios";
import { episodeRoutes } from "./routes/episodes";
import { brokerRoutes } from "./routes/broker";
import { chartRoutes } from "./routes/chart";
import { quantRoutes } from "./routes/quant";
import { riskRoutes } from "./routes/risk";
import { mcpRoutes } from "./mcp/route";

/**
 * The route map: every group at its own prefix, each route declaring its scope and schemas
 * (src/api/contract.ts). GET /openapi.json documents exactly these.
 */
export const API_GROUPS: readonly RouteGroup[] = [
  statusRoutes, //        /api/status              read
  engineRoutes, //        /api/engine/start|stop   trade
  portfolioRoutes, //     /api/portfolios          read (every portfolio side by side)
  positionRoutes, //      /api/positions           read; exits: trade
  orderRoutes, //         /api/orders              read
  controlRoutes, //       /api/controls            read; pause, resume, kill: trade
  tradeRoutes, //         /api/trades              read
  episodeRoutes, //       /api/episodes            read
  gateRoutes, //          /api/gate                read; wake: trade
  decisionRoutes, //      /api/decisions           read; dry-run: trade
  equityRoutes, //        /api/equity              read
  llmRoutes, //           /api/llm/usage           read
  strategyRoutes, //      /api/strategies          read; PATCH: trade
  signalRoutes, //        /api/signals             read
  learnerRoutes, //       /api/learner             read
  regimeRoutes, //        /api/regime              read
  riskRoutes, //          /api/risk/check          read (GET: nothing changes)
  quantRoutes, //         /api/quant/rank|retrain  read; retrain: trade
  brokerRoutes, //        /api/broker/status       read
  chartRoutes, //         /api/chart               read
  candleRoutes, //        /api/candles             read; PUT: trade
  fundingRoutes, //       /api/funding             read; PUT: trade
  backtestRoutes, //      /api/backtests           read; POST: trade
  tokenRoutes, //         /api/tokens              admin
  streamTicketRoutes, //  /api/stream/ticket|status read
];

const docs = docsRoutes(() => GROUPS);

/**
 * Every documented group: public ones (/health, /openapi.json, /docs), the API, the stream (/ws/stream), MCP (/mcp) and the
 * Telegram webhook (/telegram/webhook: its own secret header, src/api/routes/telegram.ts).
 */
export const GROUPS: readonly RouteGroup[] = [healthRoutes, docs, ...API_GROUPS, streamRoutes, mcpRoutes, telegramRoutes];

/** The worker's HTTP surface: /health and the docs in the open, /api/* and /ws/* behind the bearer token (or a stream ticket). */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.use("/api/*", bearerAuth());
  app.use("/ws/*", bearerAuth({ streamTicket: true }));
  // The MCP server (src/api/mcp): the same bearer tokens; its trade tools check the trade scope themselves.
  app.use("/mcp/*", bearerAuth());
  for (const g of GROUPS) app.route(g.prefix || "/", g.app);
  return app.notFound(notFound).onError(onError);
}
