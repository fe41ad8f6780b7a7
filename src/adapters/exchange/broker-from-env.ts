import type { Env } from "../../env";
import { executionSettings } from "../../lib/execution/mode";
import type { BrokerReport } from "../../lib/execution/exchange-orders";
import type { OrderRecord } from "../../lib/execution/order";
import type { VenueActivity } from "../../lib/execution/venue-futures";
import type { Broker, ExchangeBalance, ExchangeOpenOrder } from "./broker";
import type { CcxtBrokerOptions } from "./ccxt-broker";
import type { BinanceMarket } from "./ccxt-binance";

/**
 * The exchange broker the worker's environment names: Binance spot (or USD-M futures: `market` "usdm") through ccxt,
 * on the testnet, live, or on the Binance-protocol venue BROKER_REST_URL points at (`exchange`: `marketRestUrl`, where
 * the market data comes from). Keys come from the worker's secrets only.
 */
export function brokerFromEnv(env: Env, marketRestUrl: string, timeoutMs: number, onAlert?: CcxtBrokerOptions["onAlert"], recvWindowMs?: number, market: BinanceMarket = "spot"): Broker {
  const target = executionSettings(env).target ?? "sim";
  return new LazyCcxtBroker({
    market,
    mode: target,
    apiKey: env.BINANCE_API_KEY ?? "",
    secret: env.BINANCE_API_SECRET ?? "",
    ...(target === "sim" ? { restUrl: env.BROKER_REST_URL === "exchange" ? marketRestUrl : (env.BROKER_REST_URL ?? "") } : {}),
    timeoutMs,
    ...(recvWindowMs !== undefined ? { recvWindowMs } : {}),
    ...(onAlert ? { onAlert } : {}),
  });
}

/**
 * The ccxt broker, loaded at its first call: ccxt's Binance classes are the largest modules of the worker, and an
 * isolate on the paper broker never needs them.
 */
class LazyCcxtBroker implements Broker {
  readonly venue: string;
  private broker: Promise<Broker> | null = null;

  constructor(private readonly opts: CcxtBrokerOptions) {
    // What the ccxt class names itself (CcxtBroker's venue without an explicit one).
    this.venue = opts.venue ?? (opts.market === "spot" ? "binance" : "binanceusdm");
  }

  private load(): Promise<Broker> {
    this.broker ??=
      this.opts.market === "spot"
        ? import("./ccxt-broker").then(({ CcxtBroker }) => new CcxtBroker(this.opts))
        : import("./ccxt-usdm-broker").then(({ CcxtUsdmBroker }) => new CcxtUsdmBroker(this.opts));
    return this.broker;
  }

  async place(order: OrderRecord): Promise<BrokerReport> {
    return (await this.load()).place(order);
  }

  async query(order: OrderRecord): Promise<BrokerReport> {
    return (await this.load()).query(order);
  }

  async cancel(order: OrderRecord): Promise<BrokerReport> {
    return (await this.load()).cancel(order);
  }

  async balances(): Promise<Record<string, ExchangeBalance>> {
    return (await this.load()).balances();
  }

  async openOrders(symbols: readonly string[]): Promise<ExchangeOpenOrder[]> {
    return (await this.load()).openOrders(symbols);
  }

  async venueActivity(symbol: string, since: number, ownOrderIds: readonly string[], lookForClose = true): Promise<VenueActivity> {
    const broker = await this.load();
    return broker.venueActivity ? broker.venueActivity(symbol, since, ownOrderIds, lookForClose) : { kind: "unknown", reason: `${this.venue} holds no perpetuals` };
  }
}

export type VenuesBroker = Pick<Broker, "balances" | "openOrders">;

/**
 * The account's view of every venue a portfolio trades on, for reconciliation: spot alone, or spot and USD-M futures
 * (balances added per asset, so the quote is the spot balance plus the futures wallet; open orders of both).
 */
export function venuesBroker(brokers: readonly Broker[]): VenuesBroker {
  if (brokers.length === 1) return brokers[0]!;
  return {
    async balances() {
      const out: Record<string, ExchangeBalance> = {};
      for (const b of brokers) {
        for (const [asset, x] of Object.entries(await b.balances())) {
          const had = out[asset];
          out[asset] = had ? { free: had.free + x.free, locked: had.locked + x.locked } : x;
        }
      }
      return out;
    },
    async openOrders(symbols) {
      const out: ExchangeOpenOrder[] = [];
      for (const b of brokers) out.push(...(await b.openOrders(symbols)));
      return out;
    },
  };
}
