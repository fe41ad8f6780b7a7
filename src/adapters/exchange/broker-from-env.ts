import type { Env } from "../../env";
import { executionSettings } from "../../lib/execution/mode";
import type { Broker } from "./broker";
import { CcxtBroker, type CcxtBrokerOptions } from "./ccxt-broker";

/**
 * The exchange broker the worker's environment names: Binance spot through ccxt, on the testnet, live,
 * or on the Binance-protocol venue BROKER_REST_URL points at (`exchange`: `marketRestUrl`, where the
 * market data comes from). Keys come from the worker's secrets only.
 */
export function brokerFromEnv(env: Env, marketRestUrl: string, timeoutMs: number, onAlert?: CcxtBrokerOptions["onAlert"], recvWindowMs?: number): Broker {
  const target = executionSettings(env).target ?? "sim";
  return new CcxtBroker({
    market: "spot",
    mode: target,
    apiKey: env.BINANCE_API_KEY ?? "",
    secret: env.BINANCE_API_SECRET ?? "",
    ...(target === "sim" ? { restUrl: env.BROKER_REST_URL === "exchange" ? marketRestUrl : (env.BROKER_REST_URL ?? "") } : {}),
    timeoutMs,
    ...(recvWindowMs !== undefined ? { recvWindowMs } : {}),
    ...(onAlert ? { onAlert } : {}),
  });
}
