import { BinanceRest } from "../../adapters/exchange/binance-rest";
import { errorMessage, type Logger } from "../../adapters/log";
import { FUNDING_SETTLEMENTS_SEEN } from "../../lib/decide/funding-window";
import type { TickerSetup } from "../messages";
import { exchangeSymbol } from "../names";
import type { RestFailures } from "./rest-failures";

/** A settled funding rate of the USD-M perpetual. */
export interface FundingPoint {
  at: number;
  value: number;
}

/**
 * The derivatives context of a market: the recent funding settlements of its USD-M perpetual (kv `funding`), polled by
 * the ticker's `derivatives` timer and quoted to the gate. A failed poll keeps the last known (stamped) values.
 */
export class DerivativesPoll {
  private points: FundingPoint[];

  constructor(
    private readonly kv: SyncKvStorage,
    private readonly log: Logger,
    private readonly failures: RestFailures,
    /** Sends a settlement seen for the first time to D1 (`funding_rates`, for backtests). */
    private readonly record: (row: { symbol: string; t: number; rate: number }) => void,
  ) {
    this.points = kv.get<FundingPoint[]>("funding") ?? [];
  }

  get funding(): FundingPoint[] {
    return this.points;
  }

  /** Fetches the newest settlements from the setup's futures REST (else its spot REST); a failure is noted and logged, changing nothing. */
  async poll(setup: TickerSetup, timeoutMs: number): Promise<void> {
    let points: FundingPoint[];
    try {
      points = await BinanceRest.at(setup.futuresRestUrl ?? setup.restUrl, timeoutMs).fundingRates(exchangeSymbol(setup.symbol), FUNDING_SETTLEMENTS_SEEN);
    } catch (err) {
      this.failures.note(err);
      this.log.warn("derivatives.poll_failed", { symbol: setup.symbol, error: errorMessage(err) });
      return;
    }
    if (points.length === 0) return;
    // Read after the fetch. Settlements not seen before go to D1 in the same step as the state.
    const newest = this.points.at(-1)?.at ?? -Infinity;
    for (const p of points) if (p.at > newest) this.record({ symbol: setup.symbol, t: p.at, rate: p.value });
    this.points = points;
    this.kv.put("funding", points);
  }
}
