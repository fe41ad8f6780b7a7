import { executionSettings, type ExecutionEnv } from "../../lib/execution/mode";

const BINANCE_WS_API = "wss://ws-api.binance.com:443/ws-api/v3";
const BINANCE_TESTNET_WS_API = "wss://ws-api.testnet.binance.vision/ws-api/v3";

/**
 * The REST base the exchange broker trades on (as brokerFromEnv chooses it): Binance live, Binance's spot
 * testnet, or the Binance-protocol venue BROKER_REST_URL names (`exchange`: the market-data base).
 */
export function brokerRestBase(env: ExecutionEnv, marketRestUrl: string): string {
  const target = executionSettings(env).target;
  if (target === "live") return "https://api.binance.com";
  if (target === "testnet") return "https://testnet.binance.vision";
  return env.BROKER_REST_URL === "exchange" || !env.BROKER_REST_URL ? marketRestUrl : env.BROKER_REST_URL;
}

/**
 * The WebSocket API endpoint of the venue behind a REST base: Binance's official hosts for its own REST hosts
 * (live and testnet), otherwise the same host and path with a ws scheme and `/ws-api/v3` appended (the
 * simulator serves it per session: `http://h:p/s/<id>` → `ws://h:p/s/<id>/ws-api/v3`).
 */
export function wsApiUrl(restBase: string): string {
  const base = restBase.trim().replace(/\/+$/, "");
  const url = new URL(base);
  if (url.host === "api.binance.com" || /^api\d\.binance\.com$/.test(url.host)) return BINANCE_WS_API;
  if (url.host === "testnet.binance.vision") return BINANCE_TESTNET_WS_API;
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`not a REST base: ${restBase}`);
  return `${url.protocol === "https:" ? "wss:" : "ws:"}${base.slice(url.protocol.length)}/ws-api/v3`;
}
