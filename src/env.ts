import type { AccountActor } from "./actors/account-actor";
import type { GateActor } from "./actors/gate-actor";
import type { LearnerActor } from "./actors/learner-actor";
import type { PositionActor } from "./actors/position-actor";
import type { StreamActor } from "./actors/stream-actor";
import type { TickerActor } from "./actors/ticker-actor";
import type { UserStreamActor } from "./actors/user-stream-actor";
import type { NotifierActor } from "./actors/notifier-actor";

/** Bindings, vars and secrets of the worker (see wrangler.toml and docs/OPERATIONS.md). */
export interface Env {
  TICKER: DurableObjectNamespace<TickerActor>;
  GATE: DurableObjectNamespace<GateActor>;
  ACCOUNT: DurableObjectNamespace<AccountActor>;
  POSITION: DurableObjectNamespace<PositionActor>;
  LEARNER: DurableObjectNamespace<LearnerActor>;
  STREAM: DurableObjectNamespace<StreamActor>;
  USER_STREAM: DurableObjectNamespace<UserStreamActor>;
  NOTIFIER: DurableObjectNamespace<NotifierActor>;
  DB: D1Database;
  /**
   * Root bearer token of the API (secret, admin scope). Without it every /api route answers 503; outside local
   * runs so does the local dev token or one shorter than 32 characters (`insecure_token`).
   */
  API_TOKEN?: string;
  /** "true" only in local runs (`npm start`, the tests): allows the dev token and short tokens. Never set in wrangler.toml. */
  EDGETRADER_LOCAL?: string;
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
  /** Telegram bot token (secret). With TELEGRAM_CHAT_IDS it turns Telegram notifications and commands on. */
  TELEGRAM_BOT_TOKEN?: string;
  /** Comma-separated chat ids allowed to send commands; the first receives notifications unless configured. */
  TELEGRAM_CHAT_IDS?: string;
  /** The secret_token given to setWebhook (secret): POST /telegram/webhook checks it on every update. */
  TELEGRAM_WEBHOOK_SECRET?: string;
  /** Bot API base, https://api.telegram.org when absent (the local sim/notify in tests). */
  TELEGRAM_API_URL?: string;
  /** Discord webhook URL (secret: its path holds the webhook's token). */
  DISCORD_WEBHOOK_URL?: string;
  /** Generic webhook receiver URL (secret) and its HMAC-SHA256 signing secret; both needed to send. */
  NOTIFY_WEBHOOK_URL?: string;
  NOTIFY_WEBHOOK_SECRET?: string;
}

export type ActorBinding = "TICKER" | "GATE" | "ACCOUNT" | "POSITION" | "LEARNER" | "STREAM" | "USER_STREAM" | "NOTIFIER";
