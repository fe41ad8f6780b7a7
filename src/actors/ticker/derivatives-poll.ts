import { BinanceRest } from "../../adapters/exchange/binance-rest";
import { errorMessage, type Logger } from "../../adapters/log";
import { FUNDING_SETTLEMENTS_SEEN } from "../../lib/decide/funding-window";
import type { TickerSetup } from "../messages";
import { exchangeSymbol } from "../names";
import type { RestFailures } from "./rest-failures";
import type { DerivativesRead } from "../../adapters/exchange/binance-rest";
import { countAtOrBefore } from "../../lib/util/bisect";
import { LIQUIDATION_WINDOW_MS, mergePoints, NO_DERIVATIVES, type DerivativesHistory } from "../../lib/market/derivatives";

/** How far past the engine's clock a derivatives point may be stamped (the venue's clock runs a little ahead of the feed's). */
const MAX_STAMP_AHEAD_MS = 300_000;

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
  private more: DerivativesHistory | null;

  constructor(
    private readonly kv: SyncKvStorage,
    private readonly log: Logger,
    private readonly failures: RestFailures,
    /** Sends a point seen for the first time to D1: a funding settlement (`funding_rates`), any other series (`derivatives_history`). */
    private readonly record: (table: "funding_rates" | "derivatives_history", row: Record<string, string | number | null>) => void,
  ) {
    this.points = kv.get<FundingPoint[]>("funding") ?? [];
    this.more = storedHistory(kv.get<unknown>("derivatives"));
  }

  get funding(): FundingPoint[] {
    return this.points;
  }

  /** What a quote carries of the derivatives: the funding settlements, and the rest when polled. */
  quote(): { funding: FundingPoint[]; derivatives?: DerivativesHistory } {
    return this.more ? { funding: this.points, derivatives: this.more } : { funding: this.points };
  }

  /**
   * Polls the rest of the derivatives context (each series on its own: one failing keeps its last known points): open
   * interest over the last 25 h (funding-oi and the agent compare it across 24 h), the last hour of taker and long/short
   * ratios, the basis now, the last hour's forced orders. Weights go through the venue's rate governor like every call.
   */
  async pollMore(setup: TickerSetup, timeoutMs: number, now: number): Promise<void> {
    const rest = BinanceRest.at(setup.futuresRestUrl ?? setup.restUrl, timeoutMs);
    const symbol = exchangeSymbol(setup.symbol);
    const reads = await Promise.allSettled([
      rest.openInterestHistory(symbol, "15m", 100),
      rest.takerBuySellRatio(symbol, "5m", 12),
      rest.topLongShortRatio(symbol, "5m", 12),
      rest.basis(symbol),
      rest.forceOrders(symbol, now - LIQUIDATION_WINDOW_MS),
    ]);
    // Read after the fetches: the merge works on the stored history as it is now.
    const before = this.more ?? NO_DERIVATIVES;
    let synthetic = before.synthetic;
    const take = <T extends { at: number }>(r: PromiseSettledResult<DerivativesRead<T>>, what: string): T[] => {
      if (r.status === "rejected") {
        this.failures.note(r.reason);
        this.log.warn("derivatives.poll_failed", { symbol: setup.symbol, series: what, error: errorMessage(r.reason) });
        return [];
      }
      if (r.value.synthetic) synthetic = true;
      // A point stamped beyond the clock would hold every later point out of the series (they merge after the newest).
      const late = r.value.points.filter((p) => p.at > now + MAX_STAMP_AHEAD_MS);
      if (late.length > 0) this.log.warn("derivatives.future_points_dropped", { symbol: setup.symbol, series: what, count: late.length, newest: late.at(-1)!.at });
      return late.length > 0 ? r.value.points.filter((p) => p.at <= now + MAX_STAMP_AHEAD_MS) : r.value.points;
    };
    const [oi, taker, ls, basis, liq] = reads;
    const next: DerivativesHistory = {
      openInterest: mergePoints(before.openInterest, take(oi!, "openInterest"), 200),
      takerBuySellRatio: mergePoints(before.takerBuySellRatio, take(taker!, "takerBuySellRatio"), 50),
      longShortRatio: mergePoints(before.longShortRatio, take(ls!, "longShortRatio"), 50),
      basis: mergePoints(before.basis, take(basis!, "basis"), 50),
      liquidations: mergePoints(before.liquidations, take(liq!, "liquidations"), 200),
      synthetic,
    };
    // Points seen for the first time go to D1 in the same step as the state (point in time, for later backtests).
    const flag = synthetic ? 1 : 0;
    const fresh = <T extends { at: number }>(after: T[], was: T[]) => after.slice(countAtOrBefore(after, was.at(-1)?.at ?? -Infinity, (p) => p.at));
    for (const [kind, list, was] of [
      ["open_interest", next.openInterest, before.openInterest],
      ["taker_buy_sell_ratio", next.takerBuySellRatio, before.takerBuySellRatio],
      ["long_short_ratio", next.longShortRatio, before.longShortRatio],
      ["basis", next.basis, before.basis],
    ] as const) {
      for (const p of fresh(list, was)) this.record("derivatives_history", { symbol: setup.symbol, kind, t: p.at, value: p.value, side: null, price: null, synthetic: flag });
    }
    for (const l of fresh(next.liquidations, before.liquidations)) {
      this.record("derivatives_history", { symbol: setup.symbol, kind: "liquidation", t: l.at, value: l.qty, side: l.side, price: l.price, synthetic: flag });
    }
    this.more = next;
    this.kv.put("derivatives", next);
  }

  /**
   * Fetches the newest settlements from the setup's futures REST (else its spot REST); a failure is noted and logged,
   * changing nothing. With `moreAt` (the engine time now), the rest of the derivatives context too (`pollMore`).
   */
  async poll(setup: TickerSetup, timeoutMs: number, moreAt: number | null = null): Promise<void> {
    if (moreAt !== null) await this.pollMore(setup, timeoutMs, moreAt);
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
    for (const p of points) if (p.at > newest) this.record("funding_rates", { symbol: setup.symbol, t: p.at, rate: p.value });
    this.points = points;
    this.kv.put("funding", points);
  }
}

/** A stored history if it has the shape of one (a constructor never throws on bad stored state: anything else is none). */
function storedHistory(stored: unknown): DerivativesHistory | null {
  const h = stored as DerivativesHistory | null | undefined;
  if (!h || typeof h !== "object") return null;
  const lists = [h.openInterest, h.takerBuySellRatio, h.longShortRatio, h.basis, h.liquidations];
  return lists.every(Array.isArray) ? { ...h, synthetic: h.synthetic === true } : null;
}
