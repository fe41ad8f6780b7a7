import type { AccountActor } from "./actors/account-actor";
import type { GateActor } from "./actors/gate-actor";
import type { LearnerActor } from "./actors/learner-actor";
import type { PositionActor } from "./actors/position-actor";
import type { StreamActor } from "./actors/stream-actor";
import type { TickerActor } from "./actors/ticker-actor";

/** Bindings, vars and secrets of the worker (see wrangler.toml and docs/OPERATIONS.md). */
export interface Env {
  TICKER: DurableObjectNamespace<TickerActor>;
  GATE: DurableObjectNamespace<GateActor>;
  ACCOUNT: DurableObjectNamespace<AccountActor>;
  POSITION: DurableObjectNamespace<PositionActor>;
  LEARNER: DurableObjectNamespace<LearnerActor>;
  STREAM: DurableObjectNamespace<StreamActor>;
  DB: D1Database;
  /** Bearer token of the API (secret). Without it every /api route answers 503. */
  API_TOKEN?: string;
  /** WebSocket base of the market feed, e.g. wss://stream.binance.com:9443 or the local simulator. */
  FEED_WS_URL?: string;
  /** REST base of the exchange, e.g. https://api.binance.com or the local simulator. */
  EXCHANGE_REST_URL?: string;
  /** "wall" (default): engine time is the wall clock. "feed": engine time is the newest market event time (replays). */
  CLOCK_MODE?: string;
  /** JSON object merged over the default EngineConfig. */
  ENGINE_CONFIG?: string;
  LOG_LEVEL?: string;
  /** USD-M futures REST base for funding (https://fapi.binance.com); EXCHANGE_REST_URL when absent. */
  FUTURES_REST_URL?: string;
  /** Claude API key (secret). Without it the rule pipeline decides. */
  ANTHROPIC_API_KEY?: string;
  /** Any Messages-API-compatible server (the local sim/llm in development); Anthropic's when absent. */
  ANTHROPIC_BASE_URL?: string;
  /** "paper" (default), "testnet" or "live": who fills orders (see docs/OPERATIONS.md). */
  EXECUTION_MODE?: string;
  /** Must be "true" for EXECUTION_MODE=live. */
  LIVE_TRADING?: string;
  /** Binance API key and secret (secrets), for testnet and live. Never logged or returned. */
  BINANCE_API_KEY?: string;
  BINANCE_API_SECRET?: string;
  /** Testnet only: the REST base of another Binance-protocol venue (the local simulator). */
  BROKER_REST_URL?: string;
}

export type ActorBinding = "TICKER" | "GATE" | "ACCOUNT" | "POSITION" | "LEARNER" | "STREAM";
