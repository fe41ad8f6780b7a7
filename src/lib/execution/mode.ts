/** The environment variables that choose the execution mode (worker vars and secrets). */
export interface ExecutionEnv {
  EXECUTION_MODE?: string | undefined;
  LIVE_TRADING?: string | undefined;
  BINANCE_API_KEY?: string | undefined;
  BINANCE_API_SECRET?: string | undefined;
  BROKER_REST_URL?: string | undefined;
}

export type ExecutionMode = "paper" | "testnet" | "live";

/** How this worker executes orders, read from its environment, with the reason when it may not run. */
export interface ExecutionSettings {
  mode: ExecutionMode;
  /** Who fills orders: the paper broker, or the exchange through ccxt. */
  broker: "paper" | "exchange";
  /** Where the exchange broker sends orders; null in paper mode. */
  target: "sim" | "testnet" | "live" | null;
  /** Set when the environment does not allow this mode: the engine refuses to start and places nothing. */
  error: string | null;
}

/**
 * EXECUTION_MODE = paper (default) | testnet | live. testnet and live need BINANCE_API_KEY and
 * BINANCE_API_SECRET (worker secrets); live also needs LIVE_TRADING=true. BROKER_REST_URL points the
 * testnet broker at another Binance-protocol REST base (the local simulator), or says `exchange`: where
 * the market data comes from (EXCHANGE_REST_URL); live never takes it.
 */
export function executionSettings(env: ExecutionEnv): ExecutionSettings {
  const raw = (env.EXECUTION_MODE ?? "paper").trim().toLowerCase();
  if (raw === "paper" || raw === "") return { mode: "paper", broker: "paper", target: null, error: null };
  if (raw !== "testnet" && raw !== "live") {
    return { mode: "paper", broker: "paper", target: null, error: `EXECUTION_MODE must be paper, testnet or live, not "${env.EXECUTION_MODE}"` };
  }
  const mode: ExecutionMode = raw;
  const target = mode === "live" ? "live" : env.BROKER_REST_URL ? "sim" : "testnet";
  const problems: string[] = [];
  if (mode === "live" && env.LIVE_TRADING !== "true") problems.push("live trading needs LIVE_TRADING=true");
  if (!env.BINANCE_API_KEY || !env.BINANCE_API_SECRET) problems.push(`${mode} mode needs the BINANCE_API_KEY and BINANCE_API_SECRET secrets`);
  if (mode === "live" && env.BROKER_REST_URL) problems.push("BROKER_REST_URL is for testnet runs against a simulator, never live");
  return { mode, broker: "exchange", target, error: problems.length > 0 ? `refusing to start in ${mode} mode: ${problems.join("; ")}` : null };
}
