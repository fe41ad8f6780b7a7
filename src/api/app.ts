import { Hono } from "hono";
import { bearerAuth } from "./auth";
import type { AppEnv } from "./context";
import { notFound, onError } from "./errors";
import { backtestRoutes } from "./routes/backtests";
import { candleRoutes } from "./routes/candles";
import { controlRoutes } from "./routes/controls";
import { decisionRoutes } from "./routes/decisions";
import { engineRoutes } from "./routes/engine";
import { equityRoutes } from "./routes/equity";
import { fundingRoutes } from "./routes/funding";
import { gateRoutes } from "./routes/gate";
import { healthRoutes } from "./routes/health";
import { llmRoutes } from "./routes/llm";
import { learnerRoutes } from "./routes/learner";
import { strategyRoutes } from "./routes/strategies";
import { positionRoutes } from "./routes/positions";
import { statusRoutes } from "./routes/status";
import { streamRoutes } from "./routes/stream";
import { tradeRoutes } from "./routes/trades";

/** The worker's HTTP surface: /health in the open, everything else behind the bearer token. */
export function createApp() {
  const api = new Hono<AppEnv>()
    .use("*", bearerAuth())
    .route("/", statusRoutes)
    .route("/", engineRoutes)
    .route("/", positionRoutes)
    .route("/", controlRoutes)
    .route("/", tradeRoutes)
    .route("/", gateRoutes)
    .route("/", decisionRoutes)
    .route("/", equityRoutes)
    .route("/", llmRoutes)
    .route("/", strategyRoutes)
    .route("/", learnerRoutes)
    .route("/", candleRoutes)
    .route("/", fundingRoutes)
    .route("/", backtestRoutes);
  const ws = new Hono<AppEnv>().use("*", bearerAuth({ allowQueryToken: true })).route("/", streamRoutes);
  return new Hono<AppEnv>().route("/", healthRoutes).route("/api", api).route("/ws", ws).notFound(notFound).onError(onError);
}
